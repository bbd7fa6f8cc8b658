/**
 * Security regressions (issue 10 §1): a snapshot is code a person edits, so an
 * edited file whose checksum was recomputed must not escape its tenant. Each
 * attack goes through what every path shares (parseSnapshot, then the
 * provisioner) against real PostgreSQL and real psql, and through the guards
 * each path adds on its own when SQL reaches it without the parser.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantryError } from '../../core/errors.js';
import { parseSnapshot, serializeSnapshot, type Snapshot } from '../../core/snapshot/format.js';
import { sha256Hex } from '../../core/snapshot/sha256.js';
import { createSnapshot } from '../../core/snapshot/template.js';
import { createProvisioner, snapshotSource, type ProvisionVia, type TenantSource } from '../../electron/services/provision/provisioner.js';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { profileFor } from './harness/profile.js';

const run = promisify(execFile);

const DUMP = ['CREATE SCHEMA tmpl;', 'CREATE TABLE tmpl.items (id int PRIMARY KEY, name text);', ''].join('\n');

/** What an editor does: change the body and recompute the checksum of the body (all that format 1 covered). */
function edited(snapshot: Snapshot, body: string): string {
  return serializeSnapshot({ header: { ...snapshot.header, checksum: sha256Hex(body) }, body });
}

async function exists(cluster: Cluster, sql: string): Promise<boolean> {
  const { rowCount } = await cluster.query(sql, 'app');
  return (rowCount ?? 0) > 0;
}

const schemaExists = (cluster: Cluster, name: string) => exists(cluster, `select 1 from pg_namespace where nspname = '${name}'`);

async function refusal(fn: () => Promise<unknown>): Promise<TenantryError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof TenantryError) return error;
    throw error;
  }
  throw new Error('expected a TenantryError, but it went through');
}

describe('a snapshot cannot escape its tenant', () => {
  let cluster: Cluster;
  let base: Snapshot;
  let scratch: string;

  beforeAll(async () => {
    cluster = await startCluster();
    await cluster.createDatabase('app');
    await cluster.query('CREATE SCHEMA other; CREATE TABLE other.keep (id int); INSERT INTO other.keep VALUES (1);', 'app');
    base = createSnapshot(DUMP, { schema: 'tmpl' }).snapshot;
    scratch = mkdtempSync(join(tmpdir(), 'tenantry-contain-'));
  });
  afterAll(async () => {
    await cluster?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  /** Reads the file as every path does, then provisions `tenant` through `via`. */
  async function provisionFile(text: string, via: ProvisionVia, tenant: string): Promise<void> {
    const snapshot = parseSnapshot(text);
    const provisioner = await createProvisioner(profileFor(cluster, 'app'), { via, concurrency: 1 });
    try {
      await provisioner.provisionTenant(snapshotSource(snapshot), tenant);
    } finally {
      await provisioner.close();
    }
  }

  for (const via of ['driver', 'psql'] as ProvisionVia[]) {
    it(`refuses COMMIT; DROP SCHEMA other CASCADE before anything runs (${via})`, async () => {
      const text = edited(base, `${base.body}COMMIT;\nDROP SCHEMA other CASCADE;\n`);
      const error = await refusal(() => provisionFile(text, via, `commit_${via}`));
      expect(error.code).toBe('SNAPSHOT_STATEMENT_REFUSED');
      expect(error.userMessage).toMatch(/^The snapshot body line 3 is refused: transaction control/);
      expect(error.detail).toBe('line 3: COMMIT;');
      expect(await exists(cluster, 'select 1 from other.keep')).toBe(true);
      expect(await schemaExists(cluster, `commit_${via}`)).toBe(false);
    });

    it(`leaves no half-built schema when COMMIT is followed by an error (${via})`, async () => {
      // Before: the tenant was committed, the next statement failed, and the summary said nothing was created.
      const text = edited(base, `${base.body}COMMIT;\nCREATE TABLE nowhere.t (id int);\n`);
      const error = await refusal(() => provisionFile(text, via, `half_${via}`));
      expect(error.code).toBe('SNAPSHOT_STATEMENT_REFUSED');
      expect(await schemaExists(cluster, `half_${via}`)).toBe(false);
    });

    it(`refuses ROLLBACK; CREATE TABLE public.x (${via})`, async () => {
      const text = edited(base, `ROLLBACK;\nCREATE TABLE public.x_${via} (id int);\n${base.body}`);
      const error = await refusal(() => provisionFile(text, via, `rollback_${via}`));
      expect(error.code).toBe('SNAPSHOT_STATEMENT_REFUSED');
      expect(error.userMessage).toContain('line 1 is refused: transaction control');
      expect(await exists(cluster, `select 1 from pg_class where relname = 'x_${via}'`)).toBe(false);
      expect(await schemaExists(cluster, `rollback_${via}`)).toBe(false);
    });

    it(`refuses \\! and \\connect; the shell command never runs (${via})`, async () => {
      const marker = join(scratch, `shell-${via}`);
      for (const meta of [`\\! touch ${marker}`, '\\connect postgres']) {
        const text = edited(base, `${base.body}${meta}\n`);
        const error = await refusal(() => provisionFile(text, via, `meta_${via}`));
        expect(error.code).toBe('SNAPSHOT_STATEMENT_REFUSED');
        expect(error.userMessage).toMatch(/line 3 is refused: psql meta-command \\(!|connect)/);
      }
      expect(existsSync(marker)).toBe(false);
      expect(await schemaExists(cluster, `meta_${via}`)).toBe(false);
    });
  }

  it('detects a changed header (session settings, quoting contexts) by the seal', () => {
    const text = createSnapshot(DUMP, { schema: 'tmpl' }).text;
    const settings = text.replace('"sessionSettings":{}', '"sessionSettings":{"search_path":"other"}');
    const contexts = text.replace('"form":"identifier"', '"form":"name"');
    for (const tampered of [settings, contexts]) {
      expect(tampered).not.toBe(text);
      const error = (() => {
        try {
          parseSnapshot(tampered);
        } catch (e) {
          return e as TenantryError;
        }
        return undefined;
      })();
      expect(error?.code).toBe('SNAPSHOT_CHECKSUM_MISMATCH');
      expect(error?.userMessage).toContain('The snapshot header was changed');
      expect(error?.userMessage).toContain('tenantry snapshot reseal FILE');
    }
  });

  it("strips a --clean dump's DROP EXTENSION and DROP SCHEMA; provisioning keeps pgcrypto", async () => {
    await cluster.query('CREATE EXTENSION pgcrypto; CREATE SCHEMA cleaned; CREATE TABLE cleaned.t (id uuid DEFAULT gen_random_uuid());', 'app');
    const { stdout } = await run(join(cluster.binDir, 'pg_dump'), ['--schema-only', '--clean', '--if-exists', '-n', 'cleaned', '-h', cluster.host, '-p', String(cluster.port), '-U', cluster.user, 'app'], {
      env: { PATH: process.env.PATH ?? '', PGPASSWORD: cluster.password },
    });
    expect(stdout).toMatch(/DROP SCHEMA IF EXISTS cleaned;/);
    // pg_dump writes DROP EXTENSION for extensions it dumps; a dump of a schema with one in it shows the same shape.
    const dump = `${stdout}\nDROP EXTENSION IF EXISTS pgcrypto;\n`;
    const { snapshot, text, report } = createSnapshot(dump, { schema: 'cleaned' });
    expect(snapshot.body).not.toMatch(/\bDROP\b/);
    expect(report.stripped.map((s) => s.text)).toEqual(expect.arrayContaining(['DROP EXTENSION IF EXISTS pgcrypto;', 'DROP SCHEMA IF EXISTS cleaned;']));
    expect(report.stripped.find((s) => s.text === 'DROP EXTENSION IF EXISTS pgcrypto;')?.reason).toMatch(/^DROP \(pg_dump --clean\)/);
    expect(report.refused).toEqual([]);
    for (const via of ['driver', 'psql'] as ProvisionVia[]) {
      await provisionFile(text, via, `clean_${via}`);
      expect(await schemaExists(cluster, `clean_${via}`)).toBe(true);
    }
    expect(await exists(cluster, "select 1 from pg_extension where extname = 'pgcrypto'")).toBe(true);
    expect(await schemaExists(cluster, 'cleaned')).toBe(true);
  });
});

describe('each path guards its own transaction when SQL reaches it without the parser', () => {
  let cluster: Cluster;
  let scratch: string;
  beforeAll(async () => {
    cluster = await startCluster();
    await cluster.createDatabase('app');
    scratch = mkdtempSync(join(tmpdir(), 'tenantry-guard-'));
  });
  afterAll(async () => {
    await cluster?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const raw = (extra: string, session = false): TenantSource => ({
    render: (tenant) => `${session ? 'SET work_mem = 1024;\n' : ''}CREATE SCHEMA ${q(tenant)};\nCREATE TABLE ${q(tenant)}.a (id int);\n${extra}\nCREATE TABLE ${q(tenant)}.b (id int);\n`,
  });

  for (const via of ['driver', 'psql'] as ProvisionVia[]) {
    for (const session of via === 'driver' ? [false, true] : [false]) {
      it(`does not report "created" when the SQL ended the transaction (${via}${session ? ', session-changing SQL' : ''})`, async () => {
        const tenant = `ended_${via}_${session}`;
        const provisioner = await createProvisioner(profileFor(cluster, 'app'), { via, concurrency: 1 });
        try {
          const error = await refusal(() => provisioner.provisionTenant(raw('COMMIT;', session), tenant));
          expect(error.code).toBe('PROVISION_FAILED');
          expect(error.userMessage).toContain("its SQL ended the tenant's transaction");
          expect(error.userMessage).not.toContain('nothing was created');
        } finally {
          await provisioner.close();
        }
      });
    }
  }

  it('psql runs the script under \\restrict: a meta-command is not run', async () => {
    const marker = join(scratch, 'restricted');
    const provisioner = await createProvisioner(profileFor(cluster, 'app'), { via: 'psql', concurrency: 1 });
    try {
      const error = await refusal(() => provisioner.provisionTenant(raw(`\\! touch ${marker}`), 'restricted'));
      expect(error.code).toBe('PROVISION_FAILED');
      expect(error.detail).toMatch(/restricted/i);
    } finally {
      await provisioner.close();
    }
    expect(existsSync(marker)).toBe(false);
    expect(await schemaExists(cluster, 'restricted')).toBe(false);
  });
});
