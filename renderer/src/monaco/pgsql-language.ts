/**
 * PostgreSQL highlighting for Monaco: a line tokenizer whose state carries
 * what is still open at the end of a line (block comment with its nesting
 * depth, dollar quote with its tag, string, quoted identifier, COPY data), so
 * multi-line bodies highlight correctly. Keywords come from the engine's own
 * keyword table (core/sql/keywords.ts).
 */
import type * as MonacoApi from 'monaco-editor';
import { isKeyword } from '../../../core/sql/keywords';

type Open = { t: 'none' } | { t: 'comment'; depth: number } | { t: 'dollar'; tag: string } | { t: 'string' } | { t: 'quoted' } | { t: 'copy' };

class LineState implements MonacoApi.languages.IState {
  constructor(readonly open: Open) {}
  clone(): LineState {
    return new LineState({ ...this.open } as Open);
  }
  equals(other: MonacoApi.languages.IState): boolean {
    return other instanceof LineState && JSON.stringify(other.open) === JSON.stringify(this.open);
  }
}

const IDENT = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/;
const NUMBER = /^(?:0[xX][0-9a-fA-F_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d+)?)/;
const DOLLAR_TAG = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/** Tokenizes one line given what was open before it. */
export function tokenizeLine(line: string, open: Open): { tokens: { startIndex: number; scopes: string }[]; open: Open } {
  const tokens: { startIndex: number; scopes: string }[] = [];
  let i = 0;
  let state = open;
  const push = (start: number, scopes: string) => {
    const last = tokens[tokens.length - 1];
    if (!last || last.scopes !== scopes) tokens.push({ startIndex: start, scopes });
  };
  if (state.t === 'copy') {
    if (line === '\\.') return { tokens: [{ startIndex: 0, scopes: 'meta' }], open: { t: 'none' } };
    return { tokens: [{ startIndex: 0, scopes: 'string' }], open: state };
  }
  while (i < line.length) {
    if (state.t === 'comment') {
      push(i, 'comment');
      let depth: number = state.depth;
      while (i < line.length && depth > 0) {
        if (line.startsWith('*/', i)) {
          depth--;
          i += 2;
        } else if (line.startsWith('/*', i)) {
          depth++;
          i += 2;
        } else i++;
      }
      state = depth > 0 ? { t: 'comment', depth } : { t: 'none' };
      continue;
    }
    if (state.t === 'dollar') {
      push(i, 'string.dollar');
      const end = line.indexOf(state.tag, i);
      if (end < 0) return { tokens, open: state };
      i = end + state.tag.length;
      state = { t: 'none' };
      continue;
    }
    if (state.t === 'string' || state.t === 'quoted') {
      const quote = state.t === 'string' ? "'" : '"';
      push(i, state.t === 'string' ? 'string' : 'identifier.quoted');
      let closed = false;
      while (i < line.length) {
        if (line[i] === quote) {
          if (line[i + 1] === quote) i += 2;
          else {
            i++;
            closed = true;
            break;
          }
        } else if (line[i] === '\\' && state.t === 'string') i += 2;
        else i++;
      }
      if (!closed) return { tokens, open: state };
      state = { t: 'none' };
      continue;
    }
    const rest = line.slice(i);
    const c = line[i] ?? '';
    if (c === ' ' || c === '\t') {
      push(i, '');
      i++;
    } else if (rest.startsWith('--')) {
      push(i, 'comment');
      return { tokens, open: state };
    } else if (rest.startsWith('/*')) {
      push(i, 'comment');
      i += 2;
      state = { t: 'comment', depth: 1 };
    } else if (c === '\\' && i === 0) {
      push(i, 'meta');
      return { tokens, open: state };
    } else if (c === "'" || (/^[eEnNbBxX]'/.test(rest) && (i += 1) > 0)) {
      state = { t: 'string' };
      push(i, 'string');
      i++;
    } else if (c === '"') {
      state = { t: 'quoted' };
      push(i, 'identifier.quoted');
      i++;
    } else if (c === '$' && DOLLAR_TAG.test(rest)) {
      const tag = DOLLAR_TAG.exec(rest)?.[0] ?? '$$';
      push(i, 'string.dollar');
      i += tag.length;
      state = { t: 'dollar', tag };
    } else if (IDENT.test(rest)) {
      const word = IDENT.exec(rest)?.[0] ?? c;
      push(i, isKeyword(word.toLowerCase()) ? 'keyword' : 'identifier');
      i += word.length;
      // COPY … FROM stdin; data follows on the next lines until \.
      if (/^stdin$/i.test(word) && /^\s*;\s*$/.test(line.slice(i)) && /^\s*COPY\b/i.test(line)) {
        push(i, 'delimiter');
        return { tokens, open: { t: 'copy' } };
      }
    } else if (/\d/.test(c) || (c === '.' && /\d/.test(line[i + 1] ?? ''))) {
      const num = NUMBER.exec(rest)?.[0] ?? c;
      push(i, 'number');
      i += Math.max(1, num.length);
    } else {
      push(i, 'delimiter');
      i++;
    }
  }
  return { tokens, open: state };
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
