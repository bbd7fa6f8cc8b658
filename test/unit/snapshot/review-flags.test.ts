/**
 * Which references need a human decision: names in pg_dump's own header
 * comments are machine-written and safe (replaced, not flagged); names in
 * comments people wrote and in dynamic SQL stay flagged.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findSchemaReferences } from '../../../core/snapshot/references.js';
import { renderSnapshot } from '../../../core/snapshot/render.js';
import { createSnapshot } from '../../../core/snapshot/template.js';
import { CORPUS_DIR, HAS_CORPUS, corpusSuite } from '../corpus.js';


describe('pg_dump header comments do not need review', () => {
  it.each<[string, string]>([
    ['object header', '-- Name: users; Type: TABLE; Schema: tmpl; Owner: -'],
    ['object header with an owner', '-- Name: users; Type: TABLE; Schema: tmpl; Owner: app_owner'],
    ['data header', '-- Data for Name: users; Type: TABLE DATA; Schema: tmpl; Owner: -'],
    ['schema comment header', '-- Name: SCHEMA tmpl; Type: COMMENT; Schema: -; Owner: -'],
    ['schema header', '-- Name: tmpl; Type: SCHEMA; Schema: -; Owner: -'],
    ['header with a tablespace', '-- Name: users; Type: TABLE; Schema: tmpl; Owner: -; Tablespace: '],
    ['qualified name in a header', '-- Name: FUNCTION f(x tmpl.mood); Type: ACL; Schema: tmpl; Owner: -'],
    ['CRLF line end', '-- Name: users; Type: TABLE; Schema: tmpl; Owner: -\r'],
  ])('%s', (_name, header) => {
    const sql = `--\n${header}\n--\n\nCREATE TABLE tmpl.users (id int);\n`;
    const refs = findSchemaReferences(sql, { schema: 'tmpl' });
    const comments = refs.filter((r) => r.kind === 'comment');
    expect(comments.length).toBeGreaterThan(0);
    expect(comments.every((r) => !r.needsReview && r.line === 2)).toBe(true);
    const { snapshot, report } = createSnapshot(sql, { schema: 'tmpl' });
    expect(report.flagged).toEqual([]);
    expect(snapshot.header.counts.flagged).toBe(0);
    expect(report.warnings.some((w) => /need review/.test(w))).toBe(false);
    // Still replaced: the rendered header names the tenant.
    const out = renderSnapshot(snapshot, 'acme');
    expect(out.split('\n')[1]).toBe(header.replace(/tmpl/g, 'acme'));
    // And still replaced but not left alone by --skip-flagged (nothing is flagged).
    expect(createSnapshot(sql, { schema: 'tmpl', skipFlagged: true }).report.skipped).toEqual([]);
  });
});

describe('comments people wrote and dynamic SQL still need review', () => {
  it.each<[string, string]>([
    ['a free-text comment', '-- see tmpl.users for the list'],
    ['a partial header', '-- Schema: tmpl;'],
    ['a header-like line without Owner', '-- Name: users; Type: TABLE; Schema: tmpl; by hand'],
    ['a block comment shaped like a header', '/* Name: users; Type: TABLE; Schema: tmpl; Owner: - */'],
    ['text before the header', '-- note: Name: users; Type: TABLE; Schema: tmpl; Owner: -'],
  ])('%s', (_name, comment) => {
    const sql = `${comment}\nCREATE TABLE tmpl.users (id int);\n`;
    const refs = findSchemaReferences(sql, { schema: 'tmpl' });
    const comments = refs.filter((r) => r.kind === 'comment');
    expect(comments.length).toBeGreaterThan(0);
    expect(comments.every((r) => r.needsReview)).toBe(true);
    expect(createSnapshot(sql, { schema: 'tmpl' }).report.flagged.length).toBe(comments.length);
  });

  it('dynamic SQL next to a header stays flagged while the header is not', () => {
    const sql = [
      '--',
      '-- Name: f(); Type: FUNCTION; Schema: tmpl; Owner: -',
      '--',
      '',
      "CREATE FUNCTION tmpl.f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'truncate tmpl.t'; -- Name: x; Type: TABLE; Schema: tmpl; Owner: -",
      'END $$;',
    ].join('\n');
    const refs = findSchemaReferences(sql, { schema: 'tmpl' });
    expect(refs.map((r) => [r.line, r.kind, r.needsReview])).toEqual([
      [2, 'comment', false],
      [5, 'identifier', false],
      [5, 'dynamic-sql', true],
      // Inside a function body the comment is kept in prosrc: someone wrote it there, so it is reviewed.
      [5, 'comment', true],
    ]);
  });

  it.skipIf(!HAS_CORPUS)(corpusSuite('a corpus dump flags only what people wrote'), () => {
    const sql = readFileSync(join(CORPUS_DIR, 'pagila.sql'), 'utf8');
    const refs = findSchemaReferences(sql, { schema: 'public' });
    const headers = refs.filter((r) => r.kind === 'comment' && /^-- (?:Data for )?Name: /.test(r.context));
    expect(headers.length).toBeGreaterThan(100);
    expect(headers.every((r) => !r.needsReview)).toBe(true);
    for (const r of refs.filter((x) => x.needsReview)) expect(r.kind === 'dynamic-sql' || !/^-- (?:Data for )?Name: .*; Owner: /.test(r.context)).toBe(true);
  });
});
