/** Pure helpers of the renderer: the PostgreSQL line tokenizer for Monaco and tenant-name parsing. */
import { describe, expect, it } from 'vitest';
import { tokenizeLine } from '../../../renderer/src/monaco/pgsql-language.js';
import { parseTenantNames } from '../../../renderer/src/lib/tenant-names.js';

type Open = Parameters<typeof tokenizeLine>[1];

/** Tokenizes lines in sequence, carrying the open construct from line to line. */
function scopesOf(lines: string[]): string[][] {
  let open: Open = { t: 'none' };
  return lines.map((line) => {
    const r = tokenizeLine(line, open);
    open = r.open;
    return r.tokens.map((t, i) => `${line.slice(t.startIndex, r.tokens[i + 1]?.startIndex ?? line.length)}=${t.scopes}`);
  });
}

describe('pgsql tokenizer', () => {
  it('colours keywords, identifiers, strings, numbers and comments', () => {
    expect(scopesOf(["SELECT name, 'it''s' FROM t WHERE id = 42; -- note"])[0]).toEqual([
      'SELECT=keyword', ' =', 'name=keyword', ',=delimiter', ' =', "'it''s'=string", ' =', 'FROM=keyword', ' =', 't=identifier', ' =', 'WHERE=keyword', ' =', 'id=identifier', ' =', '==delimiter', ' =', '42=number', ';=delimiter', ' =', '-- note=comment',
    ]);
  });

  it('carries a dollar-quoted body across lines and closes it on its own tag only', () => {
    const lines = scopesOf(['AS $fn$', "  select '$$' from x;", '$fn$;']);
    expect(lines[0]).toEqual(['AS=keyword', ' =', '$fn$=string.dollar']);
    expect(lines[1]).toEqual(["  select '$$' from x;=string.dollar"]);
    expect(lines[2]).toEqual(['$fn$=string.dollar', ';=delimiter']);
  });

  it('nests block comments as PostgreSQL does', () => {
    const lines = scopesOf(['/* outer /* inner */ still comment', 'end */ SELECT']);
    expect(lines[0]).toEqual(['/* outer /* inner */ still comment=comment']);
    expect(lines[1]).toEqual(['end */=comment', ' =', 'SELECT=keyword']);
  });

  it('treats COPY … FROM stdin data as data until \\.', () => {
    const lines = scopesOf(['COPY t (a) FROM stdin;', "1\tit's", '\\.', 'SELECT 1;']);
    expect(lines[1]).toEqual(["1\tit's=string"]);
    expect(lines[2]).toEqual(['\\.=meta']);
    expect(lines[3]?.[0]).toBe('SELECT=keyword');
  });

  it('keeps a quoted identifier open across lines', () => {
    const lines = scopesOf(['CREATE TABLE "odd', 'name" ()']);
    expect(lines[0]?.at(-1)).toBe('"odd=identifier.quoted');
    expect(lines[1]?.[0]).toBe('name"=identifier.quoted');
  });
});

describe('tenant names from pasted text or CSV', () => {
  it.each([
    ['acme\nglobex\n\ninitech\n', ['acme', 'globex', 'initech']],
    ['name,plan\nacme,team\n"Acme Corp",free\n', ['acme', 'Acme Corp']],
    ['acme\r\nacme\r\nglobex', ['acme', 'globex']],
    ['  spaced  \n', ['spaced']],
  ])('%j → %j', (text, names) => {
    expect(parseTenantNames(text)).toEqual(names);
  });
});
