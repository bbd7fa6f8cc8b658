/**
 * snapshot:build's work: template a dump and describe the references for the
 * editor. Pure and synchronous, so it runs in the engine worker
 * (engine-worker.ts), never on the thread that answers requests.
 */
import type { CitusTarget, SnapshotBuildRequest, SnapshotBuildResult } from '../../core/api/contract.js';
import type { CatalogFacts } from '../../core/snapshot/catalog-facts.js';
import { createSnapshot } from '../../core/snapshot/template.js';
import { hasRefusals } from '../../core/citus/compat-report.js';
import { snapshotFindings } from '../services/citus/compat-check.js';

/** A build request with the dump's catalog facts (and Citus coordinator) the backend kept in place of the dump's id. */
export type BuildInput = Omit<SnapshotBuildRequest, 'dumpId'> & { catalog?: CatalogFacts; citus?: CitusTarget };

/** Builds the snapshot and the editor's view of its references. */
export function buildSnapshot(req: BuildInput): SnapshotBuildResult {
  const { text, snapshot, report } = createSnapshot(req.sql, {
    schema: req.schema,
    placeholder: req.placeholder,
    minify: req.minify,
    skip: req.skip,
    ...(req.replace !== undefined ? { replace: req.replace } : {}),
    ...(req.catalog ? { catalog: req.catalog } : {}),
    ...(req.source ? { source: req.source } : {}),
    ...(req.stripOwner !== undefined ? { stripOwner: req.stripOwner } : {}),
  });
  // On a Citus coordinator: the CLI's report (electron/services/citus/compat-check.ts), from the facts the dump read,
  // with the lines of the snapshot file, which is the text the editor shows.
  const citus = req.citus ? snapshotFindings(snapshot, new Set(req.citus.referenceTables)) : undefined;
  return {
    text,
    body: snapshot.body,
    references: report.references.map((r, index) => ({ index, id: r.id, ...(r.keep === true ? { keep: true } : {}), start: r.start, end: r.end, line: r.line, column: r.column, kind: r.kind, needsReview: r.needsReview, text: r.text, context: r.context.slice(0, 200) })),
    countsByKind: { ...report.countsByKind },
    warnings: [...report.warnings],
    stripped: report.stripped.map((x) => ({ line: x.line, text: x.text.slice(0, 200), reason: x.reason })),
    ...(req.citus && citus
      ? { citus: { facts: req.citus.facts, findings: citus, refused: hasRefusals(citus) } }
      : {}),
  };
}
