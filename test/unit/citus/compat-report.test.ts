import { describe, expect, it } from 'vitest';
import { findCitusFindings, formatCitusFindings, hasRefusals, type CitusCompatOptions } from '../../../core/citus/compat-report.js';

const opts: CitusCompatOptions = { tenantSchema: 'acme' };

function kinds(sql: string, options = opts) {
  return findCitusFindings(sql, options).map((f) => [f.line, f.kind, f.handling]);
}

describe('findCitusFindings', () => {
  it.each([
    ['CREATE FOREIGN TABLE acme.f (a int) SERVER s;', [[1, 'foreign-table', 'refused']]],
    ['CREATE TABLE acme.child (b int) INHERITS (acme.parent);', [[1, 'inheritance', 'refused']]],
    ['ALTER TABLE acme.child INHERIT acme.parent;', [[1, 'inheritance', 'refused']]],
    ['CREATE TABLE acme.p1 PARTITION OF other.p FOR VALUES IN (1);', [[1, 'partition-elsewhere', 'refused']]],
    ['CREATE TABLE acme.p1 PARTITION OF acme.p FOR VALUES IN (1);', []],
    ['ALTER TABLE ONLY acme.p ATTACH PARTITION other.p1 FOR VALUES IN (1);', [[1, 'partition-elsewhere', 'refused']]],
    ['ALTER TABLE ONLY acme.t ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES public.countries(id);', [[1, 'foreign-key-elsewhere', 'refused']]],
    ['ALTER TABLE ONLY acme.t ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES acme.countries(id);', []],
    ['CREATE TABLE acme.t (c int REFERENCES "Shared"."Kinds"(id));', [[1, 'foreign-key-elsewhere', 'refused']]],
    ['ALTER TABLE acme.t CLUSTER ON t_pkey;', [[1, 'alter-table-form', 'refused']]],
    ['ALTER TABLE ONLY acme.t ALTER COLUMN c SET STATISTICS 500;', [[1, 'alter-table-form', 'refused']]],
    ['ALTER TABLE ONLY acme.t ALTER COLUMN c SET DEFAULT nextval(\'acme.s\'::regclass);', []],
    ['ALTER TABLE ONLY acme.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);', []],
    ['ALTER TABLE acme.t OWNER TO app;', []],
    ['ALTER TABLE acme.t ENABLE ROW LEVEL SECURITY;', []],
    ['ALTER TABLE acme.t REPLICA IDENTITY FULL;', []],
    ['ALTER TABLE acme.t RENAME TO u;', []],
    ['ALTER TABLE acme.t ALTER COLUMN a ADD GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME acme.s);', [[1, 'identity-alter', 'refused']]],
    ['CREATE TRIGGER tr BEFORE INSERT ON acme.t FOR EACH ROW EXECUTE FUNCTION acme.f();', [[1, 'trigger', 'setting']]],
    ['CREATE OR REPLACE FUNCTION acme.f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ALTER TABLE acme.t CLUSTER ON x; RETURN NEW; END $$;', []],
  ])('%s', (sql, expected) => {
    expect(kinds(sql)).toEqual(expected);
  });

  it('an identity ALTER whose CREATE TABLE is in the SQL is rewritten, with its line', () => {
    const sql = 'CREATE TABLE acme.t (\n    id integer NOT NULL\n);\n\n-- comment\nALTER TABLE acme.t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (\n    SEQUENCE NAME acme.t_id_seq\n);\n';
    expect(kinds(sql)).toEqual([[6, 'identity-alter', 'rewritten']]);
    expect(hasRefusals(findCitusFindings(sql, opts))).toBe(false);
  });

  it('a foreign key to a known reference table is accepted', () => {
    const sql = 'ALTER TABLE ONLY acme.t ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES public.countries(id);';
    expect(kinds(sql, { tenantSchema: 'acme', referenceTables: new Set(['public.countries']) })).toEqual([[1, 'foreign-key-elsewhere', 'accepted']]);
  });

  it('formats each finding with its line, and says so when there is none', () => {
    const lines = formatCitusFindings(findCitusFindings('SELECT 1;\nCREATE FOREIGN TABLE acme.f (a int) SERVER s;', opts));
    expect(lines[0]).toMatch(/^line 2: CREATE FOREIGN TABLE acme\.f/);
    expect(lines[0]).toContain('--local');
    expect(formatCitusFindings([])[0]).toMatch(/nothing/);
  });
});
