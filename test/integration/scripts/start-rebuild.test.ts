/**
 * `npm start` after a pull: dist/ from before the pull must not run (a moved
 * module fails with ERR_MODULE_NOT_FOUND). start.js runs here for real, in a
 * copy of the repository's layout whose `npm run build` only counts its runs
 * and whose `tenantry ui` exits at once, so the test sees exactly when it builds.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_OUTPUTS, findBuildReason } from '../../../scripts/build-state.js';

const repo = resolve(import.meta.dirname, '..', '..', '..');
let root = '';

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** Moves every file and folder two minutes into the past and the build stamp one: a build after the last edit. */
function builtAMinuteAgo(path = root): void {
  const t = Date.now() / 1000 - 120;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.isDirectory()) builtAMinuteAgo(join(path, entry.name));
    utimesSync(join(path, entry.name), t, t);
  }
  utimesSync(path, t, t);
  if (path === root) utimesSync(join(root, 'dist/.start-build-stamp'), t + 60, t + 60);
}

function builds(): number {
  return readFileSync(join(root, 'builds.log'), 'utf8').split('\n').filter(Boolean).length;
}

function start(): { status: number | null; stdout: string } {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'start.js'), '--web'], { encoding: 'utf8', env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: join(root, 'no-electron') } });
  return { status: r.status, stdout: r.stdout };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tenantry-start-'));
  for (const f of ['scripts/start.js', 'scripts/build-state.js']) {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    copyFileSync(join(repo, f), join(root, f));
  }
  write('package.json', JSON.stringify({ type: 'module', scripts: { build: 'node build.js' } }));
  // The stand-in build: writes every output start.js needs and logs the run.
  write(
    'build.js',
    [
      "import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';",
      "import { dirname } from 'node:path';",
      `for (const f of ${JSON.stringify(BUILD_OUTPUTS)}) { mkdirSync(dirname(f), { recursive: true }); writeFileSync(f, ''); }`,
      "writeFileSync('dist/electron/main/security.js', \"export function chooseLaunch() { return { mode: 'web', why: 'test' }; }\\n\");",
      "appendFileSync('builds.log', 'built\\n');",
    ].join('\n'),
  );
  write('builds.log', '');
  write('bin/tenantry.js', 'process.exit(0);\n');
  write('core/sql/scanner.ts', 'export {};\n');
  write('electron/cli/index.ts', 'export {};\n');
  write('renderer/src/app.tsx', 'export {};\n');
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('npm start rebuilds a stale dist/', () => {
  it('builds on first start, and not again while nothing changed', () => {
    expect(findBuildReason(root)).toMatch(/is missing/);
    expect(start().status).toBe(0);
    expect(builds()).toBe(1);
    expect(findBuildReason(root)).toBeUndefined();
    expect(start().status).toBe(0);
    expect(builds()).toBe(1);
  });

  it('rebuilds when a pulled source file is newer than the build', () => {
    builtAMinuteAgo();
    write('core/sql/scanner.ts', 'export const moved = 1;\n');
    expect(findBuildReason(root)).toBe('core changed since the last build');
    const r = start();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Building Tenantry (core changed since the last build)');
    expect(builds()).toBe(2);
    expect(findBuildReason(root)).toBeUndefined();
  });

  it('rebuilds when a file is added in a nested folder, or a dependency changes', () => {
    builtAMinuteAgo();
    write('renderer/src/views/new-view.tsx', 'export {};\n');
    expect(findBuildReason(root)).toBe('renderer changed since the last build');
    start();
    expect(builds()).toBe(3);
    builtAMinuteAgo();
    write('package-lock.json', '{}\n');
    expect(findBuildReason(root)).toBe('package-lock.json changed since the last build');
    start();
    expect(builds()).toBe(4);
  });

  it('rebuilds a dist/ built some other way (no stamp), and when an output is gone', () => {
    rmSync(join(root, 'dist/.start-build-stamp'));
    expect(findBuildReason(root)).toBe('dist/ was not built by npm start');
    start();
    expect(builds()).toBe(5);
    rmSync(join(root, 'dist/electron/cli/index.js'));
    expect(findBuildReason(root)).toBe('dist/electron/cli/index.js is missing');
    start();
    expect(builds()).toBe(6);
    expect(findBuildReason(root)).toBeUndefined();
  });
});
