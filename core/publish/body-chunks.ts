/**
 * Where create_tenant cuts the rendered body into pieces it EXECUTEs one after
 * another, in the same transaction. One EXECUTE of the whole body keeps every
 * statement's parse and plan memory until the end (SPI frees it per call, not
 * per statement): at 100–400 tables that was 15–30% more server CPU than the
 * floor running the same text as one simple query, mostly the kernel handing
 * the backend fresh pages. EXECUTEs of 64 statements each cost what the floor
 * does (measured: 0.96–0.97x).
 *
 * The cuts are statement starts in the placeholder body, found by the SQL
 * lexer at publish time and sealed with the row, as UTF-8 byte offsets with
 * the number of placeholder occurrences before each. They apply to a name that
 * reads the same in every placeholder context (render_text's fast path):
 * create_tenant cuts the placeholder body there and renders each piece with
 * one replace() just before running it (no placeholder spans a cut). Any other
 * name runs the body rendered whole in one EXECUTE.
 */
import { splitStatements } from '../sql/split-statements.js';
import { utf8Length } from '../snapshot/sha256.js';

/** Statements per EXECUTE. */
export const STATEMENTS_PER_CHUNK = 64;

export interface BodyChunks {
  /** UTF-8 bytes of the placeholder body. */
  bytes: number;
  /** Placeholder occurrences in the body. */
  occurrences: number;
  /** Each cut: [byte offset in the placeholder body, placeholder occurrences before it]. */
  points: [number, number][];
}

/** The cuts of `body`, or undefined when it is run whole (few statements, data or meta-commands, a placeholder the lexer could read as part of SQL). */
export function planBodyChunks(body: string, placeholder: string): BodyChunks | undefined {
  // A placeholder of word characters could read as a keyword (BEGIN ATOMIC), one with ';' as a statement end.
  if (placeholder.includes(';') || /^\w+$/.test(placeholder)) return undefined;
  const statements = splitStatements(body);
  if (statements.length <= STATEMENTS_PER_CHUNK || statements.some((s) => s.kind !== 'sql')) return undefined;
  const occurrences: number[] = [];
  for (let at = body.indexOf(placeholder); at !== -1; at = body.indexOf(placeholder, at + placeholder.length)) occurrences.push(at);
  const points: [number, number][] = [];
  let bytes = 0;
  let from = 0;
  let before = 0;
  for (let i = STATEMENTS_PER_CHUNK; i < statements.length; i += STATEMENTS_PER_CHUNK) {
    const cut = (statements[i] as { start: number }).start;
    while (before < occurrences.length && (occurrences[before] as number) < cut) before++;
    // An occurrence across the cut would shift it by a part of the name: run whole (cannot happen with the checks above).
    if (before > 0 && (occurrences[before - 1] as number) + placeholder.length > cut) return undefined;
    bytes += utf8Length(body.slice(from, cut));
    from = cut;
    points.push([bytes, before]);
  }
  return { bytes: bytes + utf8Length(body.slice(from)), occurrences: occurrences.length, points };
}
