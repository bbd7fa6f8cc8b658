/**
 * PostgreSQL highlighting for Monaco, driven by the engine's own scanner
 * (core/sql/line-tokens.ts runs SqlScanner line by line): the tokens
 * provider's state carries what is still open at the end of a line (block
 * comment with its nesting depth, dollar quote with its tag, string, quoted
 * identifier, COPY data), so multi-line bodies highlight as the engine reads
 * them. Keywords come from the engine's keyword table (core/sql/keywords.ts).
 */
import type * as MonacoApi from 'monaco-editor';
import { isKeyword } from '../../../core/sql/keywords';
import { scanLine, type LineOpen } from '../../../core/sql/line-tokens';
import { T } from '../../../core/sql/scanner';

class LineState implements MonacoApi.languages.IState {
  constructor(readonly open: LineOpen) {}
  clone(): LineState {
    return new LineState({ ...this.open });
  }
  equals(other: MonacoApi.languages.IState): boolean {
    return other instanceof LineState && JSON.stringify(other.open) === JSON.stringify(this.open);
  }
}

/** Monaco's scope for a scanner token code. */
const SCOPES: Record<number, string> = {
  [T.whitespace]: '',
  [T.lineComment]: 'comment',
  [T.blockComment]: 'comment',
  [T.identifier]: 'identifier',
  [T.quotedIdentifier]: 'identifier.quoted',
  [T.string]: 'string',
  [T.escapeString]: 'string',
  [T.bitString]: 'string',
  [T.unicodeString]: 'string',
  [T.dollarString]: 'string.dollar',
  [T.number]: 'number',
  [T.operator]: 'delimiter',
  [T.punctuation]: 'delimiter',
  [T.parameter]: 'variable',
  [T.metaCommand]: 'meta',
  [T.copyData]: 'string',
};

/** Tokenizes one line given what was open before it; tokens of one scope in a row are merged. */
export function tokenizeLine(line: string, open: LineOpen): { tokens: { startIndex: number; scopes: string }[]; open: LineOpen } {
  const scanned = scanLine(line, open);
  const tokens: { startIndex: number; scopes: string }[] = [];
  scanned.tokens.forEach((t, i) => {
    let scopes = SCOPES[t.code] ?? 'delimiter';
    if (t.code === T.identifier) {
      const end = scanned.tokens[i + 1]?.start ?? line.length;
      if (isKeyword(line.slice(t.start, end).toLowerCase())) scopes = 'keyword';
    }
    if (tokens.at(-1)?.scopes !== scopes) tokens.push({ startIndex: t.start, scopes });
  });
  return { tokens, open: scanned.open };
}

/** Registers the `pgsql` language with Monaco. */
export function registerPgsql(monaco: typeof MonacoApi): void {
  monaco.languages.register({ id: 'pgsql', extensions: ['.sql'], aliases: ['PostgreSQL'] });
  monaco.languages.setLanguageConfiguration('pgsql', {
    comments: { lineComment: '--', blockComment: ['/*', '*/'] },
    brackets: [['(', ')'], ['[', ']']],
    autoClosingPairs: [{ open: '(', close: ')' }, { open: "'", close: "'" }, { open: '"', close: '"' }],
  });
  monaco.languages.setTokensProvider('pgsql', {
    getInitialState: () => new LineState({ t: 'none' }),
    tokenize(line, state) {
      // Very long lines (COPY rows, minified SQL) are cut for highlighting only.
      const r = tokenizeLine(line.length > 20_000 ? line.slice(0, 20_000) : line, (state as LineState).open);
      return { tokens: r.tokens, endState: new LineState(r.open) };
    },
  });
}
