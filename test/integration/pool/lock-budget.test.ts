import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../harness/cluster.js';
import { countSnapshotBody, planProvisionLocks, readLockSettings } from '../../../electron/services/lock-budget.js';
import { estimateTenantLocks } from '../../../core/pool/lock-estimate.js';
import { suggestMaxLocksPerTransaction } from '../../../core/pool/lock-budget.js';
import { loadGeneratedTemplate, makeSnapshot, profileFor } from './pool-fixtures.js';
import { createProvisioner, snapshotSource } from '../../../electron/services/provision.js';
import type { Snapshot } from '../../../core/snapshot/format.js';

const LAGO = fileURLToPath(new URL('../../../../shared/corpus/lago.sql', import.meta.url));

/** Lock table entries (distinct locked objects outside the fast path) a transaction holds after running `sql`. */
async function measureLocks(client: pg.Client, sql: string): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query(sql);
    const { rows } = await client.query(
      `SELECT count(DISTINCT (locktype, database, relation, page, tuple, virtualxid, transactionid::text, classid, objid, objsubid))::int AS n
         FROM pg_locks WHERE pid = pg_backend_pid() AND NOT fastpath`,
    );
    return (rows[0] as { n: number }).n;
  } finally {
    await client.query('ROLLBACK');
  }
}

let cluster: Cluster;
const bodies = new Map<number, string>();
const snapshots = new Map<number, Snapshot>();

beforeAll(async () => {
  cluster = await startCluster();
  for (const tables of [20, 100]) {
    await loadGeneratedTemplate(cluster, `gen${tables}`, 'tmpl_src', tables);
    const { render, snapshot } = await makeSnapshot(cluster, `gen${tables}`, 'tmpl_src');
    snapshots.set(tables, snapshot);
    // The engine strips pg_dump's session settings; the tenant's transaction sets the one that matters itself.
    bodies.set(tables, 'SET LOCAL check_function_bodies = false;\n' + render('calibration_tenant'));
  }
});

afterAll(async () => {
  await cluster?.stop();
});

describe('lock estimate calibrated against pg_locks', () => {
  it.each([20, 100])('is at or a little above what a %i-table tenant really takes', async (tables) => {
    const body = bodies.get(tables)!;
    const client = await cluster.connect(`gen${tables}`);
    try {
      const actual = await measureLocks(client, body);
      const estimate = estimateTenantLocks(countSnapshotBody(body));
      expect(actual).toBeGreaterThan(tables * 5);
      expect(estimate).toBeGreaterThanOrEqual(actual);
      expect(estimate).toBeLessThanOrEqual(actual * 1.5);
    } finally {
      await client.end();
    }
  });

  it('holds for the largest corpus schema (lago)', async () => {
    await cluster.createDatabase('lago');
    await cluster.query('CREATE EXTENSION pgcrypto; CREATE EXTENSION unaccent;', 'lago');
    // The dump's own DROP/CREATE EXTENSION lines would recreate the extensions' objects, which a tenant never does.
    const sql = readFileSync(LAGO, 'utf8').replace(/^(DROP|CREATE) EXTENSION .*$/gm, '');
    const client = await cluster.connect('lago');
    try {
      const actual = await measureLocks(client, sql);
      const estimate = estimateTenantLocks(countSnapshotBody(sql));
      expect(actual).toBeGreaterThan(500);
      expect(estimate).toBeGreaterThanOrEqual(actual);
      expect(estimate).toBeLessThanOrEqual(actual * 1.5);
    } finally {
      await client.end();
    }
  });
});

describe('lock budget against the server', () => {
  it('caps concurrency to what the lock table holds', async () => {
    const client = await cluster.connect('gen100');
    try {
      const settings = await readLockSettings(client);
      expect(settings).toMatchObject({ maxLocksPerTransaction: 64, maxConnections: 50, maxPreparedTransactions: 0 });
      const plan = await planProvisionLocks(client, bodies.get(100)!, 16);
      expect(plan.capped).toBe(true);
      expect(plan.concurrency).toBe(plan.maxConcurrency);
      expect(plan.concurrency * plan.locksPerTenant).toBeLessThanOrEqual(plan.capacity);
      const small = await planProvisionLocks(client, bodies.get(20)!, 2);
      expect(small).toMatchObject({ concurrency: 2, capped: false });
    } finally {
      await client.end();
    }
  });

  it('refuses before starting when one tenant cannot fit, as the server confirms', async () => {
    const tiny = await startCluster({ conf: { max_locks_per_transaction: 10, max_connections: 10, max_worker_processes: 0, max_wal_senders: 0, autovacuum_max_workers: 1 } });
    try {
      await tiny.createDatabase('t');
      const client = await tiny.connect('t');
      let suggested = 0;
      try {
        const error = await planProvisionLocks(client, bodies.get(100)!, 1).then(
          () => undefined,
          (e: unknown) => e as { code: string; userMessage: string },
        );
        expect(error?.code).toBe('LOCK_TABLE_TOO_SMALL');
        expect(error?.userMessage).toMatch(/Set max_locks_per_transaction to at least \d+ \(now 10\)/);
        suggested = Number(/at least (\d+)/.exec(error!.userMessage)![1]);
        expect(suggested).toBe(suggestMaxLocksPerTransaction(estimateTenantLocks(countSnapshotBody(bodies.get(100)!)), 1, await readLockSettings(client)));
        // The verdict is real: running the tenant anyway runs the server out of lock table entries.
        const failure = await client.query(`BEGIN; ${bodies.get(100)!}; COMMIT;`).then(
          () => 'committed',
          (e: { code?: string }) => e.code,
        );
        await client.query('ROLLBACK').catch(() => undefined);
        expect(failure).toBe('53200');
      } finally {
        await client.end();
      }
      // provisionMany checks the budget before it starts anything.
      const provisioner = await createProvisioner(profileFor(tiny, 't'), { concurrency: 2 });
      try {
        await expect(provisioner.provisionMany(snapshotSource(snapshots.get(100)!), ['one', 'two'])).rejects.toMatchObject({ code: 'LOCK_TABLE_TOO_SMALL' });
      } finally {
        await provisioner.close();
      }
      expect((await tiny.query(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname IN ('one', 'two')`, 't')).rows[0].n).toBe(0);
    } finally {
      await tiny.stop();
    }
  });
});
