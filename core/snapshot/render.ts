/**
 * Snapshot + tenant name → the exact SQL provisioning runs. Each placeholder
 * occurrence is replaced by the name written for its context: a quoted
 * identifier or the raw name, then escaped for every layer around it, inside
 * out (a '' literal doubles quotes, an E'' literal also backslashes, a
 * dollar-quoted body must not end early, a comment must stay a comment).
 */
import { TenantryError } from '../errors.js';
import { quoteIdentifier } from '../sql/quote.js';
import type { Snapshot } from './format.js';
import type { ReferenceSite } from './references.js';
import { validateWritableName } from '../tenant/tenant-name.js';
import { assertStringsReadAlike } from './conforming-strings.js';

/** The text that replaces the placeholder in one context. */
export function renderName(tenant: string, site: ReferenceSite): string {
  let s = site.form === 'identifier' ? quoteIdentifier(tenant) : tenant;
  for (const w of site.wrappers) {
    switch (w.type) {
      case 'literal':
        if (w.style === 'escape') s = s.replace(/\\/g, '\\\\');
        s = s.replace(/'/g, "''");
        break;
      case 'dollar':
        if (s.includes(w.tag)) {
          throw new TenantryError('INVALID_TENANT_NAME', `The tenant name ${JSON.stringify(tenant)} contains ${w.tag}, which would end a dollar-quoted function body early. Choose a name without "${w.tag}".`);
        }
        break;
      case 'line-comment':
        break; // validateWritableName (core/tenant/tenant-name.ts) rejects line breaks
      case 'block-comment':
        s = s.replace(/\*\//g, '* /').replace(/\/\*/g, '/ *');
        break;
    }
  }
  return s;
}

/** The exact SQL to execute for tenant; the snapshot must come from parseSnapshot or createSnapshot. */
export function renderSnapshot(snapshot: Snapshot, tenant: string): string {
  validateWritableName(tenant);
  assertStringsReadAlike(snapshot);
  const { header, body } = snapshot;
  const placeholder = header.placeholder;
  const contexts = header.contexts;
  const runs = header.occurrences;
  let total = 0;
  for (const r of runs) if (r[1] > 0) total += r[1];
  const names: (string | undefined)[] = new Array(contexts.length);
  // The name for a context, and whether it needs the dollar-quote neighbour check (only names with `$` do).
  const dollarTags: (string[] | undefined)[] = new Array(contexts.length);
  // One pass: the placeholders found with indexOf, the text between them and the names joined by
  // concatenation (V8 ropes: no copy per piece), the contexts read from the run-length list as they come.
  let out = '';
  let last = 0;
  let i = 0;
  let run = 0;
  let left = 0;
  let index = -1;
  let name = '';
  let tags: string[] | undefined;
  for (let at = body.indexOf(placeholder); at !== -1; at = body.indexOf(placeholder, at + placeholder.length)) {
    if (left <= 0) {
      let next = runs[run++];
      while (next !== undefined && next[1] <= 0) next = runs[run++];
      if (next === undefined) throw missing(header.counts.replaced, i + 1);
      index = next[0];
      left = next[1];
      const site = contexts[index];
      if (site === undefined) throw missing(header.counts.replaced, i + 1);
      let cached = names[index];
      if (cached === undefined) {
        cached = renderName(tenant, site);
        names[index] = cached;
        dollarTags[index] = cached.includes('$') ? site.wrappers.filter((w) => w.type === 'dollar').map((w) => (w as { tag: string }).tag) : undefined;
      }
      name = cached;
      tags = dollarTags[index];
    }
    i++;
    left--;
    if (tags !== undefined) for (const tag of tags) checkDollarNeighbours(body, at, placeholder, name, tag, tenant);
    out += body.slice(last, at);
    out += name;
    last = at + placeholder.length;
  }
  if (i !== total) throw missing(total, i);
  out += body.slice(last);
  return out;
}

/**
 * What provisioning runs for tenant: the rendered body, after CREATE SCHEMA when the dump did not create the
 * template (pg_dump and Rails leave out CREATE SCHEMA public), as the published create_tenant does (published-sql.ts).
 */
export function renderProvisioningSql(snapshot: Snapshot, tenant: string): string {
  const sql = renderSnapshot(snapshot, tenant);
  return snapshot.header.createsSchema === false ? `CREATE SCHEMA ${quoteIdentifier(tenant)};\n${sql}` : sql;
}

/** A name ending in `$` next to body text starting with `$` could form the closing tag: refuse. */
function checkDollarNeighbours(body: string, at: number, placeholder: string, name: string, tag: string, tenant: string): void {
  if (!name.includes('$')) return;
  const k = tag.length - 1;
  const before = body.slice(Math.max(0, at - k), at);
  const after = body.slice(at + placeholder.length, at + placeholder.length + k);
  const count = (s: string): number => s.split(tag).length - 1;
  if (count(before + name + after) > count(before + placeholder + after)) {
    throw new TenantryError('INVALID_TENANT_NAME', `The tenant name ${JSON.stringify(tenant)} would form ${tag} with the text next to it and end a dollar-quoted function body early. Choose a name without "$".`);
  }
}

function missing(expected: number, found: number): TenantryError {
  return new TenantryError('SNAPSHOT_PLACEHOLDER_MISSING', `The snapshot header lists ${expected} placeholder occurrences but the body holds ${found === expected ? 'more' : found}. The snapshot was changed; template the dump again.`);
}
