import { describe, expect, it } from 'vitest';
import { touchesSessionState } from '../../../core/pool/touches-session.js';

describe('touchesSessionState', () => {
  it.each([
    ['CREATE TABLE s.t (id int);\nCOMMENT ON TABLE s.t IS $$SET x = 1; RESET ALL$$;', false],
    ["-- Name: t\nSELECT pg_catalog.setval('s.t_id_seq', 5, true);\nINSERT INTO s.schema_migrations VALUES ('1');", false],
    ["SET LOCAL search_path = '';\nCREATE FUNCTION s.f() RETURNS void LANGUAGE sql AS $$ SELECT set_config('a.b', 'c', false) $$;", false],
    ['CREATE TABLE s.t (id int);\nSET search_path = s;', true],
    ['/* c */ set role app;', true],
    ['RESET ALL;', true],
    ['DISCARD ALL;', true],
    ["DO $$ BEGIN PERFORM set_config('a.b', 'c', false); END $$;", true],
    ['CALL s.p();', true],
    ["SELECT set_config('search_path', '', false);", true],
    ['\\connect other\nCREATE TABLE t (id int);', true],
  ])('%s → %s', (sql, expected) => {
    expect(touchesSessionState(sql)).toBe(expected);
  });
});

describe('touchesSessionState on statements the previous splitter joined', () => {
  it('sees a session SET after a column named begin', () => {
    // The previous splitter opened a BEGIN … END block at `begin` and read the SET as part of CREATE TABLE: false.
    expect(touchesSessionState('CREATE TABLE s.t (begin int);\nSET search_path = s;')).toBe(true);
  });

  it('reads words, not text: a comment between SET and LOCAL does not hide LOCAL', () => {
    expect(touchesSessionState('SET /* c */ LOCAL search_path = s;')).toBe(false);
    expect(touchesSessionState('SELECT /* c */ pg_catalog.setval(\'s.q\', 1, true);')).toBe(false);
  });
});
