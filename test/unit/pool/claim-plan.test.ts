import { describe, expect, it } from 'vitest';
import { planClaim, renderPieces } from '../../../core/pool/claim-plan.js';

const body = (p: string): string => `
SET check_function_bodies = false;
CREATE SCHEMA ${p};
CREATE TABLE ${p}.t (id integer NOT NULL, label text DEFAULT 'plain');
CREATE SEQUENCE ${p}.t_id_seq;
ALTER TABLE ONLY ${p}.t ALTER COLUMN id SET DEFAULT nextval('${p}.t_id_seq'::regclass);
ALTER TABLE ONLY ${p}.t ALTER COLUMN label SET DEFAULT '${p}';
CREATE FUNCTION ${p}.f() RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT count(*) FROM ${p}.t); END $$;
CREATE FUNCTION ${p}.g() RETURNS integer LANGUAGE sql SET search_path TO ${p}, pg_catalog AS 'SELECT 1';
CREATE OR REPLACE FUNCTION ${p}.h() RETURNS integer LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM ${p}.t; END;
CREATE FUNCTION ${p}.plain() RETURNS integer LANGUAGE sql AS 'SELECT 1';
CREATE VIEW ${p}.v AS SELECT id FROM ${p}.t;
CREATE VIEW ${p}.v2 AS SELECT '${p}'::text AS home;
CREATE TRIGGER tr AFTER INSERT ON ${p}.t FOR EACH ROW EXECUTE FUNCTION ${p}.f('${p}.t');
CREATE TRIGGER tr2 AFTER INSERT ON ${p}.t FOR EACH ROW EXECUTE FUNCTION ${p}.f();
COMMENT ON TABLE ${p}.t IS 'rows of ${p}';
COMMENT ON TABLE ${p}.v IS 'plain';
ALTER FUNCTION ${p}.plain() SET search_path = ${p};
SELECT pg_catalog.setval('${p}.t_id_seq', 5, true);
GRANT USAGE ON SCHEMA ${p} TO app;
GRANT SELECT ON TABLE ${p}.t TO app;
ALTER DEFAULT PRIVILEGES IN SCHEMA ${p} GRANT SELECT ON TABLES TO app;
`;

describe.each(['#{prefix}', '__tenant__'])('planClaim with placeholder %s', (p) => {
  const raw = planClaim(body(p), p);
  // Rendering with the placeholder itself gives the planned statements back in placeholder form.
  const plan = { ...raw, claim: renderPieces(body(p), p, raw.claim, () => p), build: renderPieces(body(p), p, raw.build, () => p) };

  it('rewrites what stores the name as text, and nothing stored by OID', () => {
    expect(plan.rewrites.map((r) => r.kind)).toEqual(['default', 'function', 'function', 'view', 'trigger', 'comment', 'function-setting']);
    expect(plan.claim).toContain(`CREATE OR REPLACE FUNCTION ${p}.f()`);
    expect(plan.claim).toContain(`CREATE OR REPLACE FUNCTION ${p}.g()`);
    expect(plan.claim).toContain(`CREATE OR REPLACE VIEW ${p}.v2`);
    expect(plan.claim).toContain(`CREATE OR REPLACE TRIGGER tr AFTER`);
    expect(plan.claim).toContain(`ALTER TABLE ONLY ${p}.t ALTER COLUMN label SET DEFAULT '${p}';`);
    expect(plan.claim).not.toContain('nextval');
    expect(plan.claim).not.toContain(`${p}.h()`);
    expect(plan.claim).not.toContain('tr2');
    expect(plan.claim).not.toContain('setval');
    expect(plan.claim).not.toContain(`VIEW ${p}.v AS`);
    expect(plan.unsupported).toEqual([]);
  });

  it('moves grants from building to claiming', () => {
    expect(plan.deferredGrants).toBe(3);
    expect(plan.build).not.toContain('GRANT');
    expect(plan.claim).toContain(`GRANT USAGE ON SCHEMA ${p} TO app;`);
    expect(plan.claim).toContain(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${p} GRANT SELECT ON TABLES TO app;`);
    expect(plan.build).toContain(`CREATE OR REPLACE FUNCTION ${p}.h()`);
    expect(plan.build).toContain('setval');
  });

  it('renders each occurrence with the name for its offset', () => {
    const offsets: number[] = [];
    const text = renderPieces(body(p), p, raw.claim, (offset) => {
      offsets.push(offset);
      return body(p).slice(offset, offset + p.length) === p ? 'acme' : 'WRONG';
    });
    expect(text).not.toContain(p);
    expect(text).not.toContain('WRONG');
    expect(text).toContain("CREATE OR REPLACE TRIGGER tr AFTER INSERT ON acme.t FOR EACH ROW EXECUTE FUNCTION acme.f('acme.t');");
    expect(offsets.length).toBe(text.split('acme').length - 1);
  });

  it('also rewrites what the snapshot itself says is kept as text', () => {
    const sql = `CREATE TABLE ${p}.t (id int);\nCOMMENT ON TABLE ${p}.t IS 'x';\n`;
    const second = sql.indexOf(p, sql.indexOf('COMMENT'));
    const flagged = planClaim(sql, p, { storedAsText: (offset) => offset === second });
    expect(flagged.rewrites.map((r) => r.kind)).toEqual(['comment']);
    expect(planClaim(sql, p).rewrites).toEqual([]);
  });

  it('reports statements it cannot rewrite in place', () => {
    const bad = planClaim(`CREATE TABLE ${p}.x (note text CHECK (note <> '${p}'));\nCREATE MATERIALIZED VIEW ${p}.m AS SELECT '${p}' AS s;\n`, p);
    expect(bad.unsupported.map((u) => u.line)).toEqual([1, 2]);
    expect(bad.unsupported[0]?.excerpt).toContain('CREATE TABLE');
  });
});
