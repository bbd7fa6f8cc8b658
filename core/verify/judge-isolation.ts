/**
 * Whether a tenant is isolated from its template, judged from the tenant's
 * catalog text alone (see scan-template-names.ts for the rules). A failure is a
 * name PostgreSQL will resolve or run against the template; a note is text
 * that names the template and cannot be resolved (a setting name, a name built
 * by concatenation) or is data, said with whether the template holds the same
 * text there (then it is data both sides share, not a back-reference).
 */
import type { VerifyDifference } from '../api/contract.js';
import type { SchemaCatalog } from './compare-catalogs.js';
import { scanTemplateNames, type TemplateNames } from './scan-template-names.js';
import { replaceSchemaName } from './schema-name-forms.js';

export interface IsolationJudgement {
  failures: VerifyDifference[];
  notes: VerifyDifference[];
}

/** Attributes that are prose nothing executes. */
const PROSE = new Set(['comment']);

/** Judges every attribute of every tenant object; `template` (optional) words notes on data both sides share. */
export function judgeIsolation(tenant: SchemaCatalog, names: TemplateNames, template?: SchemaCatalog): IsolationJudgement {
  const failures: VerifyDifference[] = [];
  const notes: VerifyDifference[] = [];
  const templateValue = indexTemplateValues(template);
  const scanNames: TemplateNames = { ...names, tenant: tenant.schema };
  for (const o of tenant.objects) {
    for (const [attr, value] of Object.entries(o.attributes)) {
      if (value === null || PROSE.has(attr)) continue;
      const findings = scanTemplateNames(value, scanNames);
      if (findings.length === 0) continue;
      const object = `${o.kind} ${o.name}`;
      const same = template !== undefined && templateValue.get(`${o.kind}\u0000${replaceSchemaName(o.name, tenant.schema, names.schema)}\u0000${attr}`) === replaceSchemaName(value, tenant.schema, names.schema);
      for (const f of findings) {
        if (f.severity === 'failure') failures.push({ kind: 'isolation', object, detail: `${attr} ${f.reason}: ${f.text}` });
        else notes.push({ kind: 'note', object, detail: `${attr} mentions ${f.text}: ${f.reason}${same ? '; the template holds the same text here (data both share, not a reference)' : ''}` });
      }
    }
  }
  return { failures, notes };
}

function indexTemplateValues(template: SchemaCatalog | undefined): Map<string, string | null> {
  const map = new Map<string, string | null>();
  for (const o of template?.objects ?? []) for (const [attr, value] of Object.entries(o.attributes)) map.set(`${o.kind}\u0000${o.name}\u0000${attr}`, value);
  return map;
}
