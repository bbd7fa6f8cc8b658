/**
 * The password field's placeholder for a saved connection. Where passwords
 * live in memory only (web mode, or a desktop without a usable keychain), a
 * saved connection has none after a restart and fails with "the server asks
 * for a password": say so where the password goes.
 */
export function passwordPlaceholder(saved: { hasPassword: boolean; sandbox: boolean } | undefined, transport: 'ipc' | 'http', storage?: 'encrypted' | 'memory'): string {
  if (!saved || saved.sandbox) return '';
  if (saved.hasPassword) return '(stored — type to replace)';
  if (transport === 'http') return '(none kept — web mode forgets passwords on restart; type it again, or use ~/.pgpass)';
  if (storage === 'memory') return '(none kept — no keychain, so passwords are forgotten on restart; type it again, or use ~/.pgpass)';
  return '(none stored — type one, or use ~/.pgpass)';
}
