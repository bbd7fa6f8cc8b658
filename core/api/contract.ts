/**
 * The one description of what the UI may ask the backend for: channel name →
 * request and response, plus the events the backend pushes. Electron IPC and
 * web-mode HTTP both serve exactly this map (electron/handlers/create-handlers.ts), and
 * the renderer calls it through one typed `invoke(channel, req)`.
 *
 * Requests are one plain object; responses are plain serializable data.
 * Every request has a runtime validator in core/api/validate.ts.
 */
import type { CitusFacts } from '../citus/citus-facts.js';
import type { CitusFinding } from '../citus/compat-report.js';
import type { ConnectionProfile, SslMode } from '../connection/profile.js';
import type { SandboxTerminal } from '../connection/sandbox-terminal.js';
import type { FileFacts, FileRole, VerdictCode } from '../diagnostics/types.js';
import type { ErrorCode, ErrorInfo, Result } from '../errors.js';
import type { AdoptionEvidence } from '../fleet/adoption-sql.js';
import type { CohortStatus } from '../fleet/census.js';
import type { RegisterHow, VerifyResult as RegisterVerifyResult } from '../fleet/register-sql.js';
import type { CatalogFacts } from '../snapshot/catalog-facts.js';
import type { ReferenceKind } from '../snapshot/references.js';

/** A saved connection as the UI sees it: never the password itself. */
export interface ConnectionSummary {
  id: string;
  name: string;
  /** The profile without `password` / `sslpassword`. */
  profile: ConnectionProfile;
  hasPassword: boolean;
  /** With an SSH tunnel: whether a passphrase for its key file is stored. */
  hasSshPassphrase?: boolean;
  /** True for the built-in local sandbox. */
  sandbox: boolean;
}

/**
 * A profile as a request carries it: every libpq setting the app applies. A
 * pg_service.conf name and a passfile are resolved by the CLI only
 * (resolveProfile); the app would ignore them, so requests refuse them.
 */
export type RequestProfile = Omit<ConnectionProfile, 'service' | 'passfile' | 'hostaddr'>;

export interface ConnectionDraft {
  /** Absent for a new connection. */
  id?: string;
  name: string;
  profile: RequestProfile;
  /** When false and `profile.password` is absent, a stored password is kept. */
  clearPassword?: boolean;
}

/**
 * A saved connection (by id), an unsaved profile from the form, or both: a
 * saved connection's edits not saved yet, its stored secrets filling what was
 * not typed again.
 */
export interface ConnectionTarget {
  connectionId?: string;
  profile?: RequestProfile;
  /** For a saved connection: another database on the same server. */
  database?: string;
}

/** The connection id of the local sandbox cluster: always listed, never saved, edited or deleted. */
export const SANDBOX_CONNECTION_ID = 'sandbox';

export interface ServerInfo {
  serverVersion: string;
  user: string;
  database: string;
  ssl: boolean;
  sslDetail?: string;
  elapsedMs: number;
  /** Citus on this database (extension, coordinator or worker, workers, schema-based sharding); absent on plain PostgreSQL. */
  citus?: CitusFacts;
}

export interface SandboxStatus {
  state: 'stopped' | 'starting' | 'running' | 'failed';
  port?: number;
  dataDir: string;
  serverVersion?: string;
  connectionId?: string;
  /** The demo database holding the template schema. */
  database?: string;
  templateSchema?: string;
  /** How to reach the running sandbox from a terminal (host, port, socket, user, passfile, psql commands). */
  terminal?: SandboxTerminal;
  error?: ErrorInfo;
}

export interface DatabaseSummary {
  name: string;
  owner: string;
  sizeBytes: number;
}

export interface SchemaSummary {
  name: string;
  owner: string;
  tables: number;
  views: number;
  functions: number;
  sequences: number;
  sizeBytes: number;
  system: boolean;
  extensionOwned: boolean;
  /** A warm-pool spare: the template schema of the snapshot it was built from, as the pool records it (absent when unknown). */
  spareOf?: string;
  /** A tenant recorded in the register (`_tenantry.tenants`): the template it was provisioned from or adopted for (absent when not registered). */
  tenantOf?: string;
}

export interface DumpOptions {
  noOwner: boolean;
  noPrivileges: boolean;
  /** Ledger tables whose rows are carried into the snapshot (empty: detect the usual ones). */
  ledgerTables: string[];
  /** Carry partitions the template keeps in other schemas into each tenant (refused by default, as --carry-partitions). */
  carryPartitions?: boolean;
}

export interface DumpRequest {
  target: ConnectionTarget;
  schema: string;
  options: DumpOptions;
}

export interface BinaryInfo {
  path: string;
  version: string;
}

/** What `dump:start` finishes with (delivered by the `job:done` event). */
export interface DumpResult {
  /** The dump job's id: what `snapshot:build` names so the engine uses the facts the backend read (it keeps them). */
  dumpId: string;
  schema: string;
  database: string;
  sql: string;
  pgDump: BinaryInfo;
  serverVersion: string;
  /**
   * Catalog facts for the editor's reference finder, when read. Never sent back: `snapshot:build` names the dump
   * (`dumpId`) and the backend uses the facts it kept (electron/services/snapshot/dump-catalogs.ts).
   */
  catalog?: CatalogFacts;
  /** Ledger rows appended as INSERT statements, and which tables they came from. */
  ledgerTables: string[];
  /** What every tenant will share with the rest of the database (extensions, roles, objects in other schemas). */
  shared: string[];
  /** Small tables that look like configuration: tenants get them empty unless they are passed as ledger tables. */
  configTables?: { table: string; rows: number }[];
  /** Whether ownership was left out of the dump (the snapshot strips OWNER TO too). */
  noOwner: boolean;
  /** Dumped from a Citus coordinator (tenants there become distributed schemas): what a build needs for its compatibility report. */
  citus?: CitusTarget;
  bytes: number;
  elapsedMs: number;
}

/** A Citus coordinator as the snapshot's compatibility report needs it: its facts and its reference tables (`schema.table`). */
export interface CitusTarget {
  facts: CitusFacts;
  referenceTables: string[];
}

/** What Citus refuses of a snapshot in a distributed schema and what Tenantry does about each (the CLI's `tenantry snapshot` section). */
export interface CitusReportInfo {
  facts: CitusFacts;
  findings: CitusFinding[];
  /** At least one statement is refused: distributed provisioning from this snapshot stops before the first tenant. */
  refused: boolean;
}

export interface SnapshotBuildRequest {
  sql: string;
  schema: string;
  placeholder: string;
  minify: boolean;
  /** Indexes (into the reference list) the user chose to leave alone. */
  skip: number[];
  /** Indexes of references marked keep (text that may not be a name) to replace anyway. */
  replace?: number[];
  /** The dump (DumpResult.dumpId) whose catalog facts the engine uses; without it the snapshot is built from the SQL alone. */
  dumpId?: string;
  source?: { pgDumpVersion?: string; serverVersion?: string };
  /** Leave out ALTER … OWNER TO (when the dump was made with --no-owner). */
  stripOwner?: boolean;
}

export interface ReferenceInfo {
  index: number;
  /** Stable across re-dumps where possible (core/snapshot/reference-ids.ts): what a decisions file names. */
  id: string;
  /** Left as it is unless replaced on request: text that holds the name but may not be one. */
  keep?: boolean;
  start: number;
  end: number;
  line: number;
  column: number;
  kind: ReferenceKind;
  needsReview: boolean;
  text: string;
  context: string;
}

export interface SnapshotBuildResult {
  text: string;
  body: string;
  references: ReferenceInfo[];
  countsByKind: Partial<Record<ReferenceKind, number>>;
  warnings: string[];
  stripped: { line: number; text: string; reason: string }[];
  /** Built from a Citus coordinator's dump (DumpResult.citus, kept in the backend with the dump): what Citus refuses, each with its line. */
  citus?: CitusReportInfo;
}

export interface SnapshotFileInfo {
  id: string;
  name: string;
  schema: string;
  placeholder: string;
  createdAt: string;
  bytes: number;
  path: string;
}

export interface TenantProgress {
  tenant: string;
  status: 'queued' | 'running' | 'created' | 'exists' | 'failed' | 'cancelled';
  elapsedMs?: number;
  error?: ErrorInfo;
  /** How the tenant came to be: claimed from the warm pool (a spare renamed) or built from the snapshot. */
  via?: 'claimed' | 'built';
  /** Said when the outcome had to be checked, e.g. the connection broke during COMMIT and the catalog showed the tenant. */
  note?: string;
}

export interface ProvisionRequest {
  snapshotId: string;
  target: ConnectionTarget;
  tenants: string[];
  concurrency: number;
  continueOnError: boolean;
  /** Verify every created tenant after the batch and record the results in the register (default true). */
  verify?: boolean;
}

export interface ProvisionResult {
  tenants: TenantProgress[];
  created: number;
  failed: number;
  elapsedMs: number;
  /** Verification of every tenant the batch created (absent when none was created or verification could not run). */
  verified?: VerifyResult[];
  /** Why the batch's verification could not run, when it could not. */
  verifyError?: string;
}

export interface VerifyDifference {
  kind: string;
  object: string;
  detail: string;
}

export interface VerifyResult {
  tenant: string;
  template: string;
  equal: boolean;
  isolated: boolean;
  differences: VerifyDifference[];
  /**
   * Text in the tenant that names the template but does not make it reach the template: a setting name, a name
   * built by concatenation (cannot be resolved), data both sides hold. Listed for a person to read; never a failure.
   */
  notes: VerifyDifference[];
  /** What was not compared and why (owners and privileges when the snapshot did not carry them, …). */
  notCompared: string[];
  /** Object counts compared (tables, columns, indexes, …) for display. */
  compared: Record<string, number>;
}

/** A tenant's outcome in the history: a provision's status, or a migration's (`migrated`, `skipped`: already had it). */
export type HistoryStatus = TenantProgress['status'] | 'migrated' | 'skipped';

export interface HistoryEntry {
  tenant: string;
  connectionName: string;
  database: string;
  /** The snapshot a tenant was provisioned from; for a migration, the rollout and its versions. */
  snapshotName: string;
  status: HistoryStatus;
  at: string;
  elapsedMs?: number;
  verified?: boolean;
  /** What was done (absent: provision, as entries of earlier versions). */
  action?: 'provision' | 'migrate';
  /** Who did it (absent: the app, as entries of earlier versions). */
  source?: 'app' | 'cli';
}

export type FilePurpose = 'sslrootcert' | 'sslcert' | 'sslkey' | 'sslcrl' | 'ssh-key' | 'snapshot-open' | 'snapshot-save' | 'tenant-csv' | 'migration';

export interface DiagnosticStepInfo {
  id: string;
  title: string;
  status: 'running' | 'passed' | 'failed' | 'skipped' | 'warning';
  evidence: string[];
  elapsedMs?: number;
}

export interface DiagnosticVerdictInfo {
  ok: boolean;
  code?: VerdictCode;
  summary: string;
  explanation?: string;
  chain: { subject: string; issuer: string; validTo: string; sans?: string[] }[];
  /** Hazards found on the way (e.g. a stale ~/.postgresql/postgresql.crt). */
  warnings: string[];
  /** Settings that work (or would), ready to copy; never a password. */
  working?: { uri: string; env: string; psql: string; notes: string[]; insecure: boolean; verified?: boolean };
  /** SSH_HOST_KEY_UNKNOWN: the bastion and the fingerprint it showed, for the user to confirm. */
  sshHostKey?: { host: string; port: number; fingerprint: string };
}

export interface DiagnosticsResult {
  steps: DiagnosticStepInfo[];
  verdict: DiagnosticVerdictInfo;
}

export interface AppInfo {
  mode: 'desktop' | 'web';
  version: string;
  dataDir: string;
  /** Web mode: file pickers become server-side path fields. */
  canPickFiles: boolean;
  platform: string;
  /**
   * Where saved passwords go: encrypted with the OS keychain, or memory only
   * (web mode; a desktop without a usable keychain, with `note` saying why).
   */
  passwordStorage: { kind: 'encrypted' | 'memory'; note?: string };
}

/** A cohort of the census as the Tenants view shows it; its members are the rows whose `cohort` is its index. */
export interface FleetCohortInfo {
  /** First 12 hex digits of the fingerprint. */
  id: string;
  /** e.g. "equal to the template", "drifted from snapshot v1". */
  name: string;
  status: CohortStatus;
  snapshot?: string;
  /** Kinds of object whose fingerprint differs from the template's. */
  differingKinds: string[];
  size: number;
  /** The member the differences are shown for (the first by name). */
  representative: string;
}

/**
 * Every tenant of one template, column by column: 50,000 rows as arrays of plain values parse in a fraction of
 * the time 50,000 objects take, which the Tenants view's long-task budget (≤ 200 ms) needs. Row i is index i of
 * every array.
 */
export interface FleetTenantColumns {
  tenant: string[];
  /** Index into FleetInfo.cohorts; -1 when the schema no longer exists. */
  cohort: number[];
  /** The snapshot label (else the first 12 hex digits of its checksum) the tenant was made from. */
  snapshot: (string | null)[];
  how: RegisterHow[];
  /** Milliseconds since the epoch. */
  createdAt: number[];
  verifiedAt: (number | null)[];
  verifyResult: (RegisterVerifyResult | null)[];
}

/** `fleet:tenants`: the register and census of one template in the chosen database. */
export interface FleetInfo {
  /** Templates the register knows, most tenants first. */
  templates: { name: string; tenants: number }[];
  /** The template shown (the request's, else the one with most tenants); absent when the register is empty. */
  template?: string;
  /** "4,812 equal to the template, 3 drifted". */
  summary: string;
  cohorts: FleetCohortInfo[];
  /** Registered tenants whose schema no longer exists. */
  missing: number;
  tenants: FleetTenantColumns;
  /** How long the census took on the server. */
  censusMs: number;
  /** Schemas (the template's too) whose key the census reused from an earlier one, and those it computed. */
  keys: { reused: number; computed: number };
}

/** One tenant's outcome in a `fleet:verify` job. */
export interface FleetVerifyOutcome {
  tenant: string;
  status: 'equal' | 'different' | 'failed';
  /** "3 differences", or why the verify could not run. */
  summary?: string;
}

/** What `fleet:verify` finishes with (delivered by the `job:done` event). */
export interface FleetVerifySummary {
  template: string;
  total: number;
  equal: number;
  different: number;
  failed: number;
  /** Not started (cancelled). */
  skipped: number;
  outcomes: FleetVerifyOutcome[];
  elapsedMs: number;
}

export type AdoptionCandidate = AdoptionEvidence;

/** One statement for the SQL console (`sql:run`). */
export interface SqlConsoleRequest {
  target: ConnectionTarget;
  sql: string;
  /** Off: the statement runs in a READ ONLY transaction that is rolled back. On: in a transaction committed when it succeeds. */
  allowWrites: boolean;
  /** A schema (a tenant) search_path is set to for the statement's transaction. */
  searchPath?: string;
  /** statement_timeout for the statement, in milliseconds. */
  timeoutMs: number;
}

/** What a console statement returned: rows as PostgreSQL's text (the first ones), or what it did. */
export interface SqlConsoleResult {
  /** The command tag's verb (SELECT, INSERT, …). */
  command: string;
  rowCount: number | null;
  columns: { name: string; type: string }[];
  rows: (string | null)[][];
  /** More rows came back than are kept; rowCount has them all. */
  truncated: boolean;
  committed: boolean;
  elapsedMs: number;
}

/** A migration for the Rollouts panel: a .sql file or a folder of them (one version each), on the machine the backend runs on. */
export interface MigrationSourceRequest {
  target: ConnectionTarget;
  /** The template schema the migration is written against. */
  template: string;
  /** A .sql file, or a folder whose .sql files are the versions (chosen with the file picker). */
  path: string;
  /** The placeholder the migration uses (default #{prefix}). */
  placeholder?: string;
  /** Keep/replace decisions for references that need review, by reference id. */
  decisions?: { id: string; decision: 'keep' | 'replace' }[];
}

/** One version of a planned migration, for review: its text in template form with the template's references. */
export interface MigrationFileInfo {
  name: string;
  version: string;
  /** The file with the placeholder written as the template's name: what the references' positions index. */
  sql: string;
  /** What runs in each tenant (the placeholder in place of every reference replaced). */
  templated: string;
  /** The references of the template found in `sql`; those with `keep` stay as written unless decided otherwise. */
  references: ReferenceInfo[];
  /** Runs in the tenant's transaction, or alone (a statement that cannot run in a transaction) with the rule it follows. */
  step: 'transaction' | 'alone';
  rule?: string;
}

/** `migrate:plan`: the migration planned against the live template. */
export interface MigrationPlanInfo {
  template: string;
  placeholder: string;
  /** First 12 hex digits of the plan's checksum. */
  checksum: string;
  files: MigrationFileInfo[];
  /** References needing a decision (ids for `decisions`), with what templating did. */
  review: { file: string; id: string; line: number; column: number; kind: ReferenceKind; context: string; outcome: 'replaced' | 'kept' }[];
  /** Statements the rollout refuses, with the reason; a rollout cannot start while there are any. */
  refused: { file: string; line: number; text: string; reason: string }[];
}

/** `migrate:dry-run`: the migration run on one tenant in a transaction that is rolled back. */
export interface MigrationRehearsalInfo {
  tenant: string;
  ms: number;
  lockTableEntries: number;
  locks: { relation: string; mode: string }[];
  error?: { sqlstate?: string; message: string };
}

/** Which tenants a rollout takes: exactly one of all (the register's tenants of the template), a census cohort, or a list. */
export interface RolloutTenantChoice {
  all?: boolean;
  cohort?: string;
  tenants?: string[];
  /** name, created or size, optionally `:desc` (default name; a list keeps its order). */
  order?: string;
}

/** `migrate:start`: records a rollout and runs it as a job. */
export interface RolloutStartRequest extends MigrationSourceRequest, RolloutTenantChoice {
  /** Tenants migrated one at a time first; any failure stops. */
  canary: number;
  /** Run the template and the canary only; the rest stays pending for `migrate:resume`. */
  canaryOnly?: boolean;
  concurrency: number;
  lockTimeoutMs: number;
  statementTimeoutMs?: number;
  retries: number;
  continueOnError: boolean;
}

/** Why a tenant of a rollout failed (or is being retried). */
export interface RolloutTenantError {
  code: ErrorCode;
  message: string;
  sqlstate?: string;
  file?: string;
  /** The statement's line in its file. */
  line?: number;
  statement?: string;
  blockingPid?: number;
  blockingQuery?: string;
}

/** What a running rollout reports (the CLI's `--json` events; `running` only in the app). */
export type RolloutEventInfo =
  | { type: 'start'; rolloutId: string; total: number; pending: number; skipped: number }
  | { type: 'wave'; wave: 'template' | 'canary' | 'rest'; tenants: number; concurrency: number }
  | { type: 'tenant'; tenant: string; status: 'running' | 'done' | 'skipped' | 'failed' | 'retrying'; attempt: number; ms: number; error?: RolloutTenantError }
  | { type: 'template-found'; template: string; tenant: string; how: 'recorded' | 'rehearsed'; fingerprint: string }
  | { type: 'progress'; total: number; done: number; skipped: number; failed: number; remaining: number; perSecond: number; etaSeconds?: number };

/** What a rollout job finishes with. */
export interface RolloutRunInfo {
  rolloutId: string;
  total: number;
  done: number;
  skipped: number;
  failed: number;
  /** Tenants this run did not finish (not started after a stop, or their outcome unknown). */
  remaining: number;
  elapsedMs: number;
  concurrency: number;
  failures: { tenant: string; error: RolloutTenantError }[];
  /** Why the run stopped before the end, when it did. */
  stopped?: 'template' | 'canary' | 'failure' | 'connection' | 'signal';
  /** The error that stopped the run (a lost server). */
  stopError?: RolloutTenantError;
  /** The template already had the migration (by fingerprint) and was recorded, not migrated again. */
  templateFound?: { tenant: string; how: 'recorded' | 'rehearsed'; fingerprint: string };
}

export type RolloutTenantStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed';
export type RolloutStateInfo = 'recorded' | 'running' | 'interrupted' | 'finished' | 'stopped';

/** A recorded rollout as `migrate:list` shows it. */
export interface RolloutSummaryInfo {
  id: string;
  template: string;
  createdAt: string;
  createdBy: string;
  versions: string[];
  counts: Record<RolloutTenantStatus, number>;
  state: RolloutStateInfo;
}

/** One tenant's row of a recorded rollout. */
export interface RolloutTenantInfo {
  tenant: string;
  isTemplate: boolean;
  status: RolloutTenantStatus;
  attempts: number;
  error?: RolloutTenantError;
  durationMs?: number;
}

/** `migrate:status`: a recorded rollout with every tenant's row. */
export interface RolloutDetailInfo extends RolloutSummaryInfo {
  tenants: RolloutTenantInfo[];
}

/** `migrate:refresh`: the image updated after a rollout. */
export interface RolloutRefreshInfo {
  snapshot: SnapshotFileInfo;
  checksum: string;
  /** Register rows moved to the new snapshot. */
  registered: number;
  pool: { built: string[]; dropped: string[] } | { untouched: string };
}

/** App settings the backend keeps (they outlive a web-mode port change, which localStorage does not). */
export interface AppSettings {
  theme: 'system' | 'light' | 'dark';
}

/** Where each tenant (distributed schema) of a Citus coordinator's database lives (`citus:placement`). */
export interface CitusPlacementInfo {
  /** The active primary nodes, host:port as citus_add_node registered them. */
  nodes: { node: string; shouldHaveShards: boolean }[];
  /** Distributed schemas (warm-pool spares left out); a schema not listed stays on the coordinator (not distributed). */
  tenants: { tenant: string; node?: string; bytes: number; tables: number }[];
}

/** A proposed rebalance by size (`citus:rebalance-plan`): nothing has moved. */
export interface CitusRebalancePlan {
  /** Largest tenant first, from the fullest node to the emptiest, while a move narrows the gap; empty when balanced. */
  moves: { tenant: string; from: string; to: string; bytes: number }[];
  /** Bytes per node (the nodes Citus places shards on) before and after the moves. */
  before: Record<string, number>;
  after: Record<string, number>;
}

/** How citus_schema_move copies: logical replication with writes going on (auto, force_logical), or writes blocked. */
export type CitusMoveMode = 'auto' | 'force_logical' | 'block_writes';

/** What `citus:move` finishes with (delivered by the `job:done` event). */
export interface CitusMoveResult {
  tenant: string;
  from: string;
  to: string;
  mode: CitusMoveMode;
  bytes: number;
  elapsedMs: number;
}

/** What each kind of job finishes with (the `result` of its `job:done` event). */
export interface JobResults {
  dump: DumpResult;
  provision: ProvisionResult;
  diagnostics: DiagnosticsResult;
  /** The sandbox never finishes as a job: its log lines come as `job:log` with jobId 'sandbox'. */
  sandbox: never;
  pool: PoolFillResult;
  /** Verify of many tenants from the Tenants view. */
  verify: FleetVerifySummary;
  /** One statement of the SQL console. */
  console: SqlConsoleResult;
  /** A run of a rollout (start, canary, resume, retry). */
  migrate: RolloutRunInfo;
  /** A tenant moved to another Citus node. */
  move: CitusMoveResult;
}

export type JobKind = keyof JobResults;

/** The `job:done` event of one kind of job. */
export type JobDone<K extends JobKind = JobKind> = { [P in K]: { jobId: string; kind: P; result: Result<JobResults[P]> } }[K];

/** One spare tenant of the warm pool. */
export interface SpareSummary {
  schema: string;
  /** Built from the chosen snapshot (claimable), or from another one (dropped by the next fill). */
  matches: boolean;
  builtAt: string;
}

/** The warm pool of a database, seen for one snapshot. */
export interface PoolStatusInfo {
  target: number;
  /** Spares of this snapshot, ready to claim. */
  ready: number;
  /** A fill is running in this app (the "Fill pool" job or a background refill). */
  building: boolean;
  /**
   * The app keeps this pool at its target in the background (after a claim,
   * and when the snapshot changes) and is refilling or rebuilding it now.
   */
  refilling: boolean;
  /** The last background refill failed (cleared when one succeeds). */
  refillError?: ErrorInfo;
  /** Spares built from other snapshots (checksum mismatch). */
  stale: number;
  /** The chosen snapshot's checksum (first 12 hex digits). */
  checksum: string;
  /** The snapshot the pool belongs to (first 12 hex digits); absent when it belongs to none. */
  owner?: string;
  /**
   * The pool belongs to another snapshot: nothing fills or rebuilds it for the
   * chosen one until the user confirms a replace (`pool:fill` with `replace`).
   */
  ownedByOther: boolean;
  spares: SpareSummary[];
}

/** What `pool:fill` finishes with (delivered by the `job:done` event). */
export interface PoolFillResult {
  built: number;
  dropped: number;
  /** Another session was filling the pool; nothing was done. */
  busy: boolean;
  elapsedMs: number;
}

export interface PoolClaimResult {
  tenant: string;
  spare: string;
  elapsedMs: number;
}

/** A snapshot published into a database (`tenantry publish`): what `publish:list` returns. */
export interface PublishedSnapshotInfo {
  label: string;
  /** First 12 hex digits of the snapshot body's checksum. */
  checksum: string;
  template: string;
  publishedAt: string;
  publishedBy: string;
  bytes: number;
  /** The newest: what create_tenant / claim_tenant use without a label. */
  isDefault: boolean;
}

export interface PublishResultInfo {
  label: string;
  checksum: string;
  /** False when the same snapshot was published under this label already (only grants were applied). */
  created: boolean;
  granted: string[];
}

/** Every channel: request and response types. */
export interface Api {
  'app:info': { req: Record<string, never>; res: AppInfo };

  'sandbox:status': { req: Record<string, never>; res: SandboxStatus };
  'sandbox:start': { req: Record<string, never>; res: SandboxStatus };
  'sandbox:stop': { req: Record<string, never>; res: SandboxStatus };

  'connections:list': { req: Record<string, never>; res: ConnectionSummary[] };
  'connections:save': { req: ConnectionDraft; res: ConnectionSummary };
  'connections:delete': { req: { id: string }; res: { deleted: boolean } };
  'connections:test': { req: ConnectionTarget; res: ServerInfo };
  'connections:parse-uri': { req: { uri: string }; res: ConnectionProfile };
  'connections:format-uri': { req: { profile: RequestProfile }; res: { uri: string } };
  'connections:diagnose': { req: ConnectionTarget; res: { jobId: string } };
  /** Trusts an SSH server's host key the user confirmed (first use); a different key already trusted is refused. */
  'connections:trust-host-key': { req: { host: string; port?: number; fingerprint: string }; res: { trusted: string } };

  'files:pick': { req: { purpose: FilePurpose }; res: { path: string | null } };
  'files:inspect': { req: { path: string; purpose: FileRole; certificatePath?: string }; res: FileFacts };
  /** Web mode's stand-in for a file dialog: names of readable files and folders under the user's home matching a typed path (never contents). */
  'files:complete': { req: { prefix: string }; res: { home: string; entries: { path: string; dir: boolean }[]; note?: string } };

  'schemas:databases': { req: ConnectionTarget; res: DatabaseSummary[] };
  'schemas:list': { req: ConnectionTarget; res: SchemaSummary[] };

  'dump:start': { req: DumpRequest; res: { jobId: string } };
  'job:cancel': { req: { jobId: string }; res: { cancelled: boolean } };

  'snapshot:build': { req: SnapshotBuildRequest; res: SnapshotBuildResult };
  'snapshot:save': { req: { name: string; text: string; toPickedFile?: boolean }; res: SnapshotFileInfo };
  'snapshot:list': { req: Record<string, never>; res: SnapshotFileInfo[] };
  'snapshot:read': { req: { id: string }; res: { info: SnapshotFileInfo; text: string } };
  'snapshot:open-file': { req: Record<string, never>; res: { info: SnapshotFileInfo; text: string } | null };

  /** With a target, a name whose schema already exists in that database is not valid either. */
  'tenant:check-name': { req: { name: string; target?: ConnectionTarget }; res: { valid: boolean; quoted: string; message?: string } };
  'provision:start': { req: ProvisionRequest; res: { jobId: string } };
  'provision:verify': { req: { target: ConnectionTarget; snapshotId: string; tenant: string }; res: VerifyResult };
  'provision:history': { req: Record<string, never>; res: HistoryEntry[] };

  'pool:status': { req: { target: ConnectionTarget; snapshotId: string }; res: PoolStatusInfo };
  'pool:size': { req: { target: ConnectionTarget; size: number }; res: { target: number } };
  /** `replace`: the pool may belong to another snapshot; drop its spares and make it this one's (a confirmed action). */
  'pool:fill': { req: { target: ConnectionTarget; snapshotId: string; replace?: boolean }; res: { jobId: string } };
  'pool:empty': { req: { target: ConnectionTarget; confirm: boolean }; res: { dropped: number } };
  'pool:claim': { req: { target: ConnectionTarget; snapshotId: string; tenant: string }; res: PoolClaimResult };

  'publish:list': { req: { target: ConnectionTarget }; res: PublishedSnapshotInfo[] };
  /** `label`: default the first 12 hex digits of the checksum; `grants`: roles that may call the functions. */
  'publish:publish': { req: { target: ConnectionTarget; snapshotId: string; label?: string; grants: string[] }; res: PublishResultInfo };
  'publish:unpublish': { req: { target: ConnectionTarget; label: string; confirm: boolean }; res: { label: string } };

  /** The register and census of one template (`template` absent: the one with most tenants). */
  'fleet:tenants': { req: { target: ConnectionTarget; template?: string }; res: FleetInfo };
  /** A cohort's differences from the template: the verify comparison on its representative. */
  'fleet:cohort': { req: { target: ConnectionTarget; template: string; tenant: string }; res: VerifyResult };
  /** The full verify of the listed tenants, as a job (progress: done/total); results are stored in the register. */
  'fleet:verify': { req: { target: ConnectionTarget; template: string; tenants: string[] }; res: { jobId: string } };
  /** Unregistered schemas that match the template at `minMatch` percent or more, with the evidence. */
  'fleet:adopt-candidates': { req: { target: ConnectionTarget; template: string; minMatch: number }; res: AdoptionCandidate[] };
  /** Records the schemas as adopted tenants of the template (nothing in them is changed). */
  'fleet:adopt': { req: { target: ConnectionTarget; template: string; schemas: string[] }; res: { adopted: string[] } };
  /** Drops a tenant (DROP SCHEMA … CASCADE); `confirmName` must repeat the tenant's name. */
  'fleet:drop': { req: { target: ConnectionTarget; tenant: string; confirmName: string }; res: { tenant: string; objects: number } };

  /** Where each tenant lives on a Citus coordinator; CITUS_NOT_AVAILABLE on any other database. */
  'citus:placement': { req: { target: ConnectionTarget }; res: CitusPlacementInfo };
  /**
   * Moves a tenant to another Citus node with citus_schema_move, as a job (progress: bytes copied of the tenant's
   * size; cancel with job:cancel: Citus rolls the move back). The move's checks run before the job starts.
   */
  'citus:move': { req: { target: ConnectionTarget; tenant: string; node: string; mode: CitusMoveMode }; res: { jobId: string } };
  /** The rebalance by size `tenantry placement --rebalance` proposes (nothing moves; run it with citus:move); CITUS_NOT_AVAILABLE as citus:placement. */
  'citus:rebalance-plan': { req: { target: ConnectionTarget }; res: CitusRebalancePlan };

  /** Runs one statement as a job (cancel with job:cancel); the result comes with job:done. */
  'sql:run': { req: SqlConsoleRequest; res: { jobId: string } };

  /** The migration (a file or a folder) planned against the live template: templated SQL, references, refusals. */
  'migrate:plan': { req: MigrationSourceRequest; res: MigrationPlanInfo };
  /** Runs the migration on one tenant (`tenant`, else the first chosen) in a transaction that is rolled back. */
  'migrate:dry-run': { req: MigrationSourceRequest & RolloutTenantChoice & { tenant?: string; lockTimeoutMs: number }; res: MigrationRehearsalInfo };
  /** Records a rollout and runs it as a job (events: job:rollout; cancel with job:cancel: tenants in flight finish). */
  'migrate:start': { req: RolloutStartRequest; res: { jobId: string; rolloutId: string } };
  /** Runs a recorded rollout's pending tenants again, and its failed ones (all, or those listed): "retry failed", "continue after the canary". */
  'migrate:resume': { req: { target: ConnectionTarget; rolloutId: string; tenants?: string[]; concurrency?: number }; res: { jobId: string } };
  /** Leaves failed tenants out of a rollout (recorded skipped, with their error kept); they stay at the old version. */
  'migrate:skip': { req: { target: ConnectionTarget; rolloutId: string; tenants: string[] }; res: { skipped: string[] } };
  'migrate:list': { req: { target: ConnectionTarget }; res: RolloutSummaryInfo[] };
  'migrate:status': { req: { target: ConnectionTarget; rolloutId: string }; res: RolloutDetailInfo };
  /** After a rollout: a new snapshot of the migrated template (saved in the app), the register moved to it, the warm pool rebuilt. */
  'migrate:refresh': { req: { target: ConnectionTarget; rolloutId: string; label: string; skipPool?: boolean }; res: RolloutRefreshInfo };

  'settings:read': { req: Record<string, never>; res: AppSettings };
  'settings:write': { req: Partial<AppSettings>; res: AppSettings };
}

export type Channel = keyof Api;
export type Req<C extends Channel> = Api[C]['req'];
export type Res<C extends Channel> = Api[C]['res'];

/** Events the backend pushes to the UI. */
export interface Events {
  'job:progress': { jobId: string; kind: JobKind; message?: string; done?: number; total?: number; bytes?: number };
  'job:log': { jobId: string; kind: JobKind; line: string };
  'job:tenant': { jobId: string; tenant: TenantProgress };
  'job:step': { jobId: string; step: DiagnosticStepInfo };
  /** A rollout job's events (per tenant, waves, throughput and ETA). */
  'job:rollout': { jobId: string; event: RolloutEventInfo };
  'job:done': JobDone;
  'sandbox:status': SandboxStatus;
  /** A background refill of a warm pool started, built or dropped a spare, failed or ended. */
  'pool:refill': PoolRefillEvent;
}

/** What the background keeper of a warm pool reports (see electron/handlers/pool-keeper.ts). */
export interface PoolRefillEvent {
  /** The database's server and name (host:port/database). */
  pool: string;
  database: string;
  refilling: boolean;
  /** The snapshot spares are being built from (first 12 hex digits of its checksum). */
  checksum: string;
  built?: string;
  dropped?: string;
  /** The pool belongs to another snapshot (first 12 hex digits): the keeper left it alone. */
  ownedBy?: string;
  error?: ErrorInfo;
}

export type EventName = keyof Events;
/** One pushed event: a union over the event names, so `switch (message.event)` narrows the payload. */
export type EventMessage<E extends EventName = EventName> = { [N in E]: { event: N; payload: Events[N] } }[E];

/** The fixed list of channels the preload and the web server accept. */
export const CHANNELS = [
  'app:info',
  'sandbox:status',
  'sandbox:start',
  'sandbox:stop',
  'connections:list',
  'connections:save',
  'connections:delete',
  'connections:test',
  'connections:parse-uri',
  'connections:format-uri',
  'connections:diagnose',
  'connections:trust-host-key',
  'files:pick',
  'files:inspect',
  'files:complete',
  'schemas:databases',
  'schemas:list',
  'dump:start',
  'job:cancel',
  'snapshot:build',
  'snapshot:save',
  'snapshot:list',
  'snapshot:read',
  'snapshot:open-file',
  'tenant:check-name',
  'provision:start',
  'provision:verify',
  'provision:history',
  'pool:status',
  'pool:size',
  'pool:fill',
  'pool:empty',
  'pool:claim',
  'publish:list',
  'publish:publish',
  'publish:unpublish',
  'fleet:tenants',
  'fleet:cohort',
  'fleet:verify',
  'fleet:adopt-candidates',
  'fleet:adopt',
  'fleet:drop',
  'citus:placement',
  'citus:move',
  'citus:rebalance-plan',
  'sql:run',
  'migrate:plan',
  'migrate:dry-run',
  'migrate:start',
  'migrate:resume',
  'migrate:skip',
  'migrate:list',
  'migrate:status',
  'migrate:refresh',
  'settings:read',
  'settings:write',
] as const satisfies readonly Channel[];

/** Checks at compile time that CHANNELS lists every channel of Api. */
type MissingChannels = Exclude<Channel, (typeof CHANNELS)[number]>;
const _allChannelsListed: MissingChannels extends never ? true : never = true;
void _allChannelsListed;

/** Whether a string is one of the contract's channels. */
export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

/** The handler map both transports serve. */
export type Handlers = { [C in Channel]: (req: Req<C>) => Promise<Res<C>> };

export type { SslMode };
