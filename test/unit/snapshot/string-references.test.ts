/**
 * Strings that hold the template's name (issue 11, "Reference finding"): SQL text outside bodies, setting
 * names and other dotted strings, names built by concatenation, DDL name positions offline, decisions per
 * reference, quote characters in the template name, and dumps that never mention the template.
 * Each row: SQL in, template schema, expected rendering for tenant acme; `kept` rows are also listed for review.
 */
import { describe, expect, it } from 'vitest';
import { TenantryError } from '../../../core/errors.js';
import type { CatalogFacts } from '../../../core/snapshot/catalog-facts.js';
import { parseDecisions } from '../../../core/snapshot/reference-ids.js';
import { findSchemaReferences } from '../../../core/snapshot/references.js';
import { renderSnapshot } from '../../../core/snapshot/render.js';
import { createSnapshot, type TemplateOptions } from '../../../core/snapshot/template.js';

function render(sql: string, schema: string, extra: Partial<TemplateOptions> = {}): string {
  const { snapshot } = createSnapshot(sql, { schema, allowNoReferences: true, ...extra });
  return renderSnapshot(snapshot, 'acme');
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof TenantryError ? error.code : 'not a TenantryError';
  }
  return undefined;
}

const fn = (body: string): string => `CREATE FUNCTION f() RETURNS text LANGUAGE plpgsql AS $$ BEGIN ${body} END $$;`;

/** The catalog of a template s with a table objects, a function g, a collation s and a text search configuration. */
const catalog = (schema: string): CatalogFacts => ({
  schema,
  objects: { relations: ['objects', 'vdata'], types: [], functions: ['g', 'operation'], collations: [schema], textSearch: ['mb_simple'] },
  extensionObjects: { relations: [], types: [], functions: [] },
  extensions: [],
});

type Row = [name: string, sql: string, expected: string];

describe('1. SQL text in literals outside function bodies', () => {
  it.each<Row>([
    [
      'crosstab in a view (AdventureWorks)',
      "CREATE VIEW sales.v AS SELECT * FROM public.crosstab('SELECT id, y, total\nFROM Sales.vData\nORDER BY 1'::text, 'SELECT unnest(''{2012,2013}''::text[])'::text) t(id int, a numeric, b numeric);",
      "CREATE VIEW acme.v AS SELECT * FROM public.crosstab('SELECT id, y, total\nFROM acme.vData\nORDER BY 1'::text, 'SELECT unnest(''{2012,2013}''::text[])'::text) t(id int, a numeric, b numeric);",
    ],
    ['query_to_xml', "CREATE VIEW sales.x AS SELECT query_to_xml('select * from sales.t', true, false, '');", "CREATE VIEW acme.x AS SELECT query_to_xml('select * from acme.t', true, false, '');"],
    ['dblink_exec', "CREATE VIEW sales.d AS SELECT dblink_exec('c', 'DELETE FROM sales.t');", "CREATE VIEW acme.d AS SELECT dblink_exec('c', 'DELETE FROM acme.t');"],
    ['SQL text in a default, naming a relation', "CREATE TABLE sales.q (sql text DEFAULT 'SELECT * FROM sales.t');", "CREATE TABLE acme.q (sql text DEFAULT 'SELECT * FROM acme.t');"],
    ['a comment on an object is prose even when it reads like SQL', "COMMENT ON VIEW sales.v IS 'SELECT … FROM sales.t';", "COMMENT ON VIEW acme.v IS 'SELECT … FROM sales.t';"],
    ['data that is not SQL text stays', "INSERT INTO sales.t VALUES ('sales.t', 'see sales.t');", "INSERT INTO acme.t VALUES ('sales.t', 'see sales.t');"],
  ])('%s', (_name, sql, expected) => {
    expect(render(sql, 'sales')).toBe(expected);
  });

  it('lists crosstab SQL for review and stores it as text (a rename must rewrite it)', () => {
    const refs = findSchemaReferences("CREATE VIEW sales.v AS SELECT * FROM crosstab('SELECT a FROM sales.t') x(a int);", { schema: 'sales' });
    const inText = refs.find((r) => r.context.includes('crosstab') && r.start > 40);
    expect(inText).toMatchObject({ kind: 'dynamic-sql', needsReview: true, storedAsText: true });
    expect(inText?.keep).toBeUndefined();
  });
});

describe('2. setting names and other dotted strings', () => {
  const rows: Row[] = [
    ['current_setting of a custom setting', fn("RETURN current_setting('storage.operation', true);"), fn("RETURN current_setting('storage.operation', true);")],
    ['set_config of a custom setting', fn("PERFORM set_config('storage.allow_delete_query', 'true', true); RETURN '';"), fn("PERFORM set_config('storage.allow_delete_query', 'true', true); RETURN '';")],
    ['set_config of search_path is still a reference', fn("PERFORM set_config('search_path', 'storage', true); RETURN '';"), fn("PERFORM set_config('search_path', 'acme', true); RETURN '';")],
    ['SET LOCAL of a custom setting in a body', fn("SET LOCAL storage.allow_delete_query = 'true'; RETURN '';"), fn("SET LOCAL storage.allow_delete_query = 'true'; RETURN '';")],
    ['SHOW and RESET of a custom setting', fn('SHOW storage.x; RESET storage.x; RETURN 1;'), fn('SHOW storage.x; RESET storage.x; RETURN 1;')],
    ["a function's SET clause naming a custom setting", "CREATE FUNCTION storage.f() RETURNS int LANGUAGE sql SET storage.x TO 'on' AS $$ SELECT 1 $$;", "CREATE FUNCTION acme.f() RETURNS int LANGUAGE sql SET storage.x TO 'on' AS $$ SELECT 1 $$;"],
    ['SET of a custom setting at top level', "SET storage.x = 'on';\nSELECT storage.g();", "SET storage.x = 'on';\nSELECT acme.g();"],
    ["LIKE 'storage.%' (with substr(x, 9) next to it)", fn("RETURN CASE WHEN op LIKE 'storage.%' THEN substr(op, 9) END;"), fn("RETURN CASE WHEN op LIKE 'storage.%' THEN substr(op, 9) END;")],
    ['a dotted string whose second part is no object of the template', fn("RETURN md5(name || ':storage.org:mb');"), fn("RETURN md5(name || ':storage.org:mb');")],
    ["extname = 'storage'", fn("RETURN (SELECT oid FROM pg_extension WHERE extname = 'storage');"), fn("RETURN (SELECT oid FROM pg_extension WHERE extname = 'storage');")],
    ["a bare name passed to a function", fn("IF storage.g('storage') THEN RETURN 1; END IF;"), fn("IF acme.g('storage') THEN RETURN 1; END IF;")],
    ["table_schema = 'storage' is a schema", fn("RETURN (SELECT count(*) FROM information_schema.tables WHERE table_schema = 'storage');"), fn("RETURN (SELECT count(*) FROM information_schema.tables WHERE table_schema = 'acme');")],
    ["nspname IN (…, 'storage') is a schema", fn("RETURN (SELECT count(*) FROM pg_namespace WHERE nspname IN ('x', 'storage'));"), fn("RETURN (SELECT count(*) FROM pg_namespace WHERE nspname IN ('x', 'acme'));")],
    ['a dotted string naming an object of the template', fn("RETURN 'storage.objects';"), fn("RETURN 'acme.objects';")],
    ['a dotted string in a relation position of SQL text', fn("RETURN 'SELECT 1 FROM storage.unknown_table';"), fn("RETURN 'SELECT 1 FROM acme.unknown_table';")],
    ['a dotted string followed by a call', fn("RETURN 'SELECT storage.h(1)';"), fn("RETURN 'SELECT acme.h(1)';")],
    ['format() placeholder S.%I', fn("EXECUTE format('DELETE FROM storage.%I', t); RETURN '';"), fn("EXECUTE format('DELETE FROM acme.%I', t); RETURN '';")],
    ['EXECUTE of SQL text that names an unknown object', fn("EXECUTE 'ANALYZE storage.some_queue'; RETURN '';"), fn("EXECUTE 'ANALYZE acme.some_queue'; RETURN '';")],
    ['to_tsvector with a text search configuration of the template', fn("RETURN to_tsvector('storage.mb_simple', x);"), fn("RETURN to_tsvector('acme.mb_simple', x);")],
    ['to_tsvector of one argument is data', fn("RETURN to_tsvector('storage.org is text');"), fn("RETURN to_tsvector('storage.org is text');")],
  ];
  it.each(rows)('%s (catalog)', (_name, sql, expected) => {
    expect(render(sql, 'storage', { catalog: catalog('storage') })).toBe(expected);
  });
  it.each(rows)('%s (offline, objects from pg_dump headers)', (_name, sql, expected) => {
    const headers = [
      '-- Name: objects; Type: TABLE; Schema: storage; Owner: -',
      '-- Name: g(text); Type: FUNCTION; Schema: storage; Owner: -',
      '-- Name: mb_simple; Type: TEXT SEARCH CONFIGURATION; Schema: storage; Owner: -',
      '',
    ].join('\n');
    expect(render(headers + sql, 'storage')).toBe(renderSnapshot(createSnapshot(headers, { schema: 'storage' }).snapshot, 'acme') + expected);
  });

  it('setting names are not references at all; other dotted strings are listed for review and kept', () => {
    const sql = fn("PERFORM current_setting('storage.operation'); IF op LIKE 'storage.%' THEN RETURN md5(x || ':storage.org'); END IF;");
    const refs = findSchemaReferences(sql, { schema: 'storage', catalog: catalog('storage') });
    expect(refs.map((r) => [r.text, r.kind, r.needsReview, r.keep])).toEqual([
      ['storage', 'dynamic-sql', true, true],
      ['storage', 'dynamic-sql', true, true],
    ]);
    const { report, snapshot } = createSnapshot(sql, { schema: 'storage', catalog: catalog('storage') });
    expect(report.skipped).toHaveLength(2);
    expect(snapshot.header.counts).toMatchObject({ replaced: 0, flagged: 0, skipped: 2 });
  });

  it('does not depend on unrelated statements: a collation named like the schema changes nothing (--no-owner)', () => {
    const dump = [
      '-- Name: musicbrainz; Type: COLLATION; Schema: musicbrainz; Owner: postgres',
      "CREATE COLLATION musicbrainz.musicbrainz (provider = icu, locale = 'und');",
      'ALTER COLLATION musicbrainz.musicbrainz OWNER TO postgres;',
      '-- Name: f(); Type: FUNCTION; Schema: musicbrainz; Owner: postgres',
      "CREATE FUNCTION musicbrainz.f(n text) RETURNS text LANGUAGE sql AS $$ SELECT md5(n || ':musicbrainz.org:mb') || musicbrainz.g(n) $$;",
      '-- Name: g(text); Type: FUNCTION; Schema: musicbrainz; Owner: postgres',
      'CREATE FUNCTION musicbrainz.g(n text) RETURNS text LANGUAGE sql AS $$ SELECT n COLLATE musicbrainz.musicbrainz $$;',
    ].join('\n');
    const a = createSnapshot(dump, { schema: 'musicbrainz' });
    const b = createSnapshot(dump, { schema: 'musicbrainz', stripOwner: true });
    const keyed = (r: { report: { references: { line: number; column: number; keep?: boolean }[]; skipped: { line: number; column: number }[] } }) => ({
      all: r.report.references.filter((x) => x.line !== 3).map((x) => `${x.line}:${x.column}:${x.keep === true}`),
      skipped: r.report.skipped.map((x) => `${x.line}:${x.column}`),
    });
    expect(keyed(b)).toEqual(keyed(a));
    expect(renderSnapshot(a.snapshot, 'acme')).toContain("md5(n || ':musicbrainz.org:mb') || acme.g(n)");
    expect(renderSnapshot(a.snapshot, 'acme')).toContain('COLLATE acme.musicbrainz');
  });
});

describe('3. names built by concatenation', () => {
  it.each<Row>([
    ["'pgmq.' || name outside EXECUTE: kept", fn("q := 'pgmq.' || qtable; PERFORM pg_advisory_xact_lock(hashtext('pgmq.queue_' || name)); RETURN q;"), fn("q := 'pgmq.' || qtable; PERFORM pg_advisory_xact_lock(hashtext('pgmq.queue_' || name)); RETURN q;")],
    ["'pgmq.' || name inside EXECUTE: replaced", fn("EXECUTE 'TRUNCATE pgmq.' || quote_ident(qtable); RETURN '';"), fn("EXECUTE 'TRUNCATE acme.' || quote_ident(qtable); RETURN '';")],
    ["'… FROM pgmq.' || t (SQL text being built): replaced", fn("RETURN 'SELECT count(*) FROM pgmq.' || t;"), fn("RETURN 'SELECT count(*) FROM acme.' || t;")],
    ["format('%s.%I', 'pgmq', t) outside EXECUTE: kept", fn("RETURN format('%s.%I', 'pgmq', t);"), fn("RETURN format('%s.%I', 'pgmq', t);")],
    ["format('%s.%I', 'pgmq', t) inside EXECUTE: replaced", fn("EXECUTE format('DROP TABLE %s.%I', 'pgmq', t); RETURN '';"), fn("EXECUTE format('DROP TABLE %s.%I', 'acme', t); RETURN '';")],
    ["'pgmq' || '.' || t inside EXECUTE: replaced", fn("EXECUTE 'TRUNCATE ' || 'pgmq' || '.' || t; RETURN '';"), fn("EXECUTE 'TRUNCATE ' || 'acme' || '.' || t; RETURN '';")],
    ["a view building a name: kept", "CREATE VIEW pgmq.v AS SELECT 'pgmq.' || relname AS n FROM pg_class;", "CREATE VIEW acme.v AS SELECT 'pgmq.' || relname AS n FROM pg_class;"],
  ])('%s', (_name, sql, expected) => {
    expect(render(sql, 'pgmq', { catalog: catalog('pgmq') })).toBe(expected);
  });

  it('lists the kept ones for review', () => {
    const refs = findSchemaReferences(fn("q := 'pgmq.' || t; r := format('%s.%I', 'pgmq', t); RETURN q;"), { schema: 'pgmq', catalog: catalog('pgmq') });
    expect(refs.map((r) => [r.text, r.needsReview, r.keep])).toEqual([
      ['pgmq', true, true],
      ['pgmq', true, true],
    ]);
  });
});

describe('5. DDL name positions offline (a table named like the schema exists)', () => {
  const head = '-- Name: s; Type: TABLE; Schema: s; Owner: -\nCREATE TABLE s.s (id int);\n';
  it.each<Row>([
    ['SEQUENCE NAME of an identity', 'ALTER TABLE s.t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (\n    SEQUENCE NAME s.t_id_seq\n    START WITH 1\n);', 'ALTER TABLE acme.t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (\n    SEQUENCE NAME acme.t_id_seq\n    START WITH 1\n);'],
    ['OWNED BY', 'ALTER SEQUENCE s.q OWNED BY s.t.id;', 'ALTER SEQUENCE acme.q OWNED BY acme.t.id;'],
    ['CREATE INDEX … ON', 'CREATE INDEX i ON s.t USING btree (id);', 'CREATE INDEX i ON acme.t USING btree (id);'],
    ['CREATE TRIGGER … ON', 'CREATE TRIGGER tr BEFORE INSERT ON s.t FOR EACH ROW EXECUTE FUNCTION s.f();', 'CREATE TRIGGER tr BEFORE INSERT ON acme.t FOR EACH ROW EXECUTE FUNCTION acme.f();'],
    ['CREATE POLICY … ON', 'CREATE POLICY p ON s.t USING (true);', 'CREATE POLICY p ON acme.t USING (true);'],
    ['CREATE RULE … ON', 'CREATE RULE r AS ON INSERT TO s.t DO INSTEAD NOTHING;', 'CREATE RULE r AS ON INSERT TO acme.t DO INSTEAD NOTHING;'],
    ['ATTACH PARTITION of a key index (PostgREST)', 'ALTER INDEX s.cars_pkey ATTACH PARTITION s.cars_default_pkey;', 'ALTER INDEX acme.cars_pkey ATTACH PARTITION acme.cars_default_pkey;'],
    ['COMMENT ON CONSTRAINT … ON', "COMMENT ON CONSTRAINT c ON s.t IS 'x';", "COMMENT ON CONSTRAINT c ON acme.t IS 'x';"],
    ['a column of the table named like the schema stays', 'CREATE VIEW s.v AS SELECT s.id FROM s.s JOIN s.t ON s.id = t.id;', 'CREATE VIEW acme.v AS SELECT s.id FROM acme.s JOIN acme.t ON s.id = t.id;'],
  ])('%s', (_name, sql, expected) => {
    expect(render(head + sql, 's')).toBe('-- Name: s; Type: TABLE; Schema: acme; Owner: -\nCREATE TABLE acme.s (id int);\n' + expected);
  });

  it('a name the headers list is an object of the schema even where a column could stand', () => {
    const sql = '-- Name: s; Type: TABLE; Schema: s; Owner: -\nCREATE TABLE s.s (id int);\n-- Name: q; Type: SEQUENCE; Schema: s; Owner: -\nCREATE VIEW s.v AS SELECT s.q;';
    expect(render(sql, 's')).toContain('SELECT acme.q;');
  });
});

describe('offline public template without CREATE EXTENSION (pg_dump -n public)', () => {
  it('a well-known extension member that no header lists is left alone; a template object of that name is replaced', () => {
    const head = '-- Name: emails; Type: TABLE; Schema: public; Owner: -\nCREATE TABLE public.emails (email text);\n';
    const index = 'CREATE INDEX i ON public.emails USING gin (email public.gin_trgm_ops);';
    expect(render(head + index, 'public')).toBe('-- Name: emails; Type: TABLE; Schema: acme; Owner: -\nCREATE TABLE acme.emails (email text);\nCREATE INDEX i ON acme.emails USING gin (email public.gin_trgm_ops);');
    const own = '-- Name: similarity(text, text); Type: FUNCTION; Schema: public; Owner: -\nSELECT public.similarity(a, b);';
    expect(render(own, 'public')).toBe('-- Name: similarity(text, text); Type: FUNCTION; Schema: acme; Owner: -\nSELECT acme.similarity(a, b);');
  });
});

describe('6. template names with quote characters', () => {
  // As pg_dump writes them: "t""pl" in code, '"t''pl".seq' in literals, 't''pl' in a function's SET search_path.
  it.each<[string, string, string]>([
    [`t'pl`, `CREATE TABLE "t'pl".t (id integer DEFAULT nextval('"t''pl".t_id_seq'::regclass));`, `CREATE TABLE acme.t (id integer DEFAULT nextval('acme.t_id_seq'::regclass));`],
    [`t'pl`, `CREATE FUNCTION "t'pl".f() RETURNS int LANGUAGE sql SET search_path TO 't''pl', 'public' AS $$ SELECT count(*)::int FROM "t'pl".t $$;`, `CREATE FUNCTION acme.f() RETURNS int LANGUAGE sql SET search_path TO 'acme', 'public' AS $$ SELECT count(*)::int FROM acme.t $$;`],
    [`t'pl`, `SELECT pg_catalog.set_config('search_path', '"t''pl"', false);`, `SELECT pg_catalog.set_config('search_path', 'acme', false);`],
    ['t"pl', `CREATE TABLE "t""pl".t (id integer DEFAULT nextval('"t""pl".t_id_seq'::regclass));`, `CREATE TABLE acme.t (id integer DEFAULT nextval('acme.t_id_seq'::regclass));`],
    ['t"pl', `CREATE SCHEMA "t""pl";\nALTER TABLE "t""pl".t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME "t""pl".t_id_seq);`, `CREATE SCHEMA acme;\nALTER TABLE acme.t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME acme.t_id_seq);`],
    ['t"pl', `CREATE FUNCTION "t""pl".f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'TRUNCATE "t""pl".t'; RETURN 1; END $$;`, `CREATE FUNCTION acme.f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'TRUNCATE acme.t'; RETURN 1; END $$;`],
    ['t"pl', `SELECT * FROM "t""pl x".t, "t""pl".u;`, `SELECT * FROM "t""pl x".t, acme.u;`],
  ])('%s: %s', (schema, sql, expected) => {
    expect(render(sql, schema)).toBe(expected);
  });

  it('a tenant name with quotes renders inside those spellings', () => {
    expect(render(`SELECT nextval('"t''pl".s'), 1 FROM "t'pl".t;`, `t'pl`).replace(/acme/g, 'acme')).toBe("SELECT nextval('acme.s'), 1 FROM acme.t;");
    const { snapshot } = createSnapshot(`SELECT nextval('"t''pl".s'), 1 FROM "t'pl".t;`, { schema: `t'pl` });
    expect(renderSnapshot(snapshot, `o"n'e`)).toBe(`SELECT nextval('"o""n''e".s'), 1 FROM "o""n'e".t;`);
  });
});

describe('7. silent no-ops and warnings that agree with the header', () => {
  const dump = '--\n-- Name: tenant_template; Type: SCHEMA; Schema: -; Owner: app\n--\n\nCREATE SCHEMA tenant_template;\n\n-- Name: t; Type: TABLE; Schema: tenant_template; Owner: app\nCREATE TABLE tenant_template.t (id int);\n';
  it('a schema the dump never mentions is an error naming the schemas it does hold (and the folding hint)', () => {
    expect(codeOf(() => createSnapshot(dump, { schema: 'Tenant_Template' }))).toBe('SCHEMA_NOT_IN_DUMP');
    expect(() => createSnapshot(dump, { schema: 'Tenant_Template' })).toThrow(/holds schema "tenant_template".*fold to lower case/s);
    expect(codeOf(() => createSnapshot(dump, { schema: 'tenant_template' }))).toBeUndefined();
  });

  it('warnings give the same numbers as counts.flagged and counts.skipped', () => {
    const sql = `${dump}${fn("EXECUTE 'TRUNCATE tenant_template.t'; q := 'tenant_template.' || x; RETURN q;")}\n-- see tenant_template.t\n`;
    for (const skipFlagged of [false, true]) {
      const { snapshot, report } = createSnapshot(sql, { schema: 'tenant_template', skipFlagged });
      const { flagged, skipped } = snapshot.header.counts;
      expect(report.flagged).toHaveLength(flagged);
      expect(report.skipped).toHaveLength(skipped);
      const review = report.warnings.find((w) => /need review/.test(w));
      const left = report.warnings.find((w) => /left pointing at/.test(w));
      expect(review === undefined ? 0 : Number(/^(\d+)/.exec(review)?.[1])).toBe(flagged);
      expect(left === undefined ? 0 : Number(/^(\d+)/.exec(left)?.[1])).toBe(skipped);
    }
  });
});

describe('4. decisions per reference', () => {
  const dump = [
    '-- Name: t; Type: TABLE; Schema: pgmq; Owner: -',
    'CREATE TABLE pgmq.t (id int);',
    '-- Name: f(text); Type: FUNCTION; Schema: pgmq; Owner: -',
    fn("q := 'pgmq.' || x; EXECUTE 'TRUNCATE pgmq.t'; RETURN q;"),
  ].join('\n');

  it('ids name the pg_dump object, the kind and the place among references of that kind', () => {
    const ids = createSnapshot(dump, { schema: 'pgmq' }).report.references.map((r) => r.id);
    expect(ids).toEqual([
      'TABLE pgmq.t/comment#1',
      'TABLE pgmq.t/identifier#1',
      'FUNCTION pgmq.f(text)/comment#1',
      'FUNCTION pgmq.f(text)/dynamic-sql#1',
      'FUNCTION pgmq.f(text)/dynamic-sql#2',
    ]);
  });

  it('ids survive a change earlier in the dump', () => {
    const before = createSnapshot(dump, { schema: 'pgmq' }).report.references.map((r) => r.id);
    const changed = dump.replace('CREATE TABLE pgmq.t (id int);', 'CREATE TABLE pgmq.t (id int, note text DEFAULT \'x\');\nCOMMENT ON TABLE pgmq.t IS \'y\';');
    const after = createSnapshot(changed, { schema: 'pgmq' }).report.references.map((r) => r.id);
    expect(after.filter((id) => id.startsWith('FUNCTION'))).toEqual(before.filter((id) => id.startsWith('FUNCTION')));
  });

  it('replace and keep by id, and by line:column, win over the defaults', () => {
    const column = fn("q := 'pgmq.' || x; EXECUTE 'TRUNCATE pgmq.t'; RETURN q;").indexOf("pgmq.t'") + 1;
    const out = render(dump, 'pgmq', { decisions: { 'FUNCTION pgmq.f(text)/dynamic-sql#1': 'replace', [`4:${column}`]: 'keep' } });
    expect(out.split('\n')[3]).toBe(fn("q := 'acme.' || x; EXECUTE 'TRUNCATE pgmq.t'; RETURN q;"));
    expect(render(dump, 'pgmq').split('\n')[3]).toBe(fn("q := 'pgmq.' || x; EXECUTE 'TRUNCATE acme.t'; RETURN q;"));
  });

  it('a decision that matches no reference is an error', () => {
    expect(codeOf(() => createSnapshot(dump, { schema: 'pgmq', decisions: { 'FUNCTION pgmq.gone()/dynamic-sql#1': 'keep' } }))).toBe('INVALID_DECISIONS');
  });

  it('reads decisions files and refuses bad ones', () => {
    expect(parseDecisions({ decisions: { a: 'keep', '1:2': 'replace' } })).toEqual({ a: 'keep', '1:2': 'replace' });
    expect(codeOf(() => parseDecisions({ decisions: { a: 'skip' } }))).toBe('INVALID_DECISIONS');
    expect(codeOf(() => parseDecisions([]))).toBe('INVALID_DECISIONS');
  });
});
