// Rails structure.sql ends with SET search_path TO "$user", public; and unqualified INSERTs into schema_migrations:
// offline templating carries them into the tenant's own ledger instead of writing a snapshot containment refuses.
import { describe, expect, it } from 'vitest';
import { findRefusedStatements } from '../../../core/snapshot/containment.js';
import { findRailsTrailer } from '../../../core/snapshot/rails-trailer.js';
import { renderProvisioningSql } from '../../../core/snapshot/render.js';
import { createSnapshot } from '../../../core/snapshot/template.js';

const head = [
  "SELECT pg_catalog.set_config('search_path', '', false);",
  'CREATE TABLE public.schema_migrations (version character varying NOT NULL);',
  'CREATE TABLE public.ar_internal_metadata (key character varying NOT NULL, value character varying);',
  'CREATE TABLE public.users (id bigint);',
  '',
].join('\n');
const trailer = ['SET search_path TO "$user", public;', '', 'INSERT INTO "schema_migrations" (version) VALUES', "('20220525122759'),", "('20220526101535');", '', ''].join('\n');

describe('Rails ledger trailer', () => {
  it('is qualified into the tenant, its SET stripped and reported, and the snapshot passes containment', () => {
    const { snapshot, report } = createSnapshot(head + trailer, { schema: 'public' });
    expect(report.refused).toEqual([]);
    const set = report.stripped.find((s) => s.reason.startsWith('Rails structure.sql trailer'));
    expect(set?.text).toBe('SET search_path TO "$user", public;');
    expect(set?.line).toBe(5);
    expect(set?.reason).toMatch(/2 ledger rows .* public\.schema_migrations/);
    expect(findRefusedStatements(snapshot.body, { placeholder: '#{prefix}', sessionSettings: snapshot.header.sessionSettings })).toEqual([]);
    const sql = renderProvisioningSql(snapshot, 'Acme Corp');
    expect(sql).toContain(`INSERT INTO "Acme Corp"."schema_migrations" (version) VALUES\n('20220525122759'),`);
    expect(sql).not.toMatch(/SET search_path/);
    expect(sql.startsWith('CREATE SCHEMA "Acme Corp";\n')).toBe(true);
  });

  it('qualifies ar_internal_metadata inserts too, with a quoted template name', () => {
    const dump = head.replaceAll('public.', '"T pl".') + 'SET search_path = "T pl";\nINSERT INTO schema_migrations (version) VALUES (\'1\');\nINSERT INTO "ar_internal_metadata" (key, value) VALUES (\'environment\', \'production\');\n';
    const found = findRailsTrailer(dump, 'T pl');
    expect(found?.tables).toEqual(['schema_migrations', 'ar_internal_metadata']);
    expect(found?.rows).toBe(2);
    expect(found?.sql.split('\n').length).toBe(dump.split('\n').length);
    expect(found?.sql).toContain('INSERT INTO "T pl".schema_migrations (version)');
    expect(found?.sql).toContain('INSERT INTO "T pl"."ar_internal_metadata" (key, value)');
  });

  it.each([
    ['a search_path without the template', head + trailer.replace('"$user", public', 'other')],
    ['a statement after the inserts', head + trailer + 'UPDATE schema_migrations SET version = 1;\n'],
    ['an insert into a table that is not a ledger', head + 'SET search_path TO public;\nINSERT INTO users (id) VALUES (1);\n'],
    ['a qualified insert', head + 'SET search_path TO public;\nINSERT INTO other.schema_migrations (version) VALUES (1);\n'],
    ['a ledger the dump does not create in the template', head.replace('public.schema_migrations', 'other.schema_migrations') + trailer],
  ])('is left alone (and refused by containment) with %s', (_what, dump) => {
    expect(findRailsTrailer(dump, 'public')).toBeUndefined();
    expect(createSnapshot(dump, { schema: 'public' }).report.refused.length).toBeGreaterThan(0);
  });

  it('is not taken from inside a function body', () => {
    const dump = head + 'CREATE FUNCTION public.f() RETURNS void LANGUAGE sql AS $$\n' + trailer + '$$;\n';
    const { report, snapshot } = createSnapshot(dump, { schema: 'public' });
    expect(report.stripped.some((s) => s.reason.startsWith('Rails'))).toBe(false);
    expect(snapshot.body).toContain('SET search_path TO "$user", #{prefix};');
  });
});

describe("pg_dump --clean's placeholder views", () => {
  it('are stripped with their DROP VIEW, so the CREATE VIEW further on does not fail', () => {
    const dump = [
      'CREATE OR REPLACE VIEW public.v AS\nSELECT\n    NULL::uuid AS id,\n    NULL::numeric(10,2) AS n;',
      'DROP VIEW IF EXISTS public.v;',
      'CREATE OR REPLACE VIEW public.w AS\nSELECT\n    NULL::uuid AS id;',
      'CREATE VIEW public.v AS\nSELECT\n    NULL::uuid AS id,\n    NULL::numeric(10,2) AS n;',
      'CREATE OR REPLACE VIEW public.v AS SELECT id, n FROM public.t;',
      '',
    ].join('\n');
    const { snapshot, report } = createSnapshot(dump, { schema: 'public' });
    expect(report.stripped.map((s) => s.line)).toEqual([1, 5]);
    expect(report.stripped[0]?.reason).toMatch(/placeholder for a view/);
    // No DROP VIEW for w: it stays (it is no placeholder of pg_dump --clean).
    expect(snapshot.body).toContain('CREATE OR REPLACE VIEW #{prefix}.w AS');
    expect(snapshot.body.match(/VIEW #\{prefix\}\.v/g)?.length).toBe(2);
  });
});
