/**
 * Runtime validators for every request of the contract (core/api/contract.ts).
 * Both transports call validateRequest before a handler sees the payload.
 */
import { TenantryError } from '../errors.js';
import { type Channel, type Req, type RequestProfile, isChannel } from './contract.js';
import { arr, bool, empty, int, obj, oneOf, str, type Check } from './validate-shape.js';
import { MAX_BATCH_CONCURRENCY } from '../provision/batch-concurrency.js';

const ssh = obj(
  { host: str(1024), user: str(255) },
  { port: int(1, 65535), keyFile: str(4096), passphrase: str(1024), useAgent: bool },
);

const profile: Check<RequestProfile> = obj(
  {},
  {
    host: str(1024),
    port: int(1, 65535),
    database: str(255),
    user: str(255),
    password: str(1024),
    sslmode: oneOf('disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'),
    sslrootcert: str(4096),
    sslcert: str(4096),
    sslkey: str(4096),
    sslpassword: str(1024),
    sslcrl: str(4096),
    sslcertmode: oneOf('disable', 'allow', 'require'),
    sslnegotiation: oneOf('postgres', 'direct'),
    sslminprotocolversion: str(32),
    connect_timeout: int(0, 3600),
    application_name: str(64),
    ssh,
  },
);

const id = str(200);
const target = obj({}, { connectionId: id, profile, database: str(255) });
const purpose = oneOf('sslrootcert', 'sslcert', 'sslkey', 'sslcrl', 'ssh-key', 'snapshot-open', 'snapshot-save', 'tenant-csv', 'migration');
/**
 * The longest dump or snapshot text a request may carry, in characters. The
 * largest real schema at hand, GitLab's (../shared/realworld/gitlab.sql), is
 * 2.7 MB; 3,200 tables with functions and comments (test/e2e/large-dump)
 * make 10 MB. 64 Mi characters is six times that; bigger dumps are for the
 * CLI (`tenantry snapshot`, `tenantry template`), which streams no request.
 */
export const MAX_SQL_CHARS = 64 * 1024 * 1024;
const MAX_SQL = MAX_SQL_CHARS;

/** A PostgreSQL name as the catalog stores it (63 bytes; room for multibyte characters). */
const pgName = str(255);

/** A migration's source (migrate:plan, and the fields the other migrate requests share). */
const migrationSource = {
  required: { target, template: pgName, path: str(4096) },
  optional: { placeholder: str(255), decisions: arr(obj({ id: str(1000), decision: oneOf('keep', 'replace') }), 100_000) },
};
const tenantChoice = { all: bool, cohort: str(200), tenants: arr(pgName, 100_000), order: str(40) };

/** The validator of each channel's request (exported for the test that every contract field has one). */
export const requestValidators: { [C in Channel]: Check<Req<C>> } = {
  'app:info': empty,
  'sandbox:status': empty,
  'sandbox:start': empty,
  'sandbox:stop': empty,
  'connections:list': empty,
  'connections:save': obj({ name: str(200), profile }, { id, clearPassword: bool }),
  'connections:delete': obj({ id }),
  'connections:test': target,
  'connections:parse-uri': obj({ uri: str(8192) }),
  'connections:format-uri': obj({ profile }),
  'connections:diagnose': target,
  'connections:trust-host-key': obj({ host: str(1024), fingerprint: str(200) }, { port: int(1, 65535) }),
  'files:pick': obj({ purpose }),
  // Only the SSL files the connection form shows facts for: not a way to probe any path for any purpose.
  'files:inspect': obj({ path: str(4096), purpose: oneOf('sslrootcert', 'sslcert', 'sslkey', 'sslcrl') }, { certificatePath: str(4096) }),
  'files:complete': obj({ prefix: str(4096) }),
  'schemas:databases': target,
  'schemas:list': target,
  'dump:start': obj({
    target,
    schema: str(255),
    options: obj({ noOwner: bool, noPrivileges: bool, ledgerTables: arr(str(255), 100) }, { carryPartitions: bool }),
  }),
  'job:cancel': obj({ jobId: id }),
  'snapshot:build': obj(
    { sql: str(MAX_SQL), schema: str(255), placeholder: str(255), minify: bool, skip: arr(int(0, 10_000_000), 1_000_000) },
    { replace: arr(int(0, 10_000_000), 1_000_000), dumpId: id, source: obj({}, { pgDumpVersion: str(200), serverVersion: str(200) }), stripOwner: bool },
  ),
  'snapshot:save': obj({ name: str(200), text: str(MAX_SQL) }, { toPickedFile: bool }),
  'snapshot:list': empty,
  'snapshot:read': obj({ id }),
  'snapshot:open-file': empty,
  'tenant:check-name': obj({ name: str(1000) }, { target }),
  'provision:start': obj(
    {
      snapshotId: id,
      target,
      tenants: arr(str(1000), 100_000),
      concurrency: int(1, MAX_BATCH_CONCURRENCY),
      continueOnError: bool,
    },
    { verify: bool },
  ),
  'provision:verify': obj({ target, snapshotId: id, tenant: str(1000) }),
  'provision:history': empty,
  'pool:status': obj({ target, snapshotId: id }),
  'pool:size': obj({ target, size: int(0, 10_000) }),
  'pool:fill': obj({ target, snapshotId: id }, { replace: bool }),
  'pool:empty': obj({ target, confirm: bool }),
  'pool:claim': obj({ target, snapshotId: id, tenant: str(1000) }),
  'publish:list': obj({ target }),
  'publish:publish': obj({ target, snapshotId: id, grants: arr(pgName, 100) }, { label: str(200) }),
  'publish:unpublish': obj({ target, label: str(200), confirm: bool }),
  'fleet:tenants': obj({ target }, { template: pgName }),
  'fleet:cohort': obj({ target, template: pgName, tenant: pgName }),
  'fleet:verify': obj({ target, template: pgName, tenants: arr(pgName, 100_000) }),
  'fleet:adopt-candidates': obj({ target, template: pgName, minMatch: int(0, 100) }),
  'fleet:adopt': obj({ target, template: pgName, schemas: arr(pgName, 100_000) }),
  'fleet:drop': obj({ target, tenant: pgName, confirmName: pgName }),
  'citus:placement': obj({ target }),
  'citus:rebalance-plan': obj({ target }),
  'citus:move': obj({ target, tenant: pgName, node: str(1100), mode: oneOf('auto', 'force_logical', 'block_writes') }),
  'sql:run': obj({ target, sql: str(1024 * 1024), allowWrites: bool, timeoutMs: int(100, 3_600_000) }, { searchPath: pgName }),
  'migrate:plan': obj(migrationSource.required, migrationSource.optional),
  'migrate:dry-run': obj({ ...migrationSource.required, lockTimeoutMs: int(0, 3_600_000) }, { ...migrationSource.optional, ...tenantChoice, tenant: pgName }),
  'migrate:start': obj(
    { ...migrationSource.required, canary: int(0, 100_000), concurrency: int(1, MAX_BATCH_CONCURRENCY), lockTimeoutMs: int(0, 3_600_000), retries: int(0, 100), continueOnError: bool },
    { ...migrationSource.optional, ...tenantChoice, canaryOnly: bool, statementTimeoutMs: int(0, 86_400_000) },
  ),
  'migrate:resume': obj({ target, rolloutId: id }, { tenants: arr(pgName, 100_000), concurrency: int(1, MAX_BATCH_CONCURRENCY) }),
  'migrate:skip': obj({ target, rolloutId: id, tenants: arr(pgName, 100_000) }),
  'migrate:list': obj({ target }),
  'migrate:status': obj({ target, rolloutId: id }),
  'migrate:refresh': obj({ target, rolloutId: id, label: str(200) }, { skipPool: bool }),
  'settings:read': empty,
  'settings:write': obj({}, { theme: oneOf('system', 'light', 'dark') }),
};

/** Checks the channel name and the request payload; throws INVALID_REQUEST otherwise. */
export function validateRequest<C extends Channel>(channel: unknown, payload: unknown): { channel: C; req: Req<C> } {
  if (!isChannel(channel)) {
    throw new TenantryError('INVALID_REQUEST', `The request is malformed: unknown channel ${JSON.stringify(String(channel).slice(0, 80))}.`);
  }
  const check = requestValidators[channel] as Check<Req<C>>;
  return { channel: channel as C, req: check(payload ?? {}, 'request') };
}
