/**
 * The SQL console's statement runner against a real server: rows as PostgreSQL's text with type names,
 * search_path set to a tenant, read-only by default (a write is refused and nothing is kept), writes
 * committed only when allowed, one statement per run (a second one cannot slip out of the read-only
 * transaction), the statement timeout, cancel, and the row cap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlConsoleRequest } from '../../core/api/contract.js';
import { runConsoleStatement } from '../../electron/services/console/run-console-statement.js';
import { profileFor } from './harness/profile.js';
import { startCluster, type Cluster } from '../../support/cluster.js';

describe('SQL console statements', () => {
  let cluster: Cluster;
  let db: string;
  const profile = () => profileFor(cluster, db);
  const request = (sql: string, more: Partial<SqlConsoleRequest> = {}): SqlConsoleRequest => ({ target: {}, sql, allowWrites: false, timeoutMs: 30_000, ...more });
  const count = async () => Number((await cluster.query('SELECT count(*) AS n FROM acme.notes', db)).rows[0].n);

  beforeAll(async () => {
    cluster = await startCluster();
    db = await cluster.createDatabase('console');
    await cluster.query("CREATE SCHEMA acme; CREATE TABLE acme.notes (id int PRIMARY KEY, body text, at date); INSERT INTO acme.notes VALUES (1, 'hello', '2026-01-02'), (2, NULL, NULL);", db);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it("returns rows as the server's text with type names, search_path set to the tenant", async () => {
    const result = await runConsoleStatement(profile(), request('SELECT id, body, at, current_schema() AS s FROM notes ORDER BY id', { searchPath: 'acme' }));
    expect(result.columns).toEqual([
      { name: 'id', type: 'integer' },
      { name: 'body', type: 'text' },
      { name: 'at', type: 'date' },
      { name: 's', type: 'name' },
    ]);
    expect(result.rows).toEqual([
      ['1', 'hello', '2026-01-02', 'acme'],
      ['2', null, null, 'acme'],
    ]);
    expect(result).toMatchObject({ command: 'SELECT', rowCount: 2, truncated: false, committed: false });
  });

  it('is read-only by default: a write is refused and nothing is kept', async () => {
    await expect(runConsoleStatement(profile(), request("INSERT INTO acme.notes VALUES (3, 'x', NULL)"))).rejects.toMatchObject({ code: 'SQL_CONSOLE_READ_ONLY' });
    expect(await count()).toBe(2);
  });

  it('commits a write only when writes are allowed', async () => {
    const result = await runConsoleStatement(profile(), request("INSERT INTO notes VALUES (3, 'x', NULL)", { allowWrites: true, searchPath: 'acme' }));
    expect(result).toMatchObject({ command: 'INSERT', rowCount: 1, committed: true, columns: [] });
    expect(await count()).toBe(3);
  });

  it('runs one statement at a time: a second one cannot leave the read-only transaction', async () => {
    await expect(runConsoleStatement(profile(), request('SELECT 1; COMMIT; DROP TABLE acme.notes'))).rejects.toMatchObject({ code: 'SQL_CONSOLE_REFUSED' });
    expect(await count()).toBe(3);
  });

  it('stops a statement at the statement timeout and says so', async () => {
    await expect(runConsoleStatement(profile(), request('SELECT pg_sleep(30)', { timeoutMs: 300 }))).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('cancels a running statement on the server', async () => {
    const controller = new AbortController();
    const running = runConsoleStatement(profile(), request('SELECT pg_sleep(60)'), { signal: controller.signal });
    const settled = running.catch((error: unknown) => error);
    // Wait until the server runs it, then cancel.
    for (;;) {
      const { rows } = await cluster.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'tenantry console' AND query LIKE 'SELECT pg_sleep(60)%' AND state = 'active'", db);
      if (rows[0].n > 0) break;
      await new Promise((r) => setImmediate(r));
    }
    controller.abort();
    await expect(settled).resolves.toMatchObject({ code: 'CANCELLED' });
  });

  it('keeps the first rows and counts the rest', async () => {
    const result = await runConsoleStatement(profile(), request('SELECT g FROM generate_series(1, 1500) g'), { maxRows: 1000 });
    expect(result.rows).toHaveLength(1000);
    expect(result.rows[999]).toEqual(['1000']);
    expect(result).toMatchObject({ rowCount: 1500, truncated: true });
  });
});
