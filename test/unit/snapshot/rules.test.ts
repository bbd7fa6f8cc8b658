/**
 * The rule table: SQL in, template schema, tenant → the exact SQL render
 * produces. Each row is one rule of the reference finder, the quoting of
 * tenant names, or a trap that must not match.
 */
import { describe, expect, it } from 'vitest';
import { TenantryError } from '../../../core/errors.js';
import type { CatalogFacts } from '../../../core/snapshot/catalog-facts.js';
import { findSchemaReferences } from '../../../core/snapshot/references.js';
import { renderSnapshot } from '../../../core/snapshot/render.js';
import { createSnapshot } from '../../../core/snapshot/template.js';

function render(sql: string, tenant = 'acme', schema = 'tmpl', catalog?: CatalogFacts): string {
  const { snapshot } = createSnapshot(sql, { schema, allowNoReferences: true, ...(catalog ? { catalog } : {}) });
  return renderSnapshot(snapshot, tenant);
}

type Row = [name: string, sql: string, expected: string];

const MATCHES: Row[] = [
  ['qualified table', 'SELECT * FROM tmpl.t;', 'SELECT * FROM acme.t;'],
  ['quoted schema', 'SELECT * FROM "tmpl".t;', 'SELECT * FROM acme.t;'],
  ['quoted schema glued to a keyword stays apart from it', 'SELECT * FROM"tmpl".t;GRANT USAGE ON SCHEMA"tmpl"TO app;', 'SELECT * FROM acme.t;GRANT USAGE ON SCHEMA acme TO app;'],
  ['three-part column reference', 'SELECT tmpl.t.col FROM tmpl.t;', 'SELECT acme.t.col FROM acme.t;'],
  ['upper-case unquoted folds', 'SELECT * FROM TMPL.t;', 'SELECT * FROM acme.t;'],
  ['white space around the dot', 'SELECT * FROM tmpl . t;', 'SELECT * FROM acme . t;'],
  ['comment between schema and dot', 'SELECT * FROM tmpl/* x */.t;', 'SELECT * FROM acme/* x */.t;'],
  ['CREATE SCHEMA', 'CREATE SCHEMA tmpl;', 'CREATE SCHEMA acme;'],
  ['CREATE SCHEMA IF NOT EXISTS', 'CREATE SCHEMA IF NOT EXISTS tmpl;', 'CREATE SCHEMA IF NOT EXISTS acme;'],
  ['ALTER SCHEMA … OWNER TO', 'ALTER SCHEMA tmpl OWNER TO bob;', 'ALTER SCHEMA acme OWNER TO bob;'],
  ['COMMENT ON SCHEMA (the comment text is data)', "COMMENT ON SCHEMA tmpl IS 'the tmpl schema';", "COMMENT ON SCHEMA acme IS 'the tmpl schema';"],
  ['GRANT ON SCHEMA', 'GRANT USAGE ON SCHEMA tmpl TO app;', 'GRANT USAGE ON SCHEMA acme TO app;'],
  ['GRANT ON SCHEMA list', 'GRANT USAGE ON SCHEMA other, tmpl TO app;', 'GRANT USAGE ON SCHEMA other, acme TO app;'],
  ['ALTER DEFAULT PRIVILEGES IN SCHEMA', 'ALTER DEFAULT PRIVILEGES FOR ROLE r IN SCHEMA tmpl GRANT SELECT ON TABLES TO app;', 'ALTER DEFAULT PRIVILEGES FOR ROLE r IN SCHEMA acme GRANT SELECT ON TABLES TO app;'],
  ['ALTER TABLE … SET SCHEMA', 'ALTER TABLE x SET SCHEMA tmpl;', 'ALTER TABLE x SET SCHEMA acme;'],
  ['SET search_path TO list', 'SET search_path TO tmpl, public;', 'SET search_path TO acme, public;'],
  ['SET search_path = ', 'SET search_path = public, tmpl;', 'SET search_path = public, acme;'],
  ['SET search_path with "$user"', 'SET search_path TO "$user", tmpl;', 'SET search_path TO "$user", acme;'],
  ['SET search_path TO literal', "SET search_path TO 'tmpl';", "SET search_path TO 'acme';"],
  ['function SET search_path = identifier', 'CREATE FUNCTION tmpl.f() RETURNS int LANGUAGE sql SET search_path = tmpl AS $$ SELECT 1 $$;', 'CREATE FUNCTION acme.f() RETURNS int LANGUAGE sql SET search_path = acme AS $$ SELECT 1 $$;'],
  ['function SET search_path TO literals', "CREATE FUNCTION tmpl.f() RETURNS int LANGUAGE sql SET search_path TO 'pg_catalog', 'tmpl' AS $$ SELECT 1 $$;", "CREATE FUNCTION acme.f() RETURNS int LANGUAGE sql SET search_path TO 'pg_catalog', 'acme' AS $$ SELECT 1 $$;"],
  ['set_config search_path list', "SELECT pg_catalog.set_config('search_path', 'tmpl, public', false);", "SELECT pg_catalog.set_config('search_path', 'acme, public', false);"],
  ['set_config quoted element', `SELECT set_config('search_path', '"tmpl",public', true);`, "SELECT set_config('search_path', 'acme,public', true);"],
  ['regclass literal', "SELECT 'tmpl.t'::regclass;", "SELECT 'acme.t'::regclass;"],
  ['regclass literal with quoted schema', `SELECT '"tmpl".t'::regclass;`, "SELECT 'acme.t'::regclass;"],
  ['pg_catalog.regclass', "SELECT 'tmpl.t'::pg_catalog.regclass;", "SELECT 'acme.t'::pg_catalog.regclass;"],
  ['regprocedure', "SELECT 'tmpl.f(integer)'::regprocedure;", "SELECT 'acme.f(integer)'::regprocedure;"],
  ['regproc', "SELECT 'tmpl.f'::regproc;", "SELECT 'acme.f'::regproc;"],
  ['regtype', "SELECT 'tmpl.typ[]'::regtype;", "SELECT 'acme.typ[]'::regtype;"],
  ['regnamespace holds a bare name', "SELECT 'tmpl'::regnamespace;", "SELECT 'acme'::regnamespace;"],
  ['nextval default', "CREATE TABLE tmpl.t (id int DEFAULT nextval('tmpl.t_id_seq'::regclass));", "CREATE TABLE acme.t (id int DEFAULT nextval('acme.t_id_seq'::regclass));"],
  ['nextval without cast', "SELECT nextval('tmpl.seq');", "SELECT nextval('acme.seq');"],
  ['setval', "SELECT pg_catalog.setval('tmpl.seq', 1, false);", "SELECT pg_catalog.setval('acme.seq', 1, false);"],
  ['to_regclass', "SELECT to_regclass('tmpl.t');", "SELECT to_regclass('acme.t');"],
  ['sequence OWNED BY', 'ALTER SEQUENCE tmpl.s OWNED BY tmpl.t.id;', 'ALTER SEQUENCE acme.s OWNED BY acme.t.id;'],
  ['type cast to a template type', "SELECT 'x'::tmpl.mood;", "SELECT 'x'::acme.mood;"],
  ['OPERATOR(schema.op)', 'SELECT 1 OPERATOR(tmpl.+) 2;', 'SELECT 1 OPERATOR(acme.+) 2;'],
  ['CREATE OPERATOR', 'CREATE OPERATOR tmpl.=== (FUNCTION = tmpl.eq, LEFTARG = int, RIGHTARG = int);', 'CREATE OPERATOR acme.=== (FUNCTION = acme.eq, LEFTARG = int, RIGHTARG = int);'],
  ['trigger EXECUTE FUNCTION', 'CREATE TRIGGER tr BEFORE UPDATE ON tmpl.t FOR EACH ROW EXECUTE FUNCTION tmpl.touch();', 'CREATE TRIGGER tr BEFORE UPDATE ON acme.t FOR EACH ROW EXECUTE FUNCTION acme.touch();'],
  ['$$ body', 'CREATE FUNCTION tmpl.f() RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT count(*) FROM tmpl.t); END $$;', 'CREATE FUNCTION acme.f() RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT count(*) FROM acme.t); END $$;'],
  ['$_$ body', 'CREATE FUNCTION tmpl.f() RETURNS bigint LANGUAGE sql AS $_$ SELECT count(*) FROM tmpl.t $_$;', 'CREATE FUNCTION acme.f() RETURNS bigint LANGUAGE sql AS $_$ SELECT count(*) FROM acme.t $_$;'],
  ['body with a nested $x$ dynamic query', 'CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $body$ BEGIN EXECUTE $x$DELETE FROM tmpl.t$x$; END $body$;', 'CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $body$ BEGIN EXECUTE $x$DELETE FROM acme.t$x$; END $body$;'],
  ['name literal in a body', "CREATE FUNCTION f() RETURNS bigint LANGUAGE sql AS $$ SELECT nextval('tmpl.seq') $$;", "CREATE FUNCTION f() RETURNS bigint LANGUAGE sql AS $$ SELECT nextval('acme.seq') $$;"],
  ['set_config in a body', "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN PERFORM set_config('search_path', 'tmpl', true); END $$;", "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN PERFORM set_config('search_path', 'acme', true); END $$;"],
  ['old-style quoted body', "CREATE FUNCTION f() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM tmpl.t';", "CREATE FUNCTION f() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM acme.t';"],
  ['old-style body with a nested literal', "CREATE FUNCTION f() RETURNS bigint LANGUAGE sql AS 'SELECT nextval(''tmpl.seq'')';", "CREATE FUNCTION f() RETURNS bigint LANGUAGE sql AS 'SELECT nextval(''acme.seq'')';"],
  ['DO block', 'DO $$ BEGIN PERFORM tmpl.f(); END $$;', 'DO $$ BEGIN PERFORM acme.f(); END $$;'],
  ['dynamic SQL in EXECUTE (flagged, replaced)', "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'select * from tmpl.t'; END $$;", "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'select * from acme.t'; END $$;"],
  ['format() with %I (flagged, replaced)', "CREATE FUNCTION f(n text) RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE format('select * from tmpl.%I', n); END $$;", "CREATE FUNCTION f(n text) RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE format('select * from acme.%I', n); END $$;"],
  ['schema name as text in a body (flagged, replaced)', "CREATE FUNCTION f() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM information_schema.tables WHERE table_schema = 'tmpl' $$;", "CREATE FUNCTION f() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM information_schema.tables WHERE table_schema = 'acme' $$;"],
  ['pg_dump comment header', '-- Name: t; Type: TABLE; Schema: tmpl; Owner: o\nSELECT 1;', '-- Name: t; Type: TABLE; Schema: acme; Owner: o\nSELECT 1;'],
  ['pg_dump schema header', '-- Name: tmpl; Type: SCHEMA; Schema: -; Owner: -\nCREATE SCHEMA tmpl;', '-- Name: acme; Type: SCHEMA; Schema: -; Owner: -\nCREATE SCHEMA acme;'],
  ['pg_dump ACL header', '-- Name: SCHEMA tmpl; Type: ACL; Schema: -; Owner: -\nSELECT 1;', '-- Name: SCHEMA acme; Type: ACL; Schema: -; Owner: -\nSELECT 1;'],
  ['qualified name in a line comment', '-- copied from tmpl.t\nSELECT 1;', '-- copied from acme.t\nSELECT 1;'],
  ['qualified name in a block comment', 'SELECT 1; /* reads tmpl.t */', 'SELECT 1; /* reads acme.t */'],
];

const TRAPS: Row[] = [
  ['a schema whose name starts with the template name', 'SELECT * FROM tmplx.t;', 'SELECT * FROM tmplx.t;'],
  ['a schema whose name contains the template name', 'SELECT * FROM tmpl_old.t, xtmpl.t;', 'SELECT * FROM tmpl_old.t, xtmpl.t;'],
  ['a table named like the schema counts once', 'SELECT * FROM tmpl.tmpl;', 'SELECT * FROM acme.tmpl;'],
  ['a column named like the schema', 'CREATE TABLE tmpl.t (tmpl int); SELECT tmpl FROM tmpl.t;', 'CREATE TABLE acme.t (tmpl int); SELECT tmpl FROM acme.t;'],
  ['a table column qualified by a table named like the schema', 'CREATE TABLE tmpl.tmpl (id int);\nCREATE VIEW tmpl.v AS SELECT tmpl.id FROM tmpl.tmpl;', 'CREATE TABLE acme.tmpl (id int);\nCREATE VIEW acme.v AS SELECT tmpl.id FROM acme.tmpl;'],
  ['x.tmpl is a column or table, not the schema', 'SELECT x.tmpl FROM x;', 'SELECT x.tmpl FROM x;'],
  ['a role named like the schema', 'GRANT SELECT ON tmpl.t TO tmpl;', 'GRANT SELECT ON acme.t TO tmpl;'],
  ['an owner role named like the schema', 'ALTER TABLE tmpl.t OWNER TO tmpl;', 'ALTER TABLE acme.t OWNER TO tmpl;'],
  ['a function named like the schema', 'SELECT tmpl(), public.tmpl(1);', 'SELECT tmpl(), public.tmpl(1);'],
  ['string data that merely contains the name', "INSERT INTO tmpl.t VALUES ('tmpl', 'tmpl.t', 'see tmpl.t');", "INSERT INTO acme.t VALUES ('tmpl', 'tmpl.t', 'see tmpl.t');"],
  ['a comment on a table whose text names the schema', "COMMENT ON TABLE tmpl.t IS 'copied from tmpl.t';", "COMMENT ON TABLE acme.t IS 'copied from tmpl.t';"],
  ['a dollar-quoted constant outside a body', 'COMMENT ON TABLE tmpl.t IS $$tmpl.t$$;', 'COMMENT ON TABLE acme.t IS $$tmpl.t$$;'],
  ['an E string outside a body', "SELECT E'tmpl.t\\n';", "SELECT E'tmpl.t\\n';"],
  ['objects of other schemas (public.citext, gin_trgm_ops, uuid_generate_v4)', 'CREATE TABLE tmpl.t (id uuid DEFAULT public.uuid_generate_v4(), c public.citext);\nCREATE INDEX i ON tmpl.t USING gin (c public.gin_trgm_ops);', 'CREATE TABLE acme.t (id uuid DEFAULT public.uuid_generate_v4(), c public.citext);\nCREATE INDEX i ON acme.t USING gin (c public.gin_trgm_ops);'],
  ['quoted mixed case is another schema', 'SELECT * FROM "Tmpl".t, "TMPL".t;', 'SELECT * FROM "Tmpl".t, "TMPL".t;'],
  ['a quoted identifier holding a dot', 'SELECT "tmpl.t" FROM tmpl.t;', 'SELECT "tmpl.t" FROM acme.t;'],
  ['a bare word in a comment', '-- tmpl is the template\nSELECT 1;', '-- tmpl is the template\nSELECT 1;'],
  ['a comment header for another schema', '-- Name: t; Type: TABLE; Schema: tmplx; Owner: o\nSELECT 1;', '-- Name: t; Type: TABLE; Schema: tmplx; Owner: o\nSELECT 1;'],
  ['COPY data is data', 'COPY tmpl.t (a) FROM stdin;\ntmpl.t\n\\.\n', 'COPY acme.t (a) FROM stdin;\ntmpl.t\n\\.\n'],
  ['a literal that is not a name (no cast, no name function)', "SELECT length('tmpl.t');", "SELECT length('tmpl.t');"],
  ['search_path of another setting', "SET application_name = 'tmpl';", "SET application_name = 'tmpl';"],
  // PostgreSQL reads one literal in SET search_path as one name: this is a schema called "tmpl, public".
  ['SET search_path TO one literal with a comma', "SET search_path TO 'tmpl, public';", "SET search_path TO 'tmpl, public';"],
  ['a schema alias list of another statement', 'SELECT a, tmpl FROM t;', 'SELECT a, tmpl FROM t;'],
];

describe('references that are replaced (template tmpl, tenant acme)', () => {
  it.each(MATCHES)('%s', (_name, sql, expected) => {
    expect(render(sql)).toBe(expected);
  });
});

describe('traps that must not match', () => {
  it.each(TRAPS)('%s', (_name, sql, expected) => {
    expect(render(sql)).toBe(expected);
  });
});

describe('a mixed-case template schema ("Tmpl")', () => {
  it.each<Row>([
    ['the quoted name matches', 'SELECT * FROM "Tmpl".t;', 'SELECT * FROM acme.t;'],
    ['unquoted tmpl folds to another schema', 'SELECT * FROM tmpl.t, TMPL.t, Tmpl.t;', 'SELECT * FROM tmpl.t, TMPL.t, Tmpl.t;'],
    ['regclass literal with the quoted name', `SELECT '"Tmpl".t'::regclass;`, "SELECT 'acme.t'::regclass;"],
    ['search_path literal holds the exact name', "SET search_path TO 'Tmpl';", "SET search_path TO 'acme';"],
  ])('%s', (_name, sql, expected) => {
    expect(render(sql, 'acme', 'Tmpl')).toBe(expected);
  });
});

describe('public as the template', () => {
  const catalog: CatalogFacts = {
    schema: 'public',
    objects: { relations: ['t'], types: [], functions: [] },
    extensionObjects: { relations: [], types: ['citext'], functions: ['uuid_generate_v4'], operatorClasses: ['gin_trgm_ops'] },
    extensions: [{ name: 'citext', schema: 'public' }],
  };
  const sql = 'CREATE TABLE public.t (id uuid DEFAULT public.uuid_generate_v4(), c public.citext);\nCREATE INDEX i ON public.t USING gin (c public.gin_trgm_ops);';

  it('leaves extension-owned objects of public alone when catalog facts say so', () => {
    expect(render(sql, 'acme', 'public', catalog)).toBe(
      'CREATE TABLE acme.t (id uuid DEFAULT public.uuid_generate_v4(), c public.citext);\nCREATE INDEX i ON acme.t USING gin (c public.gin_trgm_ops);',
    );
  });

  it('without catalog facts, leaves well-known members of extensions the dump installs into public', () => {
    const dump = `CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;\nCREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA public;\n${sql}`;
    expect(render(dump, 'acme', 'public')).toBe(
      'CREATE TABLE acme.t (id uuid DEFAULT public.uuid_generate_v4(), c public.citext);\nCREATE INDEX i ON acme.t USING gin (c acme.gin_trgm_ops);',
    );
  });
});

const TENANTS = ['Acme Corp', 'select', "o'neil", '日本', 'acme_2'];
const ID: Record<string, string> = { 'Acme Corp': '"Acme Corp"', select: '"select"', "o'neil": `"o'neil"`, 日本: '"日本"', acme_2: 'acme_2' };
const lit = (s: string): string => s.replace(/'/g, "''");

describe.each(TENANTS)('quoting contexts for tenant %j', (tenant) => {
  const id = ID[tenant] as string;
  it('identifier', () => {
    expect(render('SELECT * FROM tmpl.t;', tenant)).toBe(`SELECT * FROM ${id}.t;`);
  });
  it('qualified name in a regclass literal', () => {
    expect(render("SELECT 'tmpl.t'::regclass;", tenant)).toBe(`SELECT '${lit(id)}.t'::regclass;`);
  });
  it('bare name in a SET search_path literal', () => {
    expect(render("SET search_path TO 'tmpl', 'public';", tenant)).toBe(`SET search_path TO '${lit(tenant)}', 'public';`);
  });
  it('identifier list in a set_config value', () => {
    expect(render("SELECT set_config('search_path', 'tmpl, public', false);", tenant)).toBe(`SELECT set_config('search_path', '${lit(id)}, public', false);`);
  });
  it('identifier inside a $$ body', () => {
    expect(render('CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 FROM tmpl.t $$;', tenant)).toBe(`CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 FROM ${id}.t $$;`);
  });
  it('identifier inside an old-style quoted body', () => {
    expect(render("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1 FROM tmpl.t';", tenant)).toBe(`CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1 FROM ${lit(id)}.t';`);
  });
  it('a literal inside a body inside a literal (escapes applied inside out)', () => {
    expect(render("CREATE FUNCTION f() RETURNS bigint LANGUAGE sql AS 'SELECT nextval(''tmpl.seq'')';", tenant)).toBe(
      `CREATE FUNCTION f() RETURNS bigint LANGUAGE sql AS 'SELECT nextval(''${lit(lit(id))}.seq'')';`,
    );
  });
  it('a literal inside dynamic SQL inside a body (escaped twice)', () => {
    expect(render("DO $$ BEGIN EXECUTE 'SELECT nextval(''tmpl.seq'')'; END $$;", tenant)).toBe(`DO $$ BEGIN EXECUTE 'SELECT nextval(''${lit(lit(id))}.seq'')'; END $$;`);
  });
  it('dynamic SQL string in a body', () => {
    expect(render("DO $$ BEGIN EXECUTE 'TRUNCATE tmpl.t'; END $$;", tenant)).toBe(`DO $$ BEGIN EXECUTE 'TRUNCATE ${lit(id)}.t'; END $$;`);
  });
  it('pg_dump comment header holds the raw name', () => {
    expect(render('-- Name: t; Type: TABLE; Schema: tmpl; Owner: o\nSELECT 1;', tenant)).toBe(`-- Name: t; Type: TABLE; Schema: ${tenant}; Owner: o\nSELECT 1;`);
  });
});

describe('more quoting contexts', () => {
  it('E string name literal doubles backslashes and quotes', () => {
    expect(render("SELECT E'tmpl.t'::regclass;", "a\\b'c")).toBe(`SELECT E'"a\\\\b''c".t'::regclass;`);
  });
  it('a block comment cannot be closed by the tenant name', () => {
    expect(render('/* tmpl.t */ SELECT * FROM tmpl.t;', 'a*/b')).toBe('/* "a* /b".t */ SELECT * FROM "a*/b".t;');
  });
  it('a tenant name with "" is doubled inside the identifier', () => {
    expect(render('SELECT * FROM tmpl.t;', 'say "hi"')).toBe('SELECT * FROM "say ""hi""".t;');
  });
  it('a tenant name containing $$ is fine outside bodies', () => {
    expect(render('SELECT * FROM tmpl.t;', 'a$$b')).toBe('SELECT * FROM "a$$b".t;');
  });
  it('an injection attempt stays inside the quoted identifier', () => {
    expect(render('SELECT * FROM tmpl.t;', 'x"; DROP TABLE users; --')).toBe('SELECT * FROM "x""; DROP TABLE users; --".t;');
    expect(render("SELECT 'tmpl.t'::regclass;", "x'); DROP TABLE users; --")).toBe(`SELECT '"x''); DROP TABLE users; --".t'::regclass;`);
  });
});

describe('errors', () => {
  function code(fn: () => unknown): string | undefined {
    try {
      fn();
    } catch (error) {
      return error instanceof TenantryError ? error.code : 'not a TenantryError';
    }
    return undefined;
  }
  const body = 'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 FROM tmpl.t $$;';
  it.each<[string, () => unknown, string]>([
    ['empty tenant', () => render('SELECT 1 FROM tmpl.t;', ''), 'INVALID_TENANT_NAME'],
    ['tenant over 63 bytes', () => render('SELECT 1 FROM tmpl.t;', 'x'.repeat(64)), 'INVALID_TENANT_NAME'],
    ['tenant of 22 three-byte characters (66 bytes)', () => render('SELECT 1 FROM tmpl.t;', '日'.repeat(22)), 'INVALID_TENANT_NAME'],
    ['tenant with pg_ prefix', () => render('SELECT 1 FROM tmpl.t;', 'pg_acme'), 'INVALID_TENANT_NAME'],
    ['tenant with NUL', () => render('SELECT 1 FROM tmpl.t;', 'a\u0000b'), 'INVALID_TENANT_NAME'],
    ['tenant with a newline', () => render('SELECT 1 FROM tmpl.t;', 'a\nb'), 'INVALID_TENANT_NAME'],
    ['tenant with $$ inside a $$ body', () => render(body, 'a$$b'), 'INVALID_TENANT_NAME'],
    ['empty placeholder', () => createSnapshot('SELECT 1;', { schema: 'tmpl', placeholder: '' }), 'INVALID_PLACEHOLDER'],
    ['placeholder with a quote', () => createSnapshot('SELECT 1;', { schema: 'tmpl', placeholder: "x'" }), 'INVALID_PLACEHOLDER'],
    ['placeholder with a dollar', () => createSnapshot('SELECT 1;', { schema: 'tmpl', placeholder: '$x' }), 'INVALID_PLACEHOLDER'],
    ['placeholder already in the dump', () => createSnapshot("SELECT '#{prefix}' FROM tmpl.t;", { schema: 'tmpl' }), 'PLACEHOLDER_IN_DUMP'],
    ['placeholder that combines with the text before it', () => createSnapshot('SELECT x(tmpl.f());', { schema: 'tmpl', placeholder: 'x(x' }), 'INVALID_PLACEHOLDER'],
    ['unterminated string in the dump', () => createSnapshot("SELECT 'x FROM tmpl.t;", { schema: 'tmpl' }), 'SQL_UNTERMINATED_STRING'],
    ['unterminated body in the dump', () => createSnapshot('CREATE FUNCTION f() AS $$ SELECT 1', { schema: 'tmpl' }), 'SQL_UNTERMINATED_DOLLAR_QUOTE'],
  ])('%s → %s', (_name, fn, expected) => {
    expect(code(fn)).toBe(expected);
  });

  it('an unusual placeholder is refused only when it actually collides', () => {
    expect(code(() => createSnapshot('SELECT y(tmpl.f());', { schema: 'tmpl', placeholder: 'x(x' }))).toBeUndefined();
  });

  it('says where the placeholder already occurs', () => {
    expect(() => createSnapshot("SELECT 1;\nSELECT '#{prefix}';", { schema: 'tmpl' })).toThrow(/line 2/);
  });
});

describe('reference kinds and flags', () => {
  it('reports kind, review flag, storage as text, line and column', () => {
    const sql = [
      'CREATE TABLE tmpl.t (id int);',
      "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql SET search_path = tmpl AS $$ BEGIN EXECUTE 'select 1 from tmpl.t'; PERFORM tmpl.g(); END $$;",
      '-- Schema: tmpl; x',
      "SELECT 'tmpl.t'::regclass;",
      'SET search_path TO tmpl;',
    ].join('\n');
    const refs = findSchemaReferences(sql, { schema: 'tmpl' });
    const line2 = sql.split('\n')[1] as string;
    expect(refs.map((r) => [r.kind, r.needsReview, r.storedAsText, r.line, r.column])).toEqual([
      ['identifier', false, false, 1, 14],
      ['search-path', false, true, 2, line2.indexOf('= tmpl') + 3],
      ['dynamic-sql', true, true, 2, line2.indexOf('tmpl.t') + 1],
      ['function-body', false, true, 2, line2.indexOf('tmpl.g') + 1],
      ['comment', true, false, 3, 12],
      ['name-literal', false, false, 4, 9],
      ['search-path', false, false, 5, 20],
    ]);
    expect(refs[2]?.context).toContain('EXECUTE');
  });

  it('--skip-flagged leaves dynamic SQL and comments as they were', () => {
    const sql = "-- Schema: tmpl;\nDO $$ BEGIN EXECUTE 'select 1 from tmpl.t'; PERFORM tmpl.g(); END $$;";
    const { snapshot, report } = createSnapshot(sql, { schema: 'tmpl', skipFlagged: true });
    expect(renderSnapshot(snapshot, 'acme')).toBe("-- Schema: tmpl;\nDO $$ BEGIN EXECUTE 'select 1 from tmpl.t'; PERFORM acme.g(); END $$;");
    expect(report.skipped.map((r) => r.kind)).toEqual(['comment', 'dynamic-sql']);
  });

  it('skip leaves chosen references by index', () => {
    const { snapshot } = createSnapshot('SELECT 1 FROM tmpl.a, tmpl.b;', { schema: 'tmpl', skip: [1] });
    expect(renderSnapshot(snapshot, 'acme')).toBe('SELECT 1 FROM acme.a, tmpl.b;');
  });
});

/** The same rules whatever the dollar tag of the body and however the schema is spelled. */
describe.each(['$$', '$_$', '$body$', '$fn_1$', '$Ünï$'])('function bodies quoted with %s', (tag) => {
  const fn = (body: string): string => `CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS ${tag} ${body} ${tag};`;
  it.each<[string, string]>([
    ['BEGIN PERFORM tmpl.g(); END', 'BEGIN PERFORM "Acme Corp".g(); END'],
    ["BEGIN EXECUTE 'TRUNCATE tmpl.t'; END", `BEGIN EXECUTE 'TRUNCATE "Acme Corp".t'; END`],
    ["BEGIN PERFORM nextval('tmpl.s'); END", `BEGIN PERFORM nextval('"Acme Corp".s'); END`],
    ['BEGIN PERFORM tmplx.g(), x.tmpl; END', 'BEGIN PERFORM tmplx.g(), x.tmpl; END'],
    ["BEGIN RAISE NOTICE 'tmpl is fine'; END", "BEGIN RAISE NOTICE 'tmpl is fine'; END"],
  ])('%s', (body, expected) => {
    expect(render(fn(body), 'Acme Corp')).toBe(fn(expected));
  });
});

describe.each([
  ['tmpl.t', 'acme.t'],
  ['"tmpl".t', 'acme.t'],
  ['TMPL.t', 'acme.t'],
  ['Tmpl."t"', 'acme."t"'],
  ['tmpl."T"', 'acme."T"'],
  ['"tmpl"."t x"', 'acme."t x"'],
])('schema spelled %s', (spelled, expected) => {
  it.each([
    ['in a FROM clause', (x: string) => `SELECT 1 FROM ${x};`],
    ['in a body', (x: string) => `DO $$ BEGIN PERFORM 1 FROM ${x}; END $$;`],
    ['in a comment', (x: string) => `/* ${x} */ SELECT 1;`],
  ])('%s', (_where, make) => {
    const out = render(make(spelled));
    // Comments are prose: only the exact spelling as a name is replaced there, case-insensitive folding does not apply.
    if (_where === 'in a comment' && /TMPL|Tmpl/.test(spelled)) expect(out).toBe(make(spelled));
    else expect(out).toBe(make(expected));
  });
});
