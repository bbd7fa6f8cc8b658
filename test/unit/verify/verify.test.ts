import { describe, expect, it } from 'vitest';
import { compareCatalogs, type SchemaCatalog } from '../../../core/verify/compare-catalogs.js';
import { judgeIsolation } from '../../../core/verify/judge-isolation.js';
import { scanTemplateNames } from '../../../core/verify/scan-template-names.js';
import { listSchemaNameForms, replaceSchemaName } from '../../../core/verify/schema-name-forms.js';

describe('listSchemaNameForms', () => {
  it.each([
    ['acme', 'acme', ['"acme"', "'acme'", 'acme']],
    ['Acme Corp', '"Acme Corp"', ['"Acme Corp"', "'Acme Corp'"]],
    ['select', '"select"', ['"select"', "'select'", 'select']],
    ["o'neil", `"o'neil"`, [`'o''neil'`, `"o''neil"`, `"o'neil"`]],
    ['tenant_日本', '"tenant_日本"', ['"tenant_日本"', "'tenant_日本'"]],
  ])('%s', (name, canonical, patterns) => {
    const forms = listSchemaNameForms(name);
    expect(forms.canonical).toBe(canonical);
    expect(forms.patterns).toEqual(patterns);
  });
});

describe('replaceSchemaName', () => {
  it.each([
    ['acme', 'CREATE FUNCTION acme.f() RETURNS acme.t', 'CREATE FUNCTION public.f() RETURNS public.t'],
    ['acme', "nextval('acme.items_id_seq'::regclass)", "nextval('public.items_id_seq'::regclass)"],
    ['acme', 'acme_old.t, xacme.t, "acme".t', 'acme_old.t, xacme.t, public.t'],
    ['Acme Corp', `nextval('"Acme Corp".items_id_seq'::regclass)`, `nextval('public.items_id_seq'::regclass)`],
    ["o'neil", `nextval('"o''neil".s'::regclass), "o'neil".t`, `nextval('public.s'::regclass), public.t`],
    ['select', 'select * from "select".t', 'select * from public.t'],
    ['copy', 'copy.t, copy x, "copy".u', 'public.t, copy x, public.u'],
    ['tenant_日本', 'SET search_path TO \'"tenant_日本"\'', `SET search_path TO 'public'`],
    ['Acme Corp', "SET search_path TO 'Acme Corp', 'public'", "SET search_path TO 'public', 'public'"],
    ["o'neil", "SET search_path TO 'o''neil'", "SET search_path TO 'public'"],
  ])('%s: %s', (tenant, text, expected) => {
    expect(replaceSchemaName(text, tenant, 'public')).toBe(expected);
  });
  it('writes a non-plain template name quoted, in the form it replaces', () => {
    expect(replaceSchemaName('acme.t', 'acme', 'App')).toBe('"App".t');
    expect(replaceSchemaName(`nextval('"o''neil".s'::regclass), search_path TO 'o''neil'`, "o'neil", "it's")).toBe(`nextval('"it''s".s'::regclass), search_path TO 'it''s'`);
  });
});

const catalog = (schema: string, objects: SchemaCatalog['objects']): SchemaCatalog => ({ schema, objects });

describe('compareCatalogs', () => {
  const template = catalog('public', [
    { kind: 'table', name: 'items', attributes: { relkind: 'r' } },
    { kind: 'column', name: 'items.id', attributes: { type: 'integer', default: "nextval('public.items_id_seq'::regclass)" } },
    { kind: 'column', name: 'items.email', attributes: { type: 'public.citext', default: null } },
    { kind: 'function', name: 'f(public.items)', attributes: { definition: 'select 1 from public.items' } },
  ]);
  it('finds no difference in a faithful copy, extension types kept in public', () => {
    const tenant = catalog('Acme Corp', [
      { kind: 'table', name: 'items', attributes: { relkind: 'r' } },
      { kind: 'column', name: 'items.id', attributes: { type: 'integer', default: `nextval('"Acme Corp".items_id_seq'::regclass)` } },
      { kind: 'column', name: 'items.email', attributes: { type: 'public.citext', default: null } },
      { kind: 'function', name: 'f("Acme Corp".items)', attributes: { definition: 'select 1 from "Acme Corp".items' } },
    ]);
    const result = compareCatalogs(template, tenant);
    expect(result.differences).toEqual([]);
    expect(result.compared).toEqual({ table: 1, column: 2, function: 1 });
  });
  it('lists missing, extra and changed objects', () => {
    const tenant = catalog('acme', [
      { kind: 'table', name: 'items', attributes: { relkind: 'p' } },
      { kind: 'column', name: 'items.id', attributes: { type: 'integer', default: "nextval('public.items_id_seq'::regclass)" } },
      { kind: 'column', name: 'items.extra', attributes: { type: 'text', default: null } },
      { kind: 'function', name: 'f(acme.items)', attributes: { definition: 'select 1 from acme.items' } },
    ]);
    const details = compareCatalogs(template, tenant).differences.map((d) => `${d.kind} ${d.object}: ${d.detail}`);
    expect(details).toEqual([
      'table items: relkind: template r ≠ tenant p',
      'column items.email: missing in tenant "acme"',
      'column items.extra: only in tenant "acme"',
    ]);
  });
  it('canonicalises a quoted template name', () => {
    const t = catalog('public', [{ kind: 'view', name: 'v', attributes: { definition: 'SELECT * FROM "public".items' } }]);
    const n = catalog('acme', [{ kind: 'view', name: 'v', attributes: { definition: 'SELECT * FROM acme.items' } }]);
    expect(compareCatalogs(t, n).differences).toEqual([]);
  });
  it('reads a mixed-case unquoted qualifier in SQL text as the template (crosstab literal), both sides folded alike', () => {
    const view = (text: string) => [{ kind: 'view', name: 'v', attributes: { definition: `SELECT * FROM public.crosstab('SELECT a FROM ${text}.vdata'::text)` } }];
    const t = catalog('sales', view('Sales'));
    expect(compareCatalogs(t, catalog('acme', view('acme'))).differences).toEqual([]);
    expect(compareCatalogs(t, catalog('Acme Corp', view('"Acme Corp"'))).differences).toEqual([]);
    // A quoted "Sales" is another schema: still a difference.
    expect(compareCatalogs(t, catalog('acme', view('"Sales"'))).differences).toHaveLength(1);
  });
  it('leaves a keyword template name in a literal the engine kept (a setting name) as it is on both sides', () => {
    const fn = (schema: string) => [{ kind: 'function', name: 'operation()', attributes: { definition: `CREATE FUNCTION ${schema}.operation() RETURNS text AS $f$ SELECT current_setting('storage.operation', true) $f$` } }];
    const t = catalog('storage', fn('storage'));
    expect(compareCatalogs(t, catalog('acme', fn('acme'))).differences).toEqual([]);
    expect(compareCatalogs(t, catalog('Acme Corp', fn('"Acme Corp"'))).differences).toEqual([]);
    const changed = [{ kind: 'function', name: 'operation()', attributes: { definition: `CREATE FUNCTION acme.operation() RETURNS text AS $f$ SELECT current_setting('acme.operation', true) $f$` } }];
    expect(compareCatalogs(t, catalog('acme', changed)).differences).toEqual([]);
    const other = [{ kind: 'function', name: 'operation()', attributes: { definition: `CREATE FUNCTION acme.operation() RETURNS text AS $f$ SELECT current_setting('other.operation', true) $f$` } }];
    expect(compareCatalogs(t, catalog('acme', other)).differences).toHaveLength(1);
  });
  describe('definitions round-tripped by the server', () => {
    const check = (values: string) => ({ kind: 'constraint', name: 't.c', attributes: { type: 'c', definition: `CHECK (((k)::text = ANY (${values})))` } });
    const source = check("(ARRAY['a'::character varying, 'b'::character varying])::text[]");
    const reloaded = (second: string) => check(`ARRAY[('a'::character varying)::text, ('${second}'::character varying)::text]`);
    it('lists each differing attribute with the objects as read', () => {
      const t = catalog('tpl', [source]);
      const n = catalog('acme', [reloaded('b')]);
      const result = compareCatalogs(t, n);
      expect(result.differences).toHaveLength(1);
      expect(result.mismatches).toEqual([{ attribute: 'definition', template: t.objects[0], tenant: n.objects[0] }]);
    });
    it('settles a difference when either side printed again equals the other, and keeps the difference as read otherwise', () => {
      const t = catalog('tpl', [source]);
      const same = catalog('acme', [reloaded('b')]);
      const template = new Map([[t.objects[0] as (typeof t.objects)[number], { definition: same.objects[0]?.attributes.definition ?? null }]]);
      const settled = compareCatalogs(t, same, { reparsed: { template, tenant: new Map() } });
      expect(settled.differences).toEqual([]);
      expect(settled.settled.map((d) => `${d.kind} ${d.object}`)).toEqual(['constraint t.c']);
      const other = catalog('acme', [reloaded('c')]);
      const still = compareCatalogs(t, other, { reparsed: { template, tenant: new Map() } });
      expect(still.settled).toEqual([]);
      expect(still.differences.map((d) => d.detail)).toEqual([
        `definition: template CHECK (((k)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))) ≠ tenant CHECK (((k)::text = ANY (ARRAY[('a'::character varying)::text, ('c'::character varying)::text])))`,
      ]);
    });
  });
});

describe('isolation', () => {
  const template = { schema: 'public', own: new Set(['items', 'items_id_seq', 'touch']), shared: new Set(['uuid_generate_v4', 'citext']) };
  const failures = (text: string, tenant?: string) =>
    scanTemplateNames(text, { ...template, ...(tenant === undefined ? {} : { tenant }) })
      .filter((f) => f.severity === 'failure')
      .map((f) => f.text);
  it('finds qualified references to the template own objects only', () => {
    expect(failures('insert into public.items select public.uuid_generate_v4(), x::public.citext')).toEqual(['public.items']);
    expect(failures(`nextval('public.items_id_seq'::regclass)`)).toEqual([`'public.items_id_seq'::regclass`]);
    expect(failures('"public"."items" public_items.x')).toEqual(['"public"."items"']);
  });
  it('sees a search_path naming the template', () => {
    expect(failures("CREATE FUNCTION acme.f() RETURNS int LANGUAGE sql SET search_path TO 'public', 'pg_temp' AS $$ SELECT 1 $$")).toHaveLength(1);
    expect(failures("CREATE FUNCTION acme.f() RETURNS int LANGUAGE sql SET search_path TO 'acme', 'pg_temp' AS $$ SELECT 1 $$")).toEqual([]);
    expect(scanTemplateNames("CREATE FUNCTION a.f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN perform set_config('search_path', 'app_public, public', true); END $$", { ...template, schema: 'app_public' }).map((f) => f.severity)).toEqual(['failure']);
    expect(scanTemplateNames('search_path="Acme Corp", public', { ...template, schema: 'Acme Corp' }).map((f) => f.severity)).toEqual(['failure']);
    expect(failures('search_path="Acme Corp", public', 'Acme Corp')).toEqual([]);
    expect(failures('search_path=public, "Acme Corp"', 'Acme Corp')).toHaveLength(1);
  });
  it('reports each tenant object that reaches back', () => {
    const tenant = catalog('acme', [
      { kind: 'function', name: 'touch()', attributes: { definition: 'update public.items set x = 1', config: null } },
      { kind: 'function', name: 'ok()', attributes: { definition: 'select public.uuid_generate_v4()', config: 'search_path=acme, public' } },
      { kind: 'function', name: 'bad()', attributes: { definition: 'select 1', config: 'search_path=public' } },
      { kind: 'column', name: 'items.token', attributes: { comment: 'rotate with public.touch()' } },
    ]);
    const { failures: diffs, notes } = judgeIsolation(tenant, template);
    expect(diffs.map((d) => d.object)).toEqual(['function touch()', 'function bad()']);
    expect(diffs[0]?.detail).toContain('public.items');
    expect(notes).toEqual([]);
  });
});
