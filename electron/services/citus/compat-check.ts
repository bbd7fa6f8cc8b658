/**
 * The Citus compatibility report of a tenant source against a target: the
 * statements findCitusFindings flags, with foreign keys into other schemas
 * judged by the target's reference tables. Provisioning distributed tenants
 * runs it before the first tenant and refuses the whole batch on a refusal.
 */
import type pg from 'pg';
import type { CitusTarget } from '../../../core/api/contract.js';
import type { CitusFacts } from '../../../core/citus/citus-facts.js';
import { findCitusFindings, formatCitusFindings, hasRefusals, type CitusFinding } from '../../../core/citus/compat-report.js';
import { TenantryError } from '../../../core/errors.js';
import { SNAPSHOT_HEADER_LINES, type Snapshot } from '../../../core/snapshot/format.js';
import { renderSnapshot } from '../../../core/snapshot/render.js';
import { detectCitus } from './detect-citus.js';

/** The tenant name the report renders a snapshot for (any valid name gives the same findings). */
export const CITUS_PROBE_TENANT = 'tenantry_citus_probe';

type Queryable = Pick<pg.ClientBase, 'query'> | pg.Pool;

/** `schema.table` of every Citus reference table in the database (plain PostgreSQL: none). */
export async function readReferenceTables(db: Queryable): Promise<Set<string>> {
  const { rows } = await db.query<{ name: string }>(
    `select n.nspname || '.' || c.relname as name
       from pg_catalog.pg_dist_partition p
       join pg_catalog.pg_class c on c.oid = p.logicalrelid
       join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where p.partmethod = 'n' and p.repmodel = 't'`,
  );
  return new Set(rows.map((r) => r.name));
}

/** Findings for SQL rendered for CITUS_PROBE_TENANT by `render` (`shownAs`: how they write the tenant's name). */
export function findingsFor(render: (tenant: string) => string, referenceTables?: ReadonlySet<string>, shownAs?: string): CitusFinding[] {
  return findCitusFindings(render(CITUS_PROBE_TENANT), { tenantSchema: CITUS_PROBE_TENANT, ...(referenceTables ? { referenceTables } : {}), ...(shownAs !== undefined ? { shownAs } : {}) });
}

/**
 * Findings for a snapshot as its file reads: lines of the file (the body rendered alone keeps its lines, and the
 * header's lines come before it) and the placeholder where the probe name was rendered, so `line N` is the line a
 * user opens, in the CLI, the snapshot report and the editor alike.
 */
export function snapshotFindings(snapshot: Snapshot, referenceTables?: ReadonlySet<string>): CitusFinding[] {
  return findingsFor((tenant) => renderSnapshot(snapshot, tenant), referenceTables, snapshot.header.placeholder).map((f) => ({ ...f, line: f.line + SNAPSHOT_HEADER_LINES }));
}

/** CITUS_INCOMPATIBLE listing what Citus would refuse, or undefined when nothing is refused. */
export function incompatibleError(findings: readonly CitusFinding[]): TenantryError | undefined {
  if (!hasRefusals(findings)) return undefined;
  const refused = findings.filter((f) => f.handling === 'refused');
  const shown = formatCitusFindings(refused.slice(0, 10)).join('\n');
  return new TenantryError(
    'CITUS_INCOMPATIBLE',
    `Citus refuses ${refused.length} statement${refused.length === 1 ? '' : 's'} of this snapshot in a distributed schema, so no tenant was started. Provision with --local to keep tenants on the coordinator, or change the template; \`tenantry check --citus --snapshot FILE\` lists them.`,
    { detail: `${shown}${refused.length > 10 ? `\n… and ${refused.length - 10} more` : ''}` },
  );
}

/** The compatibility report of a snapshot for a Citus coordinator (what the snapshot report shows). */
export interface CitusSnapshotReport {
  facts: CitusFacts;
  findings: CitusFinding[];
  /** Citus refuses at least one statement: provisioning distributed tenants from this snapshot would stop before the first. */
  refused: boolean;
}

/** The facts and reference tables of a Citus coordinator (what the report needs of the target); undefined on any other database. */
export async function readCitusTarget(db: Queryable): Promise<CitusTarget | undefined> {
  const facts = await detectCitus(db);
  if (!facts.installed || facts.role !== 'coordinator') return undefined;
  return { facts, referenceTables: [...(await readReferenceTables(db))].sort() };
}

/** The report of a snapshot (lines of its file) when `db` is a Citus coordinator; undefined on any other database. */
export async function readCitusSnapshotReport(db: Queryable, snapshot: Snapshot): Promise<CitusSnapshotReport | undefined> {
  const target = await readCitusTarget(db);
  return target ? citusSnapshotReport(target, snapshot) : undefined;
}

/** The report of a snapshot for a Citus coordinator already read (readCitusTarget). */
export function citusSnapshotReport(target: CitusTarget, snapshot: Snapshot): CitusSnapshotReport {
  const findings = snapshotFindings(snapshot, new Set(target.referenceTables));
  return { facts: target.facts, findings, refused: hasRefusals(findings) };
}
