// A template that is the public schema carries PostgreSQL's stock ownership and
// comment; tenants must not inherit them (a non-superuser could not even run the OWNER TO).
import { describe, expect, it } from 'vitest';
import { renderSnapshot } from '../../../core/snapshot/render.js';
import { createSnapshot } from '../../../core/snapshot/template.js';

const dump = [
  "COMMENT ON SCHEMA public IS 'standard public schema';",
  'ALTER SCHEMA public OWNER TO pg_database_owner;',
  'CREATE TABLE public.t (id integer);',
  'ALTER TABLE public.t OWNER TO app;',
  '',
].join('\n');

describe('public schema as the template', () => {
  it("strips the stock comment and the pg_database_owner ownership, and reports both", () => {
    const { snapshot, report } = createSnapshot(dump, { schema: 'public' });
    const sql = renderSnapshot(snapshot, 'acme');
    expect(sql).not.toMatch(/standard public schema/);
    expect(sql).not.toMatch(/pg_database_owner/);
    expect(sql).toMatch(/CREATE TABLE acme\.t/);
    expect(sql).toMatch(/ALTER TABLE acme\.t OWNER TO app;/);
    expect(report.stripped.map((s) => s.reason).join('\n')).toMatch(/stock comment[\s\S]*pg_database_owner/);
  });

  it('keeps a comment or an owner that someone chose', () => {
    const own = "COMMENT ON SCHEMA public IS 'our app';\nALTER SCHEMA public OWNER TO app;\n";
    const sql = renderSnapshot(createSnapshot(own, { schema: 'public' }).snapshot, 'acme');
    expect(sql).toMatch(/COMMENT ON SCHEMA acme IS 'our app';/);
    expect(sql).toMatch(/ALTER SCHEMA acme OWNER TO app;/);
  });

  it('leaves another schema\'s stock-looking statements alone', () => {
    const other = "COMMENT ON SCHEMA tmpl IS 'standard public schema';\nALTER SCHEMA public OWNER TO pg_database_owner;\n";
    const sql = renderSnapshot(createSnapshot(other, { schema: 'tmpl' }).snapshot, 'acme');
    expect(sql).toMatch(/COMMENT ON SCHEMA acme IS 'standard public schema';/);
    expect(sql).toMatch(/ALTER SCHEMA public OWNER TO pg_database_owner;/);
  });
});
