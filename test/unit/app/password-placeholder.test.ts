/** After a web-mode restart a saved connection has no password; the field says why instead of staying blank. */
import { describe, expect, it } from 'vitest';
import { passwordPlaceholder } from '../../../renderer/src/lib/password-placeholder.js';

describe('passwordPlaceholder', () => {
  it('web mode, nothing kept: explains that web mode forgets passwords', () => {
    expect(passwordPlaceholder({ hasPassword: false, sandbox: false }, 'http')).toContain('web mode forgets passwords on restart');
  });
  it('a stored password can be replaced', () => {
    expect(passwordPlaceholder({ hasPassword: true, sandbox: false }, 'ipc')).toBe('(stored — type to replace)');
  });
  it('desktop without a keychain (passwords in memory only) says they are forgotten on restart', () => {
    expect(passwordPlaceholder({ hasPassword: false, sandbox: false }, 'ipc', 'memory')).toContain('forgotten on restart');
  });
  it('desktop without a password and new connections', () => {
    expect(passwordPlaceholder({ hasPassword: false, sandbox: false }, 'ipc')).toContain('none stored');
    expect(passwordPlaceholder(undefined, 'http')).toBe('');
  });
});
