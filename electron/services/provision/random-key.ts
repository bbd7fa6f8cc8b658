/** Random keys for the guards of a tenant's transaction (transaction mark, psql `\restrict`). */
import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 32 random ASCII letters and digits (what `\restrict` accepts, and safe inside a SQL literal). */
export function randomKey(): string {
  let key = '';
  for (const byte of randomBytes(32)) key += ALPHABET[byte % ALPHABET.length];
  return key;
}
