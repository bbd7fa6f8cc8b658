/**
 * SqlScanner one line at a time, for editors that tokenize line by line
 * (Monaco's tokens provider): what is still open at the end of a line (a block
 * comment with its depth, a dollar quote with its tag, a string, a quoted
 * identifier, COPY data) is carried to the next line, which is scanned behind
 * a prefix that reopens it. The same scanner as templating and validation, so
 * the editor colours what the engine reads.
 */
import { TenantryError } from '../errors.js';
import { SqlScanner, T } from './scanner.js';

/** What a line leaves open for the next one. */
export type LineOpen =
  | { t: 'none' }
  | { t: 'comment'; depth: number }
  | { t: 'dollar'; tag: string }
  | { t: 'string'; escape: boolean }
  | { t: 'quoted' }
  | { t: 'copy' };

/** A token of a line: where it starts in the line and its scanner code (T.*). */
export interface LineToken {
  start: number;
  code: number;
}

/** The text that reopens a construct; the line break after it keeps the line's first character from joining it (`''`). */
function prefixOf(open: LineOpen): string {
  switch (open.t) {
    case 'comment':
      return `${'/*'.repeat(open.depth)}\n`;
    case 'dollar':
      return `${open.tag}\n`;
    case 'string':
      return open.escape ? "E'\n" : "'\n";
    case 'quoted':
      return '"\n';
    default:
      return '';
  }
}

/** Scans one line given what the lines before left open. */
export function scanLine(line: string, open: LineOpen): { tokens: LineToken[]; open: LineOpen } {
  if (open.t === 'copy') {
    const isEnd = line === '\\.' || line === '\\.\r';
    return { tokens: [{ start: 0, code: isEnd ? T.metaCommand : T.copyData }], open: isEnd ? { t: 'none' } : open };
  }
  const prefix = prefixOf(open);
  const text = prefix + line;
  const shift = prefix.length;
  const tokens: LineToken[] = [];
  const scanner = new SqlScanner(text);
  const push = (start: number, code: number): void => {
    const at = Math.max(0, start - shift);
    if (at < line.length || tokens.length === 0) tokens.push({ start: at, code });
  };
  try {
    for (let code = scanner.next(); code !== -1; code = scanner.next()) {
      if (scanner.end > shift) push(scanner.start, code);
    }
  } catch (error) {
    if (!(error instanceof TenantryError)) throw error;
    const left = openAt(text, scanner.start);
    push(scanner.start, codeOf(left, text, scanner.start));
    return { tokens, open: left };
  }
  return { tokens, open: scanner.copyState === 4 ? { t: 'copy' } : { t: 'none' } };
}

/** The construct the scanner found unterminated at start. */
function openAt(text: string, start: number): LineOpen {
  const c = text[start] ?? '';
  if (c === '/') return { t: 'comment', depth: commentDepth(text, start) };
  if (c === '$') return { t: 'dollar', tag: /^\$[^$]*\$/.exec(text.slice(start))?.[0] ?? '$$' };
  if (c === '"') return { t: 'quoted' };
  if ((c === 'U' || c === 'u') && text[start + 2] === '"') return { t: 'quoted' };
  return { t: 'string', escape: c === 'E' || c === 'e' };
}

function codeOf(open: LineOpen, text: string, start: number): number {
  if (open.t === 'comment') return T.blockComment;
  if (open.t === 'dollar') return T.dollarString;
  if (open.t === 'quoted') return T.quotedIdentifier;
  const c = text[start] ?? '';
  return c === 'B' || c === 'b' || c === 'X' || c === 'x' ? T.bitString : T.string;
}

/** How deep block comments are still nested at the end of text, from the `/*` at start. */
function commentDepth(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length - 1; i++) {
    if (text.startsWith('/*', i)) {
      depth++;
      i++;
    } else if (text.startsWith('*/', i)) {
      depth--;
      i++;
    }
  }
  return Math.max(1, depth);
}
