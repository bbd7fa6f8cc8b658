/**
 * A planned migration as the Rollouts panel reviews it: each version's text in
 * template form with the template's references (positions, kinds, which need a
 * decision, which stay as written), the templated SQL each tenant runs, the
 * references to decide and the refused statements. The same scan as the plan
 * (scanMigrationFile), so what is highlighted is what is replaced.
 */
import type { MigrationPlanInfo, ReferenceInfo } from '../api/contract.js';
import { siteOf } from '../snapshot/references.js';
import { lineColumnAt } from '../sql/line-column.js';
import type { MigrationFile } from './migration-files.js';
import { scanMigrationFile, type MigrationPlan } from './plan-migration.js';

/** The review of `plan`, made from the files it was planned from (see the file comment). */
export function describeMigration(plan: MigrationPlan, files: readonly MigrationFile[], catalog?: Parameters<typeof scanMigrationFile>[1]['catalog']): MigrationPlanInfo {
  const byName = new Map(files.map((f) => [f.name, f]));
  const decided = new Map(plan.review.map((r) => [r.id, r.outcome]));
  return {
    template: plan.template,
    placeholder: plan.placeholder,
    checksum: plan.checksum.slice(0, 12),
    files: plan.versions.map((v) => {
      const file = byName.get(v.file) ?? { name: v.file, sql: '' };
      const { sql, list, ids } = scanMigrationFile(file, { template: plan.template, ...(catalog ? { catalog } : {}) }, plan.placeholder);
      const references: ReferenceInfo[] = [];
      for (let i = 0; i < list.starts.length; i++) {
        const site = siteOf(list, i);
        const start = list.starts[i] as number;
        const end = list.ends[i] as number;
        const id = ids[i] as string;
        const { line, column } = lineColumnAt(sql, start);
        const lineStart = sql.lastIndexOf('\n', start - 1) + 1;
        const lineEnd = sql.indexOf('\n', start);
        // keep: left as written (the finder's keep, or a decision); a keep the user turned into replace is replaced.
        const keep = decided.get(id) === 'kept' || (site.keep === true && decided.get(id) !== 'replaced');
        references.push({ index: i, id, ...(keep ? { keep: true } : {}), start, end, line, column, kind: site.kind, needsReview: site.needsReview, text: sql.slice(start, end), context: sql.slice(lineStart, lineEnd === -1 ? sql.length : lineEnd).trim() });
      }
      return { name: v.file, version: v.version, sql, templated: v.step.body, references, step: v.step.kind, ...(v.step.kind === 'alone' && v.step.rule !== undefined ? { rule: v.step.rule } : {}) };
    }),
    review: plan.review.map((r) => ({ file: r.file, id: r.id, line: r.line, column: r.column, kind: r.kind, context: r.context, outcome: r.outcome })),
    refused: plan.refused.map((r) => ({ ...r })),
  };
}
