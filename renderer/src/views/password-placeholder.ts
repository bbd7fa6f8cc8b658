/**
 * The password field's placeholder for a saved connection. In web mode
 * passwords live in memory only, so after a restart a saved connection has
 * none and fails with "the server asks for a password": say so where the
 * password goes.
 */
export function passwordPlaceholder(saved: { hasPassword: boolean; sandbox: boolean } | undefined, transport: 'ipc' | 'http'): string {
  if (!saved || saved.sandbox) return '';
  if (saved.hasPassword) return '(stored — type to replace)';
  return transport === 'http' ? '(none kept — web mode forgets passwords on restart; type it again, or use ~/.pgpass)' : '(none stored — type one, or use ~/.pgpass)';
}
