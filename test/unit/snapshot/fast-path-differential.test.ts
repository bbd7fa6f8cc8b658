/**
 * Differential tests for the performance rewrites: the current region map and
 * statement stripping against frozen copies of the previous, simpler versions
 * (test/unit/snapshot/baseline/region-map-v1.ts, statements-v2.ts) on every corpus file and on seeded
 * random inputs. Regions, stripped statements, everything the stripping
 * reports, and the templated bodies must be identical.
 */
import { describe, expect, it } from 'vitest';
import { mapRegions, type RegionMap } from '../../../core/sql/region-map.js';
import { isIdentifierPart } from '../../../core/sql/scanner.js';
import { scanSchemaReferences } from '../../../core/snapshot/references.js';
import { findStrippableStatements } from '../../../core/snapshot/statements.js';
import { templateDump } from '../../../core/snapshot/template.js';
import { randomSql, seededRandom } from '../sql/random-sql.js';
import { mapRegions as mapRegionsV1 } from './baseline/region-map-v1.js';
import { findStrippableStatements as findStrippableStatementsV2 } from './baseline/statements-v2.js';
import { HAS_CORPUS, corpusSuite, readCorpus } from '../corpus.js';

const corpus = readCorpus();

function regionsOf(map: RegionMap): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let i = 0; i < map.count; i++) out.push([map.starts[i] as number, map.ends[i] as number, map.codes[i] as number]);
  return out;
}

/** The outcome of a function, or the error code it threw. */
function attempt<R>(fn: () => R): R | { threw: string } {
  try {
    return fn();
  } catch (error) {
    return { threw: (error as { code?: string }).code ?? String(error) };
  }
}

/** Same regions (or the same error) and the same stripping analysis with both versions, for several option sets. */
function expectSameAnalysis(sql: string, label: string): void {
  const now = attempt(() => regionsOf(mapRegions(sql)));
  const before = attempt(() => regionsOf(mapRegionsV1(sql)));
  expect(now, `${label}: regions`).toEqual(before);
  if ('threw' in now) return;
  const map = mapRegions(sql);
  for (const options of [
    { schema: 'tmpl', stripOwner: false },
    { schema: 'tmpl', stripOwner: true },
    { schema: 'public', stripOwner: true },
  ]) {
    expect(withoutNewerRules(findStrippableStatements(map, options)), `${label}: stripping ${JSON.stringify(options)}`).toEqual(findStrippableStatementsV2(mapRegionsV1(sql), options));
  }
}

/** Statement-shaped random input: pg_dump headers, preamble, cluster-wide objects, bodies, strings and comments holding `;`. */
const STATEMENTS = [
  '--\n-- Name: t; Type: TABLE; Schema: tmpl; Owner: -\n--\n\n',
  '-- a comment; with a semicolon\n',
  '/* block; comment */ ',
  '/* nested /* ; */ still */',
  "SET statement_timeout = 0;\n",
  "SET client_encoding = 'UTF8';\n",
  'SET search_path TO tmpl, public;\n',
  "SELECT pg_catalog.set_config('search_path', '', false);\n",
  "select set_config('search_path', 'tmpl', false);\n",
  'CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA tmpl;\n',
  'COMMENT ON EXTENSION citext IS \'text; case-insensitive\';\n',
  'CREATE ROLE r;\n',
  'ALTER TABLE tmpl.t OWNER TO "Owner Role";\n',
  'ALTER TABLE tmpl.t OWNER TO app;\n',
  'ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO r;\n',
  'ALTER DEFAULT PRIVILEGES IN SCHEMA tmpl GRANT SELECT ON TABLES TO r;\n',
  'GRANT r TO s;\n',
  'GRANT SELECT ON tmpl.t TO r;\n',
  'BEGIN;\n',
  'COMMIT;\n',
  'END;\n',
  'START TRANSACTION;\n',
  'CREATE SCHEMA tmpl;\n',
  'CREATE SCHEMA other;\n',
  'CREATE TABLE tmpl.t (a text DEFAULT \'x;y\', "b;c" int);\n',
  'CREATE FUNCTION tmpl.f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\n',
  'CREATE FUNCTION tmpl.g() RETURNS void LANGUAGE plpgsql AS $$ BEGIN PERFORM 1; END $$;\n',
  'CREATE EVENT TRIGGER e ON ddl_command_start EXECUTE FUNCTION f();\n',
  'CREATE FOREIGN DATA WRAPPER w;\n',
  '\\restrict abc\n',
  '\\unrestrict abc\n',
  '\\connect db\n',
  'COPY tmpl.t (a) FROM stdin;\nx;y\n\\.\n',
  '  ',
  '\n',
  ';',
];

function randomStatements(random: () => number, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) {
    out += random() < 0.15 ? randomSql(random, 3) : (STATEMENTS[Math.floor(random() * STATEMENTS.length)] ?? '');
  }
  return out;
}

// Whole-corpus loops: on a machine shared with other jobs one can take well over the default 5 s.
describe.skipIf(!HAS_CORPUS)(corpusSuite('fast paths agree with the previous versions on the corpus'), { timeout: 60_000 }, () => {
  it.each(corpus.map((c) => [c.file, c.sql]))('%s', (file, sql) => {
    expectSameAnalysis(sql, file);
  });

  it('templating (map without the COPY search, then exact if needed) matches the exact analysis on the corpus', () => {
    for (const { file, sql } of corpus) {
      const schemas = new Set(['public', ...[...sql.matchAll(/^CREATE SCHEMA (\w+);$/gm)].map((m) => m[1] as string)]);
      for (const schema of schemas) expectSameTemplating(sql, schema, `${file} ${schema}`);
    }
  });
});

describe('fast paths agree with the previous versions', { timeout: 60_000 }, () => {
  it('on seeded random statement sequences', () => {
    const random = seededRandom(20261122);
    for (let k = 0; k < 400; k++) expectSameAnalysis(randomStatements(random, 1 + Math.floor(random() * 40)), `statements #${k}`);
  });

  it('on seeded random SQL fragments', () => {
    const random = seededRandom(4242);
    for (let k = 0; k < 400; k++) expectSameAnalysis(randomSql(random, 1 + Math.floor(random() * 60)), `fragments #${k}`);
  });

  it('templating matches the exact analysis on seeded random input, COPY blocks included', () => {
    const random = seededRandom(7);
    let copies = 0;
    for (let k = 0; k < 400; k++) {
      const sql = k % 2 === 0 ? randomStatements(random, 1 + Math.floor(random() * 40)) : randomSql(random, 1 + Math.floor(random() * 60));
      if (/copy/i.test(sql)) copies++;
      expectSameTemplating(sql, 'tmpl', `random #${k}`);
    }
    expect(copies).toBeGreaterThan(50);
  });
});

/** Rules newer than the baselines: the Rails ledger trailer's SET (rails-trailer.ts) and pg_dump --clean's placeholder views. */
const NEWER_RULES = /^(?:Rails structure\.sql trailer|pg_dump --clean's placeholder for a view)/;

function withoutNewerRules<A extends { stripped: { reason: string }[] }>(analysis: A): A {
  return { ...analysis, stripped: analysis.stripped.filter((s) => !NEWER_RULES.test(s.reason)) };
}

/** templateDump against the body and references built the plain way from the exact (v1) region map and the v2 stripping. */
function expectSameTemplating(dump: string, schema: string, label: string): void {
  const now = attempt(() => templateDump(dump, { schema }));
  // The baseline reads what templating read: the dump with a Rails ledger trailer qualified.
  const sql = 'threw' in now ? dump : now.sql;
  const exact = attempt(() => {
    const map = mapRegionsV1(sql);
    const strip = findStrippableStatementsV2(map, { schema, stripOwner: false });
    const extensionsInSchema = strip.extensions.filter((e) => e.schema === schema).map((e) => e.name);
    return { strip, references: scanSchemaReferences(sql, { schema, extensionsInSchema }, map) };
  });
  if ('threw' in now || 'threw' in exact) {
    // The placeholder check runs before any mapping; otherwise both must fail the same way.
    if ('threw' in now && now.threw === 'PLACEHOLDER_IN_DUMP') return;
    expect(now, label).toEqual(exact);
    return;
  }
  expect(withoutNewerRules(now.strip), `${label}: stripping`).toEqual(exact.strip);
  expect(now.references, `${label}: references`).toEqual(exact.references);
  // References marked keep (text that may not be a name) are left as they are by default.
  const refs = exact.references;
  const replaced = Array.from(refs.starts, (_, i) => i).filter((i) => refs.siteTable[refs.siteIds[i] as number]?.keep !== true);
  expect(now.body, `${label}: body`).toBe(plainBody(sql, now.strip.stripped, { starts: replaced.map((i) => refs.starts[i] as number), ends: replaced.map((i) => refs.ends[i] as number) }));
}

/** Cuts and placeholders applied in order to pieces of the text (what buildBody does with ropes). */
function plainBody(sql: string, stripped: { start: number; end: number }[], refs: { starts: ArrayLike<number>; ends: ArrayLike<number> }, placeholder = '#{prefix}'): string {
  const edits = [
    ...stripped.map((c) => ({ start: c.start, end: c.end, with: '', cut: true })),
    ...Array.from(refs.starts, (start, i) => ({ start, end: refs.ends[i] as number, with: placeholder, cut: false })),
  ].sort((a, b) => a.start - b.start || (a.cut ? -1 : 1));
  let out = '';
  let p = 0;
  for (const e of edits) {
    if (e.start < p) continue;
    out += sql.slice(p, e.start);
    const quoted = !e.cut && sql[e.start] === '"';
    if (quoted && e.start > 0 && isIdentifierPart(sql.charCodeAt(e.start - 1))) out += ' ';
    out += e.with;
    if (quoted && e.end < sql.length && isIdentifierPart(sql.charCodeAt(e.end))) out += ' ';
    p = e.end;
  }
  return out + sql.slice(p);
}
