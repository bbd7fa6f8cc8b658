/**
 * planBodyChunks: the cuts create_tenant makes in the placeholder body (UTF-8 byte offsets; each piece is then
 * rendered by itself) fall exactly at statement starts, with multibyte text before the cuts, and the pieces rendered
 * for a name of any length make the body rendered whole; bodies it must run whole get no cuts.
 */
import { describe, expect, it } from 'vitest';
import { planBodyChunks, STATEMENTS_PER_CHUNK, type BodyChunks } from '../../../core/publish/body-chunks.js';
import { splitStatements } from '../../../core/sql/split-statements.js';

const P = '#{prefix}';
/** A body of n statements with placeholders, dollar-quoted bodies holding ';', and multibyte comments and literals. */
function body(n: number, placeholder = P): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 3 === 0) out.push(`-- Tabelle für Kunden ${i} 日本\nCREATE TABLE ${placeholder}.t${i} (id int, note text DEFAULT 'ü;${i}');`);
    else if (i % 3 === 1) out.push(`CREATE FUNCTION ${placeholder}.f${i}() RETURNS int LANGUAGE plpgsql AS $$ BEGIN PERFORM 1; RETURN (SELECT count(*) FROM ${placeholder}.t${i - 1}); END $$;`);
    else out.push(`COMMENT ON TABLE ${placeholder}.t${i - 2} IS 'Zähler ${placeholder}; 🎉';`);
  }
  return out.join('\n\n') + '\n';
}

/** What execute_published does with the cuts for `name`: the placeholder body cut at the byte offsets, each piece rendered. */
function cut(text: string, chunks: BodyChunks, name: string, placeholder = P): string[] {
  const enc = new TextEncoder();
  const dec = new TextDecoder('utf-8', { fatal: true });
  const bytes = enc.encode(text);
  expect(bytes.length).toBe(chunks.bytes);
  const parts: string[] = [];
  let at = 0;
  for (const [offset, before] of chunks.points) {
    // The occurrences before each cut (sealed with it) are the placeholder body's own.
    expect(dec.decode(bytes.subarray(0, offset)).split(placeholder).length - 1).toBe(before);
    parts.push(dec.decode(bytes.subarray(at, offset)));
    at = offset;
  }
  parts.push(dec.decode(bytes.subarray(at)));
  return parts.map((part) => part.split(placeholder).join(name));
}

describe('planBodyChunks', () => {
  it.each(['acme', 'a', 'tenant_with_a_much_longer_name_than_the_placeholder_0123456789'])('cuts at statement starts of the body rendered for %s', (name) => {
    const text = body(3 * STATEMENTS_PER_CHUNK + 5);
    const chunks = planBodyChunks(text, P);
    expect(chunks?.points).toHaveLength(3);
    const parts = cut(text, chunks!, name);
    expect(parts.join('')).toBe(text.split(P).join(name));
    const starts = new Set(splitStatements(text.split(P).join(name)).map((s) => s.start));
    let at = 0;
    for (const part of parts.slice(0, -1)) {
      at += part.length;
      expect(starts.has(at), `a cut at ${at} is a statement start`).toBe(true);
    }
    // Each part holds whole statements: STATEMENTS_PER_CHUNK of them, the rest in the last.
    expect(parts.map((p) => splitStatements(p).length)).toEqual([STATEMENTS_PER_CHUNK, STATEMENTS_PER_CHUNK, STATEMENTS_PER_CHUNK, 5]);
  });

  it('leaves whole a body of few statements, one with COPY data, and placeholders the lexer could read as SQL', () => {
    expect(planBodyChunks(body(STATEMENTS_PER_CHUNK), P)).toBeUndefined();
    expect(planBodyChunks(`${body(STATEMENTS_PER_CHUNK + 2)}COPY ${P}.t0 (id) FROM stdin;\n1\n\\.\n`, P)).toBeUndefined();
    expect(planBodyChunks(body(2 * STATEMENTS_PER_CHUNK, 'x;y'), 'x;y')).toBeUndefined();
    expect(planBodyChunks(body(2 * STATEMENTS_PER_CHUNK, 'atomic'), 'atomic')).toBeUndefined();
  });
});
