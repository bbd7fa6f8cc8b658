import { describe, expect, it } from 'vitest';
import type { SchemaCatalog } from '../../../core/verify/compare-catalogs.js';
import { judgeIsolation } from '../../../core/verify/judge-isolation.js';
import { scanTemplateNames, type TemplateNames } from '../../../core/verify/scan-template-names.js';

const names: TemplateNames = { schema: 'tmpl', own: new Set(['invoices', 'invoices_id_seq', 'vdata', 'f', 'mood']), shared: new Set(['citext']), tenant: 'acme' };
const fn = (body: string, language = 'plpgsql') =>
  `CREATE OR REPLACE FUNCTION acme.f()\n RETURNS void\n LANGUAGE ${language}\nAS $function$${body}$function$\n`;

/** [case, catalog text, failures (text), notes (text)] */
const CASES: [string, string, string[], string[]][] = [
  ['a qualified name of a template table in code', 'SELECT count(*) FROM tmpl.invoices', ['tmpl.invoices'], []],
  ['the tenant’s own names', 'SELECT count(*) FROM acme.invoices', [], []],
  ['a longer schema name that starts like the template', 'SELECT 1 FROM tmpl_old.invoices, xtmpl.invoices', [], []],
  ['an extension member in the template schema', 'x::tmpl.citext', [], []],
  ['a regclass literal', "nextval('tmpl.invoices_id_seq'::regclass)", ["'tmpl.invoices_id_seq'::regclass"], []],
  ['a regnamespace literal', "'tmpl'::regnamespace", ["'tmpl'::regnamespace"], []],
  ['format %I with the template name in a body', fn("BEGIN EXECUTE format('SELECT * FROM %I.invoices', 'tmpl'); END"), ["'tmpl'"], []],
  ['EXECUTE of SQL text in a body', fn("BEGIN EXECUTE 'DELETE FROM tmpl.invoices'; END"), ['tmpl.invoices'], []],
  ['a string nested in a string in a body', fn("BEGIN EXECUTE 'SELECT ''tmpl.invoices''::regclass'; END"), ["'tmpl.invoices'::regclass"], []],
  ['crosstab SQL text in a view', "SELECT * FROM public.crosstab('SELECT a, b FROM tmpl.vdata ORDER BY 1'::text, 'SELECT 1'::text) ct(a integer)", ['tmpl.vdata'], []],
  ['a trigger argument naming the template', "CREATE TRIGGER t AFTER INSERT ON acme.invoices FOR EACH ROW EXECUTE FUNCTION acme.audit('tmpl')", ["'tmpl'"], []],
  ['a default that is a name literal', "'tmpl.invoices'::text", ["'tmpl.invoices'"], []],
  ['a default that is prose naming a template table', "'see tmpl.invoices docs'::text", [], ['tmpl.invoices']],
  ['a setting name in current_setting', "(tenant_id = (current_setting('tmpl.tenant_id'::text, true))::integer)", [], ["'tmpl.tenant_id'"]],
  ['a setting name that is also a template function, in a body', fn("BEGIN RETURN current_setting('tmpl.f', true); END"), [], ["'tmpl.f'"]],
  ['set_config of a setting named like a template function', fn("BEGIN PERFORM pg_catalog.set_config('tmpl.f', 'x', true); END"), [], ["'tmpl.f'"]],
  ['SET LOCAL, SHOW and RESET of a dotted setting name', fn("BEGIN EXECUTE 'SET LOCAL tmpl.f = 1'; EXECUTE 'SHOW tmpl.f'; EXECUTE 'RESET tmpl.invoices'; END"), [], ['tmpl.f', 'tmpl.invoices']],
  ['a function configuration SET of a dotted setting', "CREATE FUNCTION acme.g() RETURNS int LANGUAGE sql\n SET tmpl.f TO 'on'\nAS $function$ SELECT 1 $function$", [], ['tmpl.f']],
  ['the template name passed to another function (an extension name?) is a note', fn("BEGIN IF acme._extension_exists('tmpl') THEN RETURN; END IF; END"), [], ["'tmpl'"]],
  ['the template name passed to quote_ident is a name', fn("BEGIN PERFORM acme.run(quote_ident('tmpl')); END"), ["'tmpl'"], []],
  ['the template name passed to to_regnamespace is a name', fn("BEGIN PERFORM to_regnamespace('tmpl'); END"), ["'tmpl'"], []],
  ['the template name concatenated inside a call is a name', fn("BEGIN PERFORM acme.run('tmpl' || '.x'); END"), ["'tmpl'"], []],
  ['a name built by concatenation', fn("BEGIN EXECUTE 'SELECT * FROM tmpl.' || quote_ident(t); END"), [], ['tmpl.']],
  ['a LIKE pattern on a setting prefix', fn("BEGIN IF name LIKE 'tmpl.%' THEN RETURN; END IF; END"), [], ['tmpl.%']],
  ['an extension name compared, not used as a name', fn("BEGIN PERFORM 1 FROM pg_extension WHERE extname = 'tmpl'; END"), [], ["'tmpl'"]],
  ['search_path in proconfig', 'search_path=tmpl, public', ['search_path tmpl, public'], []],
  ['search_path with the tenant first', 'search_path=acme, tmpl', [], []],
  ['SET search_path in a function definition', "CREATE FUNCTION acme.f() RETURNS int LANGUAGE sql\n SET search_path TO 'tmpl', 'public'\nAS $function$ SELECT 1 $function$", ['search_path tmpl, public'], []],
  ['set_config of search_path in a body', fn("BEGIN PERFORM set_config('search_path', 'tmpl, public', true); END"), ['search_path tmpl, public'], []],
  ['a qualified type in a signature', 'CREATE FUNCTION acme.f(m tmpl.mood) RETURNS void LANGUAGE sql AS $function$ SELECT $function$', ['tmpl.mood'], []],
  ['a Python body searched as text', fn("plpy.execute('select * from tmpl.invoices')", 'plpython3u'), ['tmpl.invoices'], []],
  ['a column of a table named like the schema', 'SELECT tmpl.amount FROM acme.tmpl', [], ['tmpl.amount']],
  ['GRANT in dynamic SQL', fn("BEGIN EXECUTE 'GRANT USAGE ON SCHEMA tmpl TO app'; END"), ['SCHEMA tmpl'], []],
  ['a RAISE message is message text, not run', fn("BEGIN RAISE NOTICE 'copying tmpl.invoices'; END"), [], ["'copying tmpl.invoices'"]],
  ['RAISE parameters and USING options are message text', fn("BEGIN IF x THEN RAISE EXCEPTION 'no % in %', 'tmpl.invoices', 'x' USING HINT = 'create tmpl.invoices first', ERRCODE = 'P0001'; END IF; END"), [], ["'tmpl.invoices'", "'create tmpl.invoices first'"]],
  ['an ASSERT message is message text, its condition is not', fn("BEGIN ASSERT to_regclass('tmpl.invoices') IS NOT NULL, 'tmpl.invoices is missing'; END"), ['tmpl.invoices'], ["'tmpl.invoices is missing'"]],
  ['a call inside RAISE still runs', fn("BEGIN RAISE NOTICE '%', (SELECT count(*) FROM tmpl.invoices); RAISE NOTICE '%', format('%I.invoices', 'tmpl'); END"), ['tmpl.invoices', "'tmpl'"], []],
  ['a string after RAISE in the next statement is code again', fn("BEGIN RAISE NOTICE 'x'; EXECUTE 'DELETE FROM tmpl.invoices'; END"), ['tmpl.invoices'], []],
];

describe('scanTemplateNames', () => {
  it.each(CASES)('%s', (_name, text, failures, notes) => {
    const found = scanTemplateNames(text, names);
    expect(found.filter((f) => f.severity === 'failure').map((f) => f.text)).toEqual(failures);
    expect(found.filter((f) => f.severity === 'note').map((f) => f.text)).toEqual(notes);
  });

  it('matches a quoted template name exactly, not folded', () => {
    const quoted: TemplateNames = { schema: 'Tmpl Co', own: new Set(['invoices']), shared: new Set() };
    expect(scanTemplateNames('SELECT 1 FROM "Tmpl Co".invoices', quoted).map((f) => f.text)).toEqual(['"Tmpl Co".invoices']);
    expect(scanTemplateNames(fn("BEGIN EXECUTE format('SELECT 1 FROM %I.invoices', 'Tmpl Co'); END"), quoted).map((f) => f.severity)).toEqual(['failure']);
    expect(scanTemplateNames('SELECT 1 FROM tmpl.invoices', quoted)).toEqual([]);
  });
});

describe('judgeIsolation', () => {
  const tenant: SchemaCatalog = {
    schema: 'acme',
    objects: [
      { kind: 'column', name: 'invoices.note', attributes: { default: "'see tmpl.invoices docs'::text", comment: 'copied from tmpl.invoices' } },
      { kind: 'function', name: 'f()', attributes: { definition: fn("BEGIN EXECUTE format('SELECT 1 FROM %I.invoices', 'tmpl'); END"), config: null } },
    ],
  };
  const template: SchemaCatalog = {
    schema: 'tmpl',
    objects: [{ kind: 'column', name: 'invoices.note', attributes: { default: "'see tmpl.invoices docs'::text", comment: null } }],
  };
  it('fails on what runs against the template and notes data both sides share; comments are prose', () => {
    const { failures, notes } = judgeIsolation(tenant, names, template);
    expect(failures).toEqual([{ kind: 'isolation', object: 'function f()', detail: "definition the template schema's name, used as a name: 'tmpl'" }]);
    expect(notes).toHaveLength(1);
    expect(notes[0]?.object).toBe('column invoices.note');
    expect(notes[0]?.detail).toContain('the template holds the same text here');
  });
});
