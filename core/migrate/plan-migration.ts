/**
 * A migration → a rollout plan. Migration SQL is written against the template
 * schema (`ALTER TABLE app.users …`) or with the placeholder
 * (`ALTER TABLE #{prefix}.users …`). The same reference finder as snapshots
 * (core/snapshot/references.ts) finds the template's name in identifiers,
 * `regclass` and other name literals, `search_path` settings, function bodies
 * and dynamic SQL; each found reference becomes the placeholder, except those
 * the finder marks `keep` (text that may not be a name), which stay unless a
 * decision says `replace`. References needing a human look are listed in
 * `review` with their ids (the same decisions file format as snapshots).
 *
 * Each file is one version. Its statements are checked like a snapshot's
 * (containment.ts, policy 'migration': no transaction control, nothing
 * database- or cluster-wide, nothing that explicitly targets another schema)
 * and classified (statement-kinds.ts): a version runs in the tenant's
 * transaction, or, when it is one statement that cannot run in a transaction,
 * alone. Refusals are collected, not thrown: the plan lists them and the
 * rollout refuses to start while there are any.
 */
import type { CatalogFacts } from '../snapshot/catalog-facts.js';
import { findRefusedStatements } from '../snapshot/containment.js';
import { referenceIds, type ReferenceDecisions } from '../snapshot/reference-ids.js';
import { scanSchemaReferences, siteOf, type ReferenceKind, type ReferenceList, type ReferenceSite } from '../snapshot/references.js';
import { sha256Hex } from '../snapshot/sha256.js';
import { DEFAULT_PLACEHOLDER, validatePlaceholder } from '../snapshot/template.js';
import { splitStatements } from '../sql/split-statements.js';
import { isIdentifierPart } from '../sql/scanner.js';
import { DOUBLE_QUOTE } from '../sql/char-codes.js';
import { LineCursor } from '../sql/line-column.js';
import { quoteIdentifier } from '../sql/quote.js';
import { TenantryError } from '../errors.js';
import { sortMigrationFiles, type MigrationFile } from './migration-files.js';
import { classifyStatement } from './statement-kinds.js';

export const MIGRATION_PLAN_FORMAT = 1;

export interface MigrationStatement {
  /** Offset of the statement's first token in the step body. */
  offset: number;
  /** Its 1-based line in the file. */
  line: number;
}

export interface MigrationStep {
  /** 'transaction': in the tenant's transaction (with the versions next to it); 'alone': on its own (statement-kinds.ts). */
  kind: 'transaction' | 'alone';
  /** The SQL in placeholder form. */
  body: string;
  /** The site (index into plan.sites) of each placeholder occurrence in body, in order. */
  sites: number[];
  statements: MigrationStatement[];
  /** The version's transaction commits before the next version runs (ALTER TYPE … ADD VALUE). */
  commitAfter?: boolean;
  /** For 'alone': what the statement is and the rule it runs under. */
  what?: string;
  rule?: string;
  /** CREATE INDEX CONCURRENTLY: the index name (as written) to drop first when a failed build left it INVALID. */
  dropInvalidIndex?: string;
}

export interface MigrationVersion {
  version: string;
  file: string;
  /** SHA-256 of the file's text. */
  checksum: string;
  step: MigrationStep;
}

export interface ReviewItem {
  file: string;
  id: string;
  line: number;
  column: number;
  kind: ReferenceKind;
  text: string;
  context: string;
  /** What templating did: put the placeholder there, or left the template's name. */
  outcome: 'replaced' | 'kept';
}

export interface PlanRefusal {
  file: string;
  line: number;
  text: string;
  reason: string;
}

export interface MigrationPlan {
  format: number;
  template: string;
  placeholder: string;
  /** SHA-256 over the template name and every version with its checksum. */
  checksum: string;
  sites: ReferenceSite[];
  versions: MigrationVersion[];
  review: ReviewItem[];
  refused: PlanRefusal[];
}

export interface PlanOptions {
  template: string;
  placeholder?: string;
  catalog?: CatalogFacts;
  /** Server major version (ALTER TYPE … ADD VALUE runs in a transaction from 12 on). */
  serverMajor: number;
  /** By reference id (`file/…` ids from the review list) or `file:line:column`: keep or replace. */
  decisions?: ReferenceDecisions;
}

/** Plans the migration files (one or a folder's) for the template (see the file comment). */
export function planMigration(files: readonly MigrationFile[], options: PlanOptions): MigrationPlan {
  if (files.length === 0) throw new TenantryError('USAGE', 'The migration has no SQL files. Pass --file M.sql or a --dir holding .sql files.');
  const placeholder = options.placeholder ?? DEFAULT_PLACEHOLDER;
  validatePlaceholder(placeholder);
  const sites: ReferenceSite[] = [];
  const siteIndex = new Map<string, number>();
  const review: ReviewItem[] = [];
  const refused: PlanRefusal[] = [];
  const used = new Set<string>();
  const versions = sortMigrationFiles(files).map((file) => {
    const planned = planFile(file, options, placeholder, { sites, siteIndex, review, refused, used });
    return { version: file.version, file: file.name, checksum: sha256Hex(file.sql), step: planned };
  });
  const unmatched = Object.keys(options.decisions ?? {}).filter((k) => !used.has(k));
  if (unmatched.length > 0) {
    throw new TenantryError('INVALID_DECISIONS', `${unmatched.length} decision(s) match no reference of this migration (${unmatched.slice(0, 5).map((k) => JSON.stringify(k)).join(', ')}): the migration changed since they were made. Review the references again (--dry-run lists their ids).`);
  }
  const checksum = sha256Hex(JSON.stringify([options.template, placeholder, versions.map((v) => [v.version, v.checksum])]));
  return { format: MIGRATION_PLAN_FORMAT, template: options.template, placeholder, checksum, sites, versions, review, refused };
}

interface Collect {
  sites: ReferenceSite[];
  siteIndex: Map<string, number>;
  review: ReviewItem[];
  refused: PlanRefusal[];
  used: Set<string>;
}

/** A migration file in template form (the placeholder written as the template's name) with the template's references in it and their ids. */
export function scanMigrationFile(file: MigrationFile, options: Pick<PlanOptions, 'template' | 'catalog'>, placeholder: string): { sql: string; list: ReferenceList; ids: string[] } {
  const template = options.template;
  // Placeholder form: the template's name takes its place, then everything is found like in a template-form file.
  const sql = file.sql.split(placeholder).join(quoteIdentifier(template));
  const list = scanSchemaReferences(sql, { schema: template, ...(options.catalog ? { catalog: options.catalog } : {}) });
  const ids = referenceIds(sql, list.starts, (i) => siteOf(list, i).kind).map((id) => `${file.name}/${id}`);
  return { sql, list, ids };
}

function planFile(file: MigrationFile & { version: string }, options: PlanOptions, placeholder: string, out: Collect): MigrationStep {
  const { sql, list, ids } = scanMigrationFile(file, options, placeholder);
  const decisions = options.decisions ?? {};
  let body = '';
  let p = 0;
  const bodySites: number[] = [];
  // The references come in text order: one cursor counts each line break once.
  const lines = new LineCursor(sql);
  for (let i = 0; i < list.starts.length; i++) {
    const site = siteOf(list, i);
    const start = list.starts[i] as number;
    const end = list.ends[i] as number;
    const id = ids[i] as string;
    const line = lines.moveTo(start);
    const column = lines.columnOf(start);
    const positionKey = `${file.name}:${line}:${column}`;
    const decision = decisions[id] ?? decisions[positionKey];
    if (decisions[id] !== undefined) out.used.add(id);
    if (decisions[positionKey] !== undefined) out.used.add(positionKey);
    const replace = decision === 'replace' || (decision === undefined && site.keep !== true);
    if (site.needsReview || site.keep === true) {
      out.review.push({ file: file.name, id, line, column, kind: site.kind, text: sql.slice(start, end), context: sql.slice(lines.lineStart, lines.lineEnd()).trim(), outcome: replace ? 'replaced' : 'kept' });
    }
    if (!replace) continue;
    body += sql.slice(p, start);
    // `FROM"tmpl".t`: the name may render bare, so keep it apart from a name character next to it.
    if (sql.charCodeAt(start) === DOUBLE_QUOTE && start > 0 && isIdentifierPart(sql.charCodeAt(start - 1))) body += ' ';
    body += placeholder;
    p = end;
    if (sql.charCodeAt(start) === DOUBLE_QUOTE && p < sql.length && isIdentifierPart(sql.charCodeAt(p))) body += ' ';
    const key = JSON.stringify(site);
    let k = out.siteIndex.get(key);
    if (k === undefined) {
      k = out.sites.length;
      out.sites.push(site);
      out.siteIndex.set(key, k);
    }
    bodySites.push(k);
  }
  body += sql.slice(p);

  for (const r of findRefusedStatements(body, { placeholder, policy: 'migration' })) out.refused.push({ file: file.name, ...r });
  const statements: MigrationStatement[] = [];
  const kinds = [];
  const bodyLines = new LineCursor(body);
  for (const s of splitStatements(body)) {
    if (s.kind !== 'sql') continue;
    const lead = /^(?:\s+|--[^\n]*|\/\*[\s\S]*?\*\/)*/.exec(s.text)?.[0].length ?? 0;
    const offset = s.start + lead;
    const line = bodyLines.moveTo(offset);
    statements.push({ offset, line });
    kinds.push({ kind: classifyStatement(s.text, options.serverMajor), line, text: s.text.slice(lead, lead + 200).replace(/\s+/g, ' ').trim() });
  }
  if (statements.length === 0) out.refused.push({ file: file.name, line: 1, text: '', reason: 'the file holds no SQL statement' });
  const alone = kinds.filter((k) => k.kind.kind === 'alone');
  for (const a of alone) {
    const k = a.kind as Extract<typeof a.kind, { kind: 'alone' }>;
    if (kinds.length > 1) out.refused.push({ file: file.name, line: a.line, text: a.text, reason: `${k.rule}; it must be the only statement of its file (move the other ${kinds.length - 1} statement(s) to a file before or after it)` });
    else if (k.problem !== undefined) out.refused.push({ file: file.name, line: a.line, text: a.text, reason: `${k.rule}: ${k.problem}` });
  }
  const only = alone.length === 1 && kinds.length === 1 ? (alone[0]?.kind as Extract<(typeof kinds)[number]['kind'], { kind: 'alone' }>) : undefined;
  if (only !== undefined) {
    return { kind: 'alone', body, sites: bodySites, statements, what: only.what, rule: only.rule, ...(only.dropInvalidIndex !== undefined ? { dropInvalidIndex: unquote(only.dropInvalidIndex) } : {}) };
  }
  const commitAfter = kinds.some((k) => k.kind.kind === 'transactional' && k.kind.commitAfter === true);
  return { kind: 'transaction', body, sites: bodySites, statements, ...(commitAfter ? { commitAfter: true } : {}) };
}

function unquote(name: string): string {
  return name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name;
}
