import { UPPER_A, UPPER_Z } from './char-codes.js';

/**
 * Whether text[start…] begins with a lower-case word, ignoring ASCII case (as
 * PostgreSQL folds unquoted names: ASCII letters only). Compares code units, no
 * allocation; the caller checks the length and what follows.
 */
export function equalsFolded(text: string, start: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    let c = text.charCodeAt(start + i);
    if (c >= UPPER_A && c <= UPPER_Z) c |= 32;
    if (c !== word.charCodeAt(i)) return false;
  }
  return true;
}
