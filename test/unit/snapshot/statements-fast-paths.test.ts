/**
 * The statement pass decides most statements from a few characters (CR…/AL… plus the first letter and last letter
 * of the next word, the ending of ALTER for OWNER TO) and reads the text between pg_dump's header lines only when it
 * must. These generated statements aim at those shortcuts (verbs and object words in any case, near misses such as
 * TABLESPACEs or ALTERS, words split by comments or tabs, unusual white space before OWNER TO's role, header blocks,
 * long gaps before comments) and compare everything the pass reports, COPY statements included, with the frozen
 * previous version (baseline/statements-v2.ts) on the same region map.
 */
import { describe, expect, it } from 'vitest';
import { mapRegions } from '../../../core/sql/region-map.js';
import { findStrippableStatements } from '../../../core/snapshot/statements.js';
import { seededRandom } from '../sql/random-sql.js';
import { findStrippableStatements as findStrippableStatementsV2 } from './baseline/statements-v2.js';

const VERBS = [
  'CREATE', 'create', 'Create', 'cREATE', 'ALTER', 'alter', 'Alter', 'COMMENT', 'comment', 'COMMIT', 'COPY', 'copy', 'CR', 'cr', 'CREATEX', 'CREATE_',
  'CREAT', 'ALT', 'AL', 'ALTERS', 'ALTER1', 'ABORT', 'SET', 'set', 'SELECT', 'START', 'GRANT', 'REVOKE', 'ROLLBACK', 'BEGIN', 'END', 'DROP', 'E', 'e',
  'U', 'é', '"CREATE"', '(', 'CREATE$', 'ALTER$', 'ALTAR', 'ALXER', 'ALTEX', 'AXTER', 'BLTER', 'DLTER', 'CXEATE', 'CRxATE', 'CREAxE',
  'CREATx', 'XREATE', 'ALTER\u00a0',
];

const OBJECTS = [
  'TABLE', 'table', 'TABLES', 'TABLESPACE', 'tablespace', 'TableSpace', 'TABLESPACEs', 'TABLESPACE1', 'TABLESPACE_', 'INDEX', 'UNIQUE', 'SEQUENCE',
  'SCHEMA', 'schema', 'SCHEMAS', 'SERVER', 'SYSTEM', 'SUBSCRIPTION', 'ROLE', 'role', 'ROLES', 'USER', 'USERS', 'GROUP', 'DATABASE', 'PUBLICATION',
  'EVENT', 'LANGUAGE', 'FOREIGN', 'DEFAULT', 'EXTENSION', 'extension', 'FUNCTION', 'function', 'PROCEDURE', 'OR', 'or', 'ORx', 'ORDER', 'VIEW',
  'ON', 'on', 'TYPE', 'TRIGGER', 'DATA', 'MAPPING', 'session', 'statement_timeout', 'client_encoding', 'TRANSACTION', 'WORK', 'ALL', 'r', 'r2',
  '"TABLE"', '"Role"', "E'x'", "e'x'", "U&'x'", 'u&', "B'1'", "x'1f'", "n'x'", 'e', 'E', 'x', '1abc', '_x', 'é', 'Tablé', '$1', '$$ a; b $$',
  'pg_catalog.set_config(\'search_path\', \'\', false)',
];

const TAILS = [
  'public.t', 'public', 'tmpl', 'tmpl.t', 'ONLY', 'REPLACE', 'FUNCTION', 'OWNER TO app', 'OWNER TO "Odd Role"', 'owner\tto  x', 'Owner To X',
  'OWNER TO pg_database_owner', 'OWNER TO a\u0001b', 'OWNER\nTO\nr', 'OWNER TO\u00a0r', 'OWNER TO r\u00a0', 'OWNER TO ré', 'OWNER TO "a""b"',
  'OWNER TO', 'TO r', 'TO', 'to', 'xTO r', 'xOWNER TO r', '_owner to r', '1OWNER TO r', 'éOWNER TO r', '"x"OWNER TO r', 'OWNERTO r', 'OWNER  \t TO r',
  'OWNER\u00a0TO r', 'OWNER TO "r"x', 'OWNER TO "r" ', 'OWNER TO r\u2003', 'OWNE TO r', 'WNER TO r', 'OWNER SO r', 'OWNER TX r', 'OWNER T r', 'OWNER TO x;y', 'OWNER TO R2D2', 'OWNER TO (r)', 'ADD CONSTRAINT c PRIMARY KEY (id)', "SET DEFAULT nextval('tmpl.s'::regclass)", "DEFAULT 'a b'",
  "DEFAULT 'OWNER TO x'", 'IN SCHEMA tmpl', 'in  schema', 'GRANT SELECT ON TABLES TO r', 'BEGIN ATOMIC', 'begin\tatomic', 'BEGIN ATOMICS', 'ATOMIC',
  'SELECT 1', 'END', 'IF NOT EXISTS', 'DATA WRAPPER w', 'MAPPING FOR u', 'TRIGGER', "IS 'standard public schema'", 'IS', 'EXTENSION x',
  'SCHEMA public', 'SCHEMA tmpl', 'DATABASE d', 'ROLE r', 'TABLESPACE s', 'ISOLATION LEVEL SERIALIZABLE', 'READ ONLY', 'TRANSACTION', 'WORK',
  '= 0', "TO 'UTF8'", 'WITH SCHEMA tmpl', '"q"', '(', ')', '(a, b)', '::', ',', 'x\u2003y', 'ré', '$$ x; y $$', "'a;b'", '"c;d"',
];

const SEPARATORS = [' ', ' ', ' ', ' ', '\n', '\t', '  ', ' /* c; */ ', '/**/', '\n-- c; d\n', '\r\n', ''];

/** What may come between statements: nothing, blank lines, pg_dump headers (with `;`s), comments after long gaps, meta-commands. */
const BETWEEN = [
  '', '\n', '\n\n', '\n\n\n', '--\n-- Name: t; Type: TABLE; Schema: tmpl; Owner: -\n--\n\n', '\n\n--\n-- Name: r; Type: ROLE\n--\n\n\n',
  '/* lead; */\n', '/* a */ /* b; */ ', '-- one;\n-- two;\n', '-- c\n\n\n\n\n\n\n\n\n\n\n\n-- d;\n\n', '            \n            -- e;\n',
  '\\restrict abc\n', '\\connect db\n\n', ' ', '\t', '/* a */x/* b */ ', '/* a */ALTER/* b */ ', '-- a\nx-- b\n', '-- last line without a break',
];

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)] as T;
}

function randomStatement(random: () => number): string {
  let out = pick(random, VERBS) + pick(random, SEPARATORS) + pick(random, OBJECTS);
  const tails = Math.floor(random() * 4);
  for (let i = 0; i < tails; i++) out += pick(random, SEPARATORS) + pick(random, TAILS);
  return out + (random() < 0.3 ? pick(random, [' ', '\n', '\t', ' \r']) : '') + ';';
}

function randomDump(random: () => number, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += pick(random, BETWEEN) + randomStatement(random) + (random() < 0.7 ? '\n' : '');
  return out + (random() < 0.2 ? pick(random, BETWEEN) : '');
}

describe('statement pass shortcuts agree with the previous version', () => {
  it('on seeded generated statements aimed at the shortcuts', () => {
    const random = seededRandom(20261123);
    let compared = 0;
    for (let k = 0; k < 1500; k++) {
      const sql = randomDump(random, 1 + Math.floor(random() * 12));
      let map;
      try {
        map = mapRegions(sql);
      } catch {
        continue; // an unterminated string or comment: the map's own tests cover those
      }
      for (const options of [
        { schema: 'tmpl', stripOwner: false },
        { schema: 'public', stripOwner: true },
      ]) {
        const now = { ...options, copyStatements: [] as number[] };
        const before = { ...options, copyStatements: [] as number[] };
        const label = `dump #${k} ${JSON.stringify(options)}: ${JSON.stringify(sql)}`;
        expect(findStrippableStatements(map, now), label).toEqual(findStrippableStatementsV2(map, before));
        expect(now.copyStatements, label).toEqual(before.copyStatements);
      }
      compared++;
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('reports COPY statements the shortcut passes by', () => {
    const sql = 'COPY tmpl.t (a) FROM stdin;\nx\n\\.\n--\n-- c; d\n--\n\ncopy t from stdin;\n\\.\nCOPYING;\nCOPY_x;\n';
    const copyStatements: number[] = [];
    findStrippableStatements(mapRegions(sql), { schema: 'tmpl', stripOwner: false, copyStatements });
    expect(copyStatements).toEqual([0, sql.indexOf('copy t')]);
  });
});
