import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../core/security/csp.js';
import { APP_ORIGIN, createWindowOptions, isAppUrl, isExternalLinkAllowed } from '../../../electron/main/window-options.js';

describe('main window options', () => {
  const options = createWindowOptions('/app/dist/electron/preload/index.cjs', false, true);
  const prefs = options.webPreferences ?? {};

  it.each([
    ['contextIsolation', true],
    ['sandbox', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInWorker', false],
    ['nodeIntegrationInSubFrames', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['webviewTag', false],
    ['navigateOnDragDrop', false],
  ] as const)('%s is %s', (key, value) => {
    expect(prefs[key]).toBe(value);
  });

  it('loads the CommonJS preload (sandboxed preloads cannot be ESM)', () => {
    expect(prefs.preload).toMatch(/index\.cjs$/);
  });

  it('follows the OS colour scheme for the first paint', () => {
    expect(createWindowOptions('p', true, true).backgroundColor).not.toBe(options.backgroundColor);
  });
});

describe('navigation and links', () => {
  it.each([
    [`${APP_ORIGIN}/index.html`, true],
    ['app://tenantry/assets/x.js', true],
    ['app://evil/index.html', false],
    ['file:///etc/passwd', false],
    ['https://example.com/', false],
    ['javascript:alert(1)', false],
    ['not a url', false],
  ])('isAppUrl(%s) is %s', (url, expected) => {
    expect(isAppUrl(url)).toBe(expected);
  });

  it.each([
    ['https://www.postgresql.org/docs/', true],
    ['http://example.com', false],
    ['https://user:pw@example.com/', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['smb://host/share', false],
  ])('isExternalLinkAllowed(%s) is %s', (url, expected) => {
    expect(isExternalLinkAllowed(url)).toBe(expected);
  });
});

describe('content security policy', () => {
  it("starts from default-src 'none' and allows no remote origin or inline script", () => {
    expect(CONTENT_SECURITY_POLICY.startsWith("default-src 'none'")).toBe(true);
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'(;|$)/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|unsafe-eval|script-src[^;]*unsafe-inline/);
  });
});
