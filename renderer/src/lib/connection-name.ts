/**
 * The name a new connection gets when the user leaves "Name" empty or pastes
 * a URI: the database and where it lives ("lago on db.example.com"), so two
 * databases on one server do not both show up as "127.0.0.1".
 */
export function defaultConnectionName(p: { host?: string | undefined; port?: string | number | undefined; database?: string | undefined }): string {
  const host = p.host || 'localhost';
  const port = p.port !== undefined && String(p.port) !== '' && String(p.port) !== '5432' ? `:${p.port}` : '';
  return p.database ? `${p.database} on ${host}${port}` : `${host}${port}`;
}
