import { createHash } from 'node:crypto';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { Sandbox, SANDBOX_DATABASE, SANDBOX_TEMPLATE_SCHEMA } from '../../electron/services/sandbox/sandbox.js';
import { findRecordedSandboxDirectory } from '../../electron/services/sandbox/sandbox-dir.js';
import { execFileSync } from 'node:child_process';

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

function postgresOwner(): { uid: number; gid: number } {
  return { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) };
}

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

  it('trusts nobody: no trust rule, the socket admits only the OS user running Tenantry, TCP needs the password', async () => {
    const info = await sandbox.start();
    const admin = new pg.Client({ ...info.profile, ssl: false });
    await admin.connect();
    try {
      const rules = await admin.query(`SELECT type, auth_method FROM pg_hba_file_rules ORDER BY line_number`);
      expect(rules.rows.length).toBeGreaterThan(0);
      expect(rules.rows.filter((r) => r.auth_method === 'trust')).toEqual([]);
      expect(rules.rows).toContainEqual({ type: 'local', auth_method: 'peer' });
      await admin.query(`DROP ROLE IF EXISTS sandbox_other; CREATE ROLE sandbox_other LOGIN SUPERUSER`);
    } finally {
      await admin.end();
    }
    // Old code: `local all all trust`, so anyone reaching the socket was any role, the superuser included.
    const asOtherRole = new pg.Client({ host: sandbox.directory, port: info.port, user: 'sandbox_other', database: 'postgres' });
    await expect(asOtherRole.connect()).rejects.toThrow(/Peer authentication failed|no pg_ident|does not match/i);
    const noPassword = new pg.Client({ host: '127.0.0.1', port: info.port, user: 'postgres', password: '', database: 'postgres' });
    await expect(noPassword.connect()).rejects.toThrow(/password|SASL/i);
    const mode = statSync(sandbox.directory).mode & 0o777;
    expect(mode).toBe(0o700);
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

/** Where the old code put the sandbox when the postgres OS user could not reach the data folder. */
function oldPredictablePath(dataDir: string): string {
  const suffix = createHash('sha256').update(dataDir).digest('hex').slice(0, 10);
  return join(tmpdir(), `tenantry-sandbox-${process.getuid?.() ?? 0}-${suffix}`);
}

describe.runIf(isRoot)('sandbox as root with a data folder the postgres user cannot reach', () => {
  const cleanup: string[] = [];
  const sandboxes: Sandbox[] = [];
  afterAll(async () => {
    for (const s of sandboxes) await s.stop().catch(() => undefined);
    for (const s of sandboxes) cleanup.push(s.directory);
    for (const path of cleanup) rmSync(path, { recursive: true, force: true });
  });

  function privateDataDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'tenantry-sandbox-root-')); // 0700: postgres cannot enter it
    cleanup.push(dir);
    return dir;
  }

  it('never uses a directory another user planted at the old predictable path', async () => {
    const dataDir = privateDataDir();
    const planted = oldPredictablePath(dataDir);
    cleanup.push(planted);
    mkdirSync(planted, { mode: 0o777 });
    chmodSync(planted, 0o777);
    chownSync(planted, NOBODY, NOBODY);
    const sandbox = new Sandbox({ dataDir });
    sandboxes.push(sandbox);
    const info = await sandbox.start();
    expect(sandbox.directory).not.toBe(planted);
    expect(readdirSync(planted)).toEqual([]); // no cluster, no socket for the planter
    const st = lstatSync(sandbox.directory);
    expect(st.isDirectory() && !st.isSymbolicLink()).toBe(true);
    expect(st.uid).toBe(postgresOwner().uid);
    expect(st.mode & 0o777).toBe(0o700);
    expect(readFileSync(join(dataDir, 'sandbox-location'), 'utf8').trim()).toBe(sandbox.directory);
    const client = new pg.Client({ ...info.profile, ssl: false });
    await client.connect();
    await client.end();
  });

  it('never follows a symbolic link planted at the old predictable path (no chown of its target)', async () => {
    const dataDir = privateDataDir();
    const planted = oldPredictablePath(dataDir);
    const target = mkdtempSync(join(tmpdir(), 'tenantry-attacker-'));
    cleanup.push(planted, target);
    chownSync(target, NOBODY, NOBODY);
    symlinkSync(target, planted);
    const sandbox = new Sandbox({ dataDir });
    sandboxes.push(sandbox);
    await sandbox.start();
    expect(sandbox.directory).not.toBe(planted);
    expect(statSync(target).uid).toBe(NOBODY); // old code: chownSync followed the link and gave it to postgres
    expect(readdirSync(target)).toEqual([]);
    await sandbox.stop();
    // The recorded private directory is used again after a restart.
    const dir = sandbox.directory;
    await sandbox.start();
    expect(sandbox.directory).toBe(dir);
  });

  it('does not reuse a recorded location that someone else now owns', () => {
    const dataDir = privateDataDir();
    const foreign = join(tmpdir(), 'tenantry-sandbox-Ab12Cd');
    cleanup.push(foreign);
    rmSync(foreign, { recursive: true, force: true });
    mkdirSync(foreign, { mode: 0o700 });
    writeFileSync(join(dataDir, 'sandbox-location'), foreign + '\n');
    const owner = postgresOwner();
    chownSync(foreign, NOBODY, NOBODY);
    expect(findRecordedSandboxDirectory(dataDir, owner)).toBeUndefined();
    chownSync(foreign, owner.uid, owner.gid);
    expect(findRecordedSandboxDirectory(dataDir, owner)).toBe(foreign);
    chmodSync(foreign, 0o755);
    expect(findRecordedSandboxDirectory(dataDir, owner)).toBeUndefined();
    rmSync(foreign, { recursive: true });
    symlinkSync(tmpdir(), foreign);
    expect(findRecordedSandboxDirectory(dataDir, owner)).toBeUndefined();
    expect(existsSync(foreign)).toBe(true);
  });
});
