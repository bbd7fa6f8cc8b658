import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TenantryError } from '../../../core/errors.js';
import { findContextMismatch } from '../../../core/snapshot/context-check.js';
import { lex, significantTokens } from '../../../core/sql/lexer.js';
import { inspectSnapshot, listOccurrences, parseSnapshot, serializeSnapshot, type Snapshot } from '../../../core/snapshot/format.js';
import { minifySql } from '../../../core/snapshot/minify.js';
import { findSchemaReferences } from '../../../core/snapshot/references.js';
import { renderProvisioningSql, renderSnapshot } from '../../../core/snapshot/render.js';
import { sha256Hex, sha256HexInTypeScript, useSha256 } from '../../../core/snapshot/sha256.js';
import { createSnapshot, templateDump } from '../../../core/snapshot/template.js';
import { HAS_CORPUS, corpusSuite, readCorpus } from '../corpus.js';

const corpus = readCorpus();

/** Tokens that carry meaning, names by value (so "public" and public compare equal). */
function meaning(sql: string): string[] {
  return significantTokens(lex(sql)).map((t) => (t.kind === 'identifier' || t.kind === 'quoted-identifier' ? `name:${t.value}` : `${t.kind}:${t.text}`));
}

function withoutRanges(sql: string, ranges: { start: number; end: number }[]): string {
  let out = '';
  let p = 0;
  for (const r of ranges) {
    out += sql.slice(p, r.start);
    p = r.end;
  }
  return out + sql.slice(p);
}

/** A snapshot file read back with its seal checked, whatever its statements (random and hand-written input). */
function readSealed(text: string): Snapshot {
  const inspection = inspectSnapshot(text);
  expect(inspection.sealIntact && inspection.bodyMatchesChecksum).toBe(true);
  // Every context templating writes agrees with where its occurrence stands (what parse and reseal check).
  expect(findContextMismatch(inspection.snapshot.body, listOccurrences(inspection.snapshot))).toBeUndefined();
  return inspection.snapshot;
}

function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof TenantryError ? error.code : String(error);
  }
  return undefined;
}

describe.skipIf(!HAS_CORPUS)(corpusSuite('corpus: template --schema public then render --tenant public'), () => {
  it.each(corpus.map((c) => [c.file, c.sql] as const))('%s gives back the same tokens apart from the stripped statements', (_file, sql) => {
    const { text, report } = createSnapshot(sql, { schema: 'public', allowNoReferences: true });
    // These are the projects' own schema files, not pg_dump output: some hold statements a snapshot may not run.
    const rendered = renderSnapshot(readSealed(text), 'public');
    expect(meaning(rendered)).toEqual(meaning(withoutRanges(read(sql), report.stripped)));
  });

  it.each(corpus.map((c) => [c.file, c.sql] as const))('%s: the same with --minify', (_file, sql) => {
    const { text, report } = createSnapshot(sql, { schema: 'public', minify: true, allowNoReferences: true });
    const rendered = renderSnapshot(readSealed(text), 'public');
    expect(meaning(rendered)).toEqual(meaning(withoutRanges(read(sql), report.stripped)));
  });
});

/** The text templating read: the dump with a Rails ledger trailer's INSERTs qualified (rails-trailer.ts). */
function read(sql: string): string {
  return templateDump(sql, { schema: 'public', allowNoReferences: true }).sql;
}

describe.skipIf(!HAS_CORPUS)(corpusSuite('corpus: application templates leave no reference behind'), () => {
  const templates: [string, string][] = [
    ['graphile-starter.sql', 'app_public'],
    ['postgraphile-forum.sql', 'forum_example'],
    ['pg-clone-schema-sample.sql', 'sample'],
    ['pagila.sql', 'public'],
    ['lago.sql', 'public'],
  ];
  it.each(templates)('%s with template %s', (file, schema) => {
    const sql = corpus.find((c) => c.file === file)?.sql as string;
    const { snapshot, report } = createSnapshot(sql, { schema });
    expect(snapshot.header.counts.replaced).toBeGreaterThan(0);
    // Render with a tenant whose name appears nowhere, then look for the template name as a name.
    const rendered = renderSnapshot(snapshot, 'zz_tenant');
    const left = findSchemaReferences(rendered, { schema });
    // What is left must be only what the report says was skipped or stripped (nothing, here).
    expect(report.skipped).toEqual([]);
    expect(left.map((r) => `${r.line}:${r.column} ${r.context}`)).toEqual([]);
    expect(rendered).toContain('zz_tenant');
  });

  it('graphile-starter: function bodies, search_path settings and comments are all rewritten', () => {
    const sql = corpus.find((c) => c.file === 'graphile-starter.sql')?.sql as string;
    const { snapshot } = createSnapshot(sql, { schema: 'app_public' });
    const kinds = snapshot.header.counts.byKind;
    expect(kinds['function-body']).toBeGreaterThan(50);
    expect(kinds.comment).toBeGreaterThan(50);
    const rendered = renderSnapshot(snapshot, 'Acme Corp');
    expect(rendered).toContain('CREATE SCHEMA "Acme Corp";');
    expect(rendered).not.toMatch(/\bapp_public\b/);
  });
});

describe('stripping', () => {
  const dump = [
    '\\restrict abc123',
    'SET statement_timeout = 0;',
    "SET client_encoding = 'UTF8';",
    'SET check_function_bodies = false;',
    "SELECT pg_catalog.set_config('search_path', '', false);",
    'CREATE ROLE app;',
    'GRANT app TO bob;',
    'CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;',
    "COMMENT ON EXTENSION citext IS 'case-insensitive text';",
    'CREATE SCHEMA tmpl;',
    'CREATE SCHEMA other;',
    'SET search_path = tmpl, pg_catalog;',
    'CREATE TABLE tmpl.t (id int);',
    'ALTER TABLE tmpl.t OWNER TO app;',
    'ALTER DEFAULT PRIVILEGES FOR ROLE app GRANT SELECT ON TABLES TO web;',
    'ALTER DEFAULT PRIVILEGES FOR ROLE app IN SCHEMA tmpl GRANT SELECT ON TABLES TO web;',
    'GRANT SELECT ON tmpl.t TO web;',
    '\\unrestrict abc123',
    '',
  ].join('\n');

  it('strips what cannot run per tenant and says why', () => {
    const { snapshot, report } = createSnapshot(dump, { schema: 'tmpl' });
    expect(report.stripped.map((s) => [s.line, s.text])).toEqual([
      [1, '\\restrict abc123'],
      [2, 'SET statement_timeout = 0;'],
      [3, "SET client_encoding = 'UTF8';"],
      [4, 'SET check_function_bodies = false;'],
      [5, "SELECT pg_catalog.set_config('search_path', '', false);"],
      [6, 'CREATE ROLE app;'],
      [7, 'GRANT app TO bob;'],
      [8, 'CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;'],
      [9, "COMMENT ON EXTENSION citext IS 'case-insensitive text';"],
      [15, 'ALTER DEFAULT PRIVILEGES FOR ROLE app GRANT SELECT ON TABLES TO web;'],
      [18, '\\unrestrict abc123'],
    ]);
    expect(report.stripped.every((s) => s.reason.length > 10)).toBe(true);
    expect(renderSnapshot(snapshot, 'acme')).toBe(
      [
        'CREATE SCHEMA acme;',
        'CREATE SCHEMA other;',
        'SET search_path = acme, pg_catalog;',
        'CREATE TABLE acme.t (id int);',
        'ALTER TABLE acme.t OWNER TO app;',
        'ALTER DEFAULT PRIVILEGES FOR ROLE app IN SCHEMA acme GRANT SELECT ON TABLES TO web;',
        'GRANT SELECT ON acme.t TO web;',
        '',
      ].join('\n'),
    );
    expect(snapshot.header.requires).toEqual({ extensions: [{ name: 'citext', schema: 'public' }], roles: ['app'] });
    expect(snapshot.header.sessionSettings).toMatchObject({ statement_timeout: '0', client_encoding: "'UTF8'", check_function_bodies: 'false' });
    expect(report.warnings.join('\n')).toMatch(/schema other/);
    expect(report.warnings.join('\n')).toMatch(/citext/);
  });

  it('strips OWNER TO only when asked', () => {
    const { snapshot } = createSnapshot(dump, { schema: 'tmpl', stripOwner: true });
    expect(renderSnapshot(snapshot, 'acme')).not.toContain('OWNER TO');
  });

  it('strips transaction control (provisioning wraps each tenant in its own transaction) but keeps BEGIN ATOMIC bodies whole', () => {
    const sql = [
      'begin;',
      'create table tmpl.t (id int);',
      'CREATE FUNCTION tmpl.f() RETURNS bigint LANGUAGE sql',
      'BEGIN ATOMIC',
      '  SELECT count(*) FROM tmpl.t;',
      '  SELECT 1;',
      'END;',
      'COMMIT;',
      'START TRANSACTION ISOLATION LEVEL SERIALIZABLE;',
      'END;',
      '',
    ].join('\n');
    const { snapshot, report } = createSnapshot(sql, { schema: 'tmpl' });
    expect(report.stripped.map((s) => s.text)).toEqual(['begin;', 'COMMIT;', 'START TRANSACTION ISOLATION LEVEL SERIALIZABLE;', 'END;']);
    expect(renderSnapshot(snapshot, 'acme')).toBe(
      ['create table acme.t (id int);', 'CREATE FUNCTION acme.f() RETURNS bigint LANGUAGE sql', 'BEGIN ATOMIC', '  SELECT count(*) FROM acme.t;', '  SELECT 1;', 'END;', ''].join('\n'),
    );
  });

  it('strips \\connect', () => {
    const { snapshot, report } = createSnapshot('\\connect mydb\nCREATE TABLE tmpl.t ();\n', { schema: 'tmpl' });
    expect(report.stripped[0]?.reason).toMatch(/\\connect/);
    expect(renderSnapshot(snapshot, 'a')).toBe('CREATE TABLE a.t ();\n');
  });
});

describe('snapshot file', () => {
  const sql = "CREATE SCHEMA tmpl;\nCREATE TABLE tmpl.t (id int DEFAULT nextval('tmpl.s'::regclass));\nCREATE FUNCTION tmpl.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 FROM tmpl.t $$;\n";
  const created = createSnapshot(sql, { schema: 'tmpl', source: { pgDumpVersion: '17.6', serverVersion: '15.14' }, now: new Date('2026-01-02T03:04:05Z') });

  it('has a header with metadata, counts and one context per occurrence', () => {
    const { header, body } = parseSnapshot(created.text);
    expect(header).toMatchObject({
      formatVersion: 3,
      schema: 'tmpl',
      placeholder: '#{prefix}',
      pgDumpVersion: '17.6',
      serverVersion: '15.14',
      createdAt: '2026-01-02T03:04:05.000Z',
      counts: { replaced: 5, byKind: { identifier: 3, 'name-literal': 1, 'function-body': 1 } },
    });
    expect(header.checksum).toBe(createHash('sha256').update(body, 'utf8').digest('hex'));
    expect(body).toBe("CREATE SCHEMA #{prefix};\nCREATE TABLE #{prefix}.t (id int DEFAULT nextval('#{prefix}.s'::regclass));\nCREATE FUNCTION #{prefix}.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 FROM #{prefix}.t $$;\n");
    expect(listOccurrences({ header, body }).map((o) => [o.context.kind, o.context.storedAsText])).toEqual([
      ['identifier', false],
      ['identifier', false],
      ['name-literal', false],
      ['identifier', false],
      ['function-body', true],
    ]);
  });

  it('says whether the body creates the tenant schema itself', () => {
    expect(parseSnapshot(created.text).header.createsSchema).toBe(true);
    const publicDump = createSnapshot('CREATE TABLE public.t (id int);\n', { schema: 'public' });
    expect(publicDump.snapshot.header.createsSchema).toBe(false);
    expect(publicDump.report.warnings.join('\n')).toMatch(/provisioning creates the tenant schema/);
    // …and what provisioning runs does so, as the published create_tenant does (before: the body failed on a missing schema).
    expect(renderProvisioningSql(publicDump.snapshot, 'Acme Corp')).toBe('CREATE SCHEMA "Acme Corp";\nCREATE TABLE "Acme Corp".t (id int);\n');
    expect(renderProvisioningSql(created.snapshot, 'acme')).toBe(renderSnapshot(created.snapshot, 'acme'));
  });

  it('hands writers the file as head then body: the two make the text, which parses to the same snapshot', () => {
    // Writers write head and body apart (no copy of the whole): what they write must be the file.
    expect(created.head.endsWith('-- tenantry-snapshot-body:\n')).toBe(true);
    expect(created.head + created.snapshot.body).toBe(created.text);
    expect(parseSnapshot(created.head + created.snapshot.body)).toEqual(created.snapshot);
  });

  it('is valid SQL as it stands: the header is comments', () => {
    const tokens = lex(created.text);
    expect(tokens.slice(0, 6).filter((t) => t.kind !== 'whitespace').every((t) => t.kind === 'line-comment')).toBe(true);
  });

  it('refuses a changed body (checksum)', () => {
    expect(errorCode(() => parseSnapshot(created.text.replace('id int', 'id bigint')))).toBe('SNAPSHOT_CHECKSUM_MISMATCH');
  });

  it('refuses a body missing a placeholder even with a recomputed checksum', () => {
    const body = created.snapshot.body.replace('#{prefix}.s', 'other.s');
    const header = { ...created.snapshot.header, checksum: sha256Hex(body) };
    expect(errorCode(() => parseSnapshot(serializeSnapshot({ header, body })))).toBe('SNAPSHOT_PLACEHOLDER_MISSING');
  });

  it('refuses a header whose occurrence list does not add up', () => {
    const header = { ...created.snapshot.header, occurrences: [[0, 1]] as [number, number][] };
    expect(errorCode(() => parseSnapshot(serializeSnapshot({ header, body: created.snapshot.body })))).toBe('SNAPSHOT_INVALID');
  });

  it('refuses a context with a forged dollar tag', () => {
    const contexts = created.snapshot.header.contexts.map((c) => ({ ...c, wrappers: c.wrappers.map((w) => (w.type === 'dollar' ? { type: 'dollar' as const, tag: "$$'; DROP" } : w)) }));
    const header = { ...created.snapshot.header, contexts };
    expect(errorCode(() => parseSnapshot(serializeSnapshot({ header, body: created.snapshot.body })))).toBe('SNAPSHOT_INVALID');
  });

  it('refuses other files, broken JSON and future versions', () => {
    expect(errorCode(() => parseSnapshot('SELECT 1;'))).toBe('SNAPSHOT_INVALID');
    expect(errorCode(() => parseSnapshot(created.text.replace('"formatVersion":3', '"formatVersion":3,,')))).toBe('SNAPSHOT_INVALID');
    expect(errorCode(() => parseSnapshot(created.text.replace('"formatVersion":3', '"formatVersion":4')))).toBe('SNAPSHOT_VERSION_UNSUPPORTED');
  });

  describe('seal (format 3: over the header line, which records the body checksum)', () => {
    it('hashes the body once when a snapshot is created', () => {
      const hashed: string[] = [];
      useSha256((text) => {
        hashed.push(text);
        return sha256HexInTypeScript(text);
      });
      try {
        createSnapshot(sql, { schema: 'tmpl' });
      } finally {
        useSha256(undefined);
      }
      // Before: the checksum hashed the body, then the seal hashed header line + body again.
      expect(hashed.filter((text) => text.includes(created.snapshot.body))).toEqual([created.snapshot.body]);
      expect(hashed).toHaveLength(2);
    });
    it('refuses a changed header and a changed body that keeps its old checksum', () => {
      expect(errorCode(() => parseSnapshot(created.text.replace('"schema":"tmpl"', '"schema":"tmpx"')))).toBe('SNAPSHOT_CHECKSUM_MISMATCH');
      const body = created.snapshot.body.replace('id int', 'id bigint');
      expect(errorCode(() => parseSnapshot(created.text.replace(created.snapshot.body, body)))).toBe('SNAPSHOT_CHECKSUM_MISMATCH');
      // A body with a recomputed checksum but the old seal: the header changed, so the seal breaks.
      const forged = created.text.replace(created.snapshot.header.checksum, sha256Hex(body)).replace(created.snapshot.body, body);
      expect(errorCode(() => parseSnapshot(forged))).toBe('SNAPSHOT_CHECKSUM_MISMATCH');
    });
    it('still reads a format 2 file (seal over header line and body) and refuses it when changed', () => {
      const v2 = serializeSnapshot({ header: { ...created.snapshot.header, formatVersion: 2 }, body: created.snapshot.body });
      const seal = /"seal":"([0-9a-f]{64})"/.exec(v2)?.[1] ?? '';
      const unsealed = v2.split('\n')[1]?.slice('-- tenantry-snapshot-header: '.length).replace(seal, '') ?? '';
      expect(seal).toBe(sha256Hex(`${unsealed}\n${created.snapshot.body}`));
      expect(parseSnapshot(v2).header.formatVersion).toBe(2);
      expect(renderSnapshot(parseSnapshot(v2), 'acme')).toBe(renderSnapshot(created.snapshot, 'acme'));
      expect(errorCode(() => parseSnapshot(v2.replace('"schema":"tmpl"', '"schema":"tmpx"')))).toBe('SNAPSHOT_CHECKSUM_MISMATCH');
      expect(errorCode(() => parseSnapshot(v2.replace('id int', 'id bigint')))).toBe('SNAPSHOT_CHECKSUM_MISMATCH');
    });
  });

  it('renders from a parsed file exactly as from the created snapshot', () => {
    expect(renderSnapshot(parseSnapshot(created.text), 'Acme Corp')).toBe(renderSnapshot(created.snapshot, 'Acme Corp'));
  });

  it('minified, a replaced quoted name glued to a keyword stays apart from it', () => {
    const { snapshot } = createSnapshot('SELECT * FROM"tmpl".t;', { schema: 'tmpl', minify: true });
    expect(renderSnapshot(snapshot, 'acme')).toBe('SELECT * FROM acme.t;\n');
  });

  it('uses a custom placeholder', () => {
    const { snapshot } = createSnapshot(sql, { schema: 'tmpl', placeholder: '__TENANT__' });
    expect(snapshot.body).toContain('CREATE SCHEMA __TENANT__;');
    expect(renderSnapshot(snapshot, 'x')).toBe(renderSnapshot(created.snapshot, 'x'));
  });
});

describe.skipIf(!HAS_CORPUS)(corpusSuite('minify on the corpus'), () => {
  it.each(corpus.map((c) => [c.file, c.sql] as const))('%s: same tokens without comments, and smaller', (_file, sql) => {
    const min = minifySql(sql);
    expect(meaning(min)).toEqual(meaning(sql));
    expect(min.length).toBeLessThan(sql.length);
    // No blank lines and no runs of white space between tokens (inside bodies and strings text is untouched).
    const gaps = lex(min).filter((t) => t.kind === 'whitespace');
    expect(gaps.every((t) => t.text === ' ' || t.text === '\n')).toBe(true);
    expect(lex(min).some((t) => t.kind === 'line-comment' || t.kind === 'block-comment')).toBe(false);
  });
});

describe('minify', () => {

  it.each<[string, string]>([
    ['SELECT  a ,\n  b   FROM t ; -- c\n\n\nSELECT 2;', 'SELECT a,b FROM t;\nSELECT 2;\n'],
    ['SELECT a/* c */b;', 'SELECT a b;\n'],
    ["SELECT '  keep  ', \"  keep \", $$  keep\n\n $$;", "SELECT '  keep  ',\"  keep \",$$  keep\n\n $$;\n"],
    ['\\connect x\nSELECT 1;', '\\connect x\nSELECT 1;\n'],
    ['COPY t FROM stdin; -- c\n1\t2\n\\.\nSELECT 1;', 'COPY t FROM stdin;\n1\t2\n\\.\nSELECT 1;\n'],
    ['SELECT 1 - -1, a+-b;', 'SELECT 1 - -1,a+-b;\n'],
    ['SELECT  x"y"  FROM"t";', 'SELECT x"y" FROM"t";\n'],
  ])('%j', (sql, expected) => {
    expect(minifySql(sql)).toBe(expected);
    expect(meaning(minifySql(sql))).toEqual(meaning(sql));
  });
});

describe('sha256', () => {
  it.each(['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'é日本😀', 'x'.repeat(1000)])('matches node:crypto for %j', (s) => {
    expect(sha256Hex(s)).toBe(createHash('sha256').update(s, 'utf8').digest('hex'));
  });
});

describe('generated input (seeded): template then render with the template name is the identity', () => {
  it.each([
    [21, false],
    [22, false],
    [23, false],
    [24, true],
    [25, true],
  ])('seed %i (minify %s): 1500 inputs keep their meaning', async (seed, minify) => {
    const { randomSql, seededRandom } = await import('../sql/random-sql.js');
    const random = seededRandom(seed);
    let checked = 0;
    for (let i = 0; i < 1500; i++) {
      const sql = randomSql(random, 1 + Math.floor(random() * 40));
      let created;
      try {
        created = createSnapshot(sql, { schema: 'tmpl', minify, allowNoReferences: true });
      } catch (error) {
        expect((error as TenantryError).code).toMatch(/^SQL_UNTERMINATED_/);
        continue;
      }
      const rendered = renderSnapshot(readSealed(created.text), 'tmpl');
      expect({ sql, meaning: meaning(rendered) }).toEqual({ sql, meaning: meaning(withoutRanges(sql, created.report.stripped)) });
      checked++;
    }
    expect(checked).toBeGreaterThan(500);
  }, 30_000); // each input is also read back (seal, statements, contexts): slow on a loaded machine, not a timing goal
});
