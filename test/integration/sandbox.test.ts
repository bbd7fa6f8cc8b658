import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { Sandbox, SANDBOX_DATABASE, SANDBOX_TEMPLATE_SCHEMA } from '../../electron/services/sandbox.js';

describe('local sandbox', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tenantry-sandbox-test-'));
  chmodSync(dataDir, 0o755);
  const sandbox = new Sandbox({ dataDir });
  afterAll(async () => {
    await sandbox.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts PostgreSQL with the demo template schema and a password only it knows', async () => {
    const info = await sandbox.start();
    expect(info.profile.host).toBe('127.0.0.1');
    const client = new pg.Client({ host: '127.0.0.1', port: info.port, user: 'postgres', password: info.profile.password, database: SANDBOX_DATABASE });
    await client.connect();
    try {
      const tables = await client.query(`SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE nspname = $1 AND relkind = 'r' ORDER BY 1`, [SANDBOX_TEMPLATE_SCHEMA]);
      expect(tables.rows.map((r) => r.relname)).toEqual(['accounts', 'invoice_lines', 'invoices', 'projects', 'schema_migrations', 'users']);
      const ledger = await client.query(`SELECT count(*)::int AS n FROM ${SANDBOX_TEMPLATE_SCHEMA}.schema_migrations`);
      expect(ledger.rows[0].n).toBe(5);
      const policies = await client.query(`SELECT count(*)::int AS n FROM pg_policies WHERE schemaname = $1`, [SANDBOX_TEMPLATE_SCHEMA]);
      expect(policies.rows[0].n).toBe(1);
    } finally {
      await client.end();
    }
    const wrong = new pg.Client({ host: '127.0.0.1', port: info.port, user: 'postgres', password: 'not-it', database: SANDBOX_DATABASE });
    await expect(wrong.connect()).rejects.toThrow(/password authentication failed/);
  });

  it('restarts on the existing data with a new password', async () => {
    const first = (await sandbox.start()).profile.password;
    await sandbox.stop();
    const again = await sandbox.start();
    expect(again.profile.password).not.toBe(first);
    const client = new pg.Client({ ...again.profile, password: again.profile.password, ssl: false });
    await client.connect();
    const r = await client.query(`SELECT count(*)::int AS n FROM ${SANDBOX_TEMPLATE_SCHEMA}.accounts`);
    expect(r.rows[0].n).toBe(0);
    await client.end();
  });
});
