/**
 * The engine's fast paths checked against plain, obviously correct versions:
 * the body built by concatenation (and its join check), rendering in one
 * pass over the run-length occurrences, and SHA-256 with and without the
 * runtime's TextEncoder.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TenantryError } from '../../../core/errors.js';
import { isIdentifierPart } from '../../../core/sql/scanner.js';
import { inspectSnapshot, listOccurrences, parseSnapshot } from '../../../core/snapshot/format.js';
import { renderName, renderSnapshot } from '../../../core/snapshot/render.js';
import { sha256Hex } from '../../../core/snapshot/sha256.js';
import { createSnapshot, templateDump } from '../../../core/snapshot/template.js';
import { HAS_CORPUS, corpusSuite, readCorpus } from '../corpus.js';

const corpus = readCorpus();

/** The body the slow way: one array of pieces, cuts and placeholders applied in order. */
function naiveBody(dump: string, schema: string, placeholder = '#{prefix}'): string {
  const t = templateDump(dump, { schema, placeholder });
  const sql = t.sql; // the dump with a Rails ledger trailer qualified (rails-trailer.ts)
  const edits = [
    ...t.strip.stripped.map((c) => ({ start: c.start, end: c.end, with: '' })),
    ...Array.from(t.emitted, (i) => ({ start: t.references.starts[i] as number, end: t.references.ends[i] as number, with: placeholder })),
  ].sort((a, b) => a.start - b.start);
  const parts: string[] = [];
  let p = 0;
  for (const e of edits) {
    if (e.start < p) continue;
    parts.push(sql.slice(p, e.start));
    const quoted = e.with !== '' && sql[e.start] === '"';
    if (quoted && e.start > 0 && isIdentifierPart(sql.charCodeAt(e.start - 1))) parts.push(' ');
    parts.push(e.with);
    if (quoted && e.end < sql.length && isIdentifierPart(sql.charCodeAt(e.end))) parts.push(' ');
    p = e.end;
  }
  parts.push(sql.slice(p));
  return parts.join('');
}

/** Rendering the slow way: every occurrence from listOccurrences, its name from renderName. */
function naiveRender(snapshotText: string, tenant: string): string {
  const snapshot = parseSnapshot(snapshotText);
  const { body, header } = snapshot;
  let out = '';
  let p = 0;
  for (const { offset, context } of listOccurrences(snapshot)) {
    out += body.slice(p, offset) + renderName(tenant, context);
    p = offset + header.placeholder.length;
  }
  return out + body.slice(p);
}

function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof TenantryError ? error.code : 'not a TenantryError';
  }
  return undefined;
}

describe.skipIf(!HAS_CORPUS)(corpusSuite('templated body built by concatenation'), () => {
  for (const { file, sql } of corpus) {
    it(`equals the piece-by-piece body for ${file}`, () => {
      const body = templateDump(sql, { schema: 'public' }).body;
      expect(body).toBe(naiveBody(sql, 'public'));
      expect(body.split('#{prefix}').length - 1).toBe(templateDump(sql, { schema: 'public' }).emitted.length);
    });
  }

  it('keeps a quoted name apart from name characters next to it', () => {
    const sql = 'SELECT x FROM"tmpl"."t"; SELECT "tmpl"x;\nSELECT 1 FROM "tmpl".t;';
    expect(templateDump(sql, { schema: 'tmpl' }).body).toBe(naiveBody(sql, 'tmpl'));
  });

  it('refuses a placeholder that removing a statement forms across the join', () => {
    // SET lock_timeout is stripped: "a;" and "XY" meet.
    expect(errorCode(() => createSnapshot('SELECT a;SET lock_timeout = 0;XY;', { schema: 'tmpl', placeholder: 'a;XY', allowNoReferences: true }))).toBe('INVALID_PLACEHOLDER');
  });

  it('refuses a placeholder formed across two removed statements in a row', () => {
    expect(errorCode(() => createSnapshot('SELECT a;SET lock_timeout = 0;SET statement_timeout = 0;XY;', { schema: 'tmpl', placeholder: 'a;XY', allowNoReferences: true }))).toBe('INVALID_PLACEHOLDER');
  });

  it('accepts joins that do not form the placeholder, with a reference right after the cut', () => {
    const sql = 'SELECT a;SET lock_timeout = 0;\nSELECT * FROM tmpl.t;SET statement_timeout = 0;tmpl.f();';
    const result = createSnapshot(sql, { schema: 'tmpl', placeholder: 'a;XY' });
    expect(result.snapshot.body).toBe('SELECT a;\nSELECT * FROM a;XY.t;a;XY.f();');
    // Bare SELECTs are refused by provisioning; the text round trip (seal, placeholder search) is what is checked here.
    expect(renderSnapshot(inspectSnapshot(result.text).snapshot, 'acme')).toBe('SELECT a;\nSELECT * FROM acme.t;acme.f();');
  });
});

describe('OWNER TO found without a regex per ALTER statement', () => {
  const cases: [string, string[]][] = [
    ['ALTER TABLE tmpl.t OWNER TO bob;', ['bob']],
    ['alter table tmpl.t owner to Bob ;', ['bob']],
    ['ALTER TABLE tmpl.t OWNER\tTO\n  "My Role";', ['My Role']],
    ['ALTER TABLE tmpl.t OWNER TO "a;b";', ['a;b']],
    ['ALTER TABLE tmpl.t OWNER TO rôle;', ['rôle']],
    ['ALTER TABLE tmpl.t OWNER TO\u00a0bob;', ['bob']],
    ["ALTER TABLE tmpl.t ALTER COLUMN c SET DEFAULT 'to x';", []],
    ['ALTER TABLE tmpl.t RENAME TO x;', []],
    ['ALTER TABLE tmpl.t ADD CONSTRAINT c CHECK (x > 0);', []],
  ];
  for (const [sql, roles] of cases) {
    it(`reads ${JSON.stringify(sql)}`, () => {
      expect(createSnapshot(sql, { schema: 'tmpl' }).report.roles).toEqual(roles);
      const stripped = createSnapshot(sql, { schema: 'tmpl', stripOwner: true }).report.stripped.length;
      expect(stripped).toBe(roles.length);
    });
  }
});

describe.skipIf(!HAS_CORPUS)(corpusSuite('rendering in one pass'), () => {
  const tenants = ['acme', 'Acme Corp', 'select', "o'neil", '日本', 'a$b'];
  for (const { file, sql } of corpus) {
    it(`equals occurrence-by-occurrence rendering for ${file}`, () => {
      const text = createSnapshot(sql, { schema: 'public', now: new Date(0), allowNoReferences: true }).text;
      for (const tenant of tenants) {
        let expected: string | undefined;
        let expectedError: string | undefined;
        try {
          expected = naiveRender(text, tenant);
        } catch (error) {
          expectedError = (error as TenantryError).code;
        }
        if (expectedError !== undefined) expect(errorCode(() => renderSnapshot(parseSnapshot(text), tenant))).toBe(expectedError);
        else expect(renderSnapshot(parseSnapshot(text), tenant)).toBe(expected);
      }
    });
  }

  it('refuses a body with more placeholders than the header lists', () => {
    const { snapshot } = createSnapshot('CREATE TABLE tmpl.t (id int);', { schema: 'tmpl' });
    const tampered = { header: snapshot.header, body: `${snapshot.body}\n-- #{prefix}` };
    expect(errorCode(() => renderSnapshot(tampered, 'acme'))).toBe('SNAPSHOT_PLACEHOLDER_MISSING');
  });

  it('refuses a body with fewer placeholders than the header lists', () => {
    const { snapshot } = createSnapshot('CREATE TABLE tmpl.t (id int); CREATE TABLE tmpl.u (id int);', { schema: 'tmpl' });
    const tampered = { header: snapshot.header, body: snapshot.body.replace('#{prefix}', 'x') };
    expect(errorCode(() => renderSnapshot(tampered, 'acme'))).toBe('SNAPSHOT_PLACEHOLDER_MISSING');
  });
});

describe('SHA-256', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  const chunk = 65536;
  const samples: [string, string][] = [
    ['empty', ''],
    ['ASCII', 'SELECT 1;'],
    ['55, 56, 63, 64 and 65 bytes (padding edges)', ['a'.repeat(55), 'b'.repeat(56), 'c'.repeat(63), 'd'.repeat(64), 'e'.repeat(65)].join('|')],
    ['non-ASCII over several slices', 'CREATE TABLE "日本".t (note text DEFAULT \'é…\');\n'.repeat(9000)],
    ['a surrogate pair across the slice boundary', `${'x'.repeat(chunk - 1)}😀${'y'.repeat(100)}`],
    ['lone surrogates (encoded as U+FFFD)', `a\ud800b\udc00c${'z'.repeat(chunk - 4)}\ud83d`],
  ];
  for (const [name, text] of samples) {
    const expected = createHash('sha256').update(Buffer.from(new TextEncoder().encode(text))).digest('hex');
    it(`agrees with node:crypto: ${name}`, () => {
      expect(sha256Hex(text)).toBe(expected);
    });
    it(`agrees with node:crypto without a TextEncoder: ${name}`, () => {
      vi.stubGlobal('TextEncoder', undefined);
      expect(sha256Hex(text)).toBe(expected);
    });
  }
});
