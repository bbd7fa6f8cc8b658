/** A pasted URI names the connection after its database, not just "127.0.0.1". */
import { describe, expect, it } from 'vitest';
import { defaultConnectionName } from '../../../renderer/src/lib/connection-name.js';

describe('defaultConnectionName', () => {
  it('names the database and the server, with a non-default port', () => {
    expect(defaultConnectionName({ host: '127.0.0.1', port: '38229', database: 'lago' })).toBe('lago on 127.0.0.1:38229');
    expect(defaultConnectionName({ host: 'db.example.com', port: 5432, database: 'app' })).toBe('app on db.example.com');
  });

  it('two databases on one server get different names', () => {
    expect(defaultConnectionName({ host: 'h', database: 'lago' })).not.toBe(defaultConnectionName({ host: 'h', database: 'pagila' }));
  });

  it('falls back to the host when no database is given', () => {
    expect(defaultConnectionName({ host: '', port: '' })).toBe('localhost');
  });
});
