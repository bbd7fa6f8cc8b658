import { describe, expect, it } from 'vitest';
import { findSnapshotCarries } from '../../../core/verify/snapshot-carries.js';

describe('findSnapshotCarries', () => {
  it.each([
    ['owners and grants', 'CREATE TABLE s.t (a int);\nALTER TABLE s.t OWNER TO bob;\nGRANT SELECT ON TABLE s.t TO app;', { owners: true, privileges: true }],
    ['--no-owner --no-privileges', 'CREATE TABLE s.t (a int);\nALTER TABLE s.t ADD PRIMARY KEY (a);', { owners: false, privileges: false }],
    ['a REVOKE alone', 'REVOKE ALL ON SCHEMA s FROM PUBLIC;', { owners: false, privileges: true }],
    ['statements inside a function body do not count', "CREATE FUNCTION s.f() RETURNS void LANGUAGE sql AS $$ ALTER TABLE s.t OWNER TO x; GRANT ALL ON s.t TO y $$;", { owners: false, privileges: false }],
    ['words in strings and comments do not count', "-- GRANT nothing\nCOMMENT ON TABLE s.t IS 'ALTER OWNER TO x; GRANT';", { owners: false, privileges: false }],
    ['OWNER as a column name is not OWNER TO', 'ALTER TABLE s.t ADD COLUMN owner text;', { owners: false, privileges: false }],
  ])('%s', (_name, body, expected) => {
    expect(findSnapshotCarries(body)).toEqual(expected);
  });
});
