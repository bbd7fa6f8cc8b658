/**
 * PostgreSQL's hashtextextended(text, seed) in TypeScript: hash_bytes_extended
 * of src/common/hashfn.c (Bob Jenkins' lookup3, bytes read as little-endian
 * words, the seed mixed in first, the 64-bit result `b << 32 | c` read as a
 * signed bigint). For a deterministic collation hashtextextended hashes the
 * text's bytes in the database encoding, so over UTF-8 bytes this equals the
 * server's value in a UTF8 database. The census (core/fleet/raw-key-sql.ts)
 * hashes some of its lines here and adds them to the server's sums.
 */

const rot = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/** A little-endian 32-bit word of `k` at `i` (the caller checks i + 3 < length). */
const word = (k: Uint8Array, i: number): number => (k[i]! | (k[i + 1]! << 8) | (k[i + 2]! << 16) | (k[i + 3]! << 24)) >>> 0;

/** The internal state a, b, c (an Int32Array keeps every step in 32-bit arithmetic, as the C code's uint32). */
const st = new Int32Array(3);

/** mix(a, b, c) of hashfn.c. */
function mix(): void {
  let a = st[0]!, b = st[1]!, c = st[2]!;
  a = (a - c) | 0; a ^= rot(c, 4); c = (c + b) | 0;
  b = (b - a) | 0; b ^= rot(a, 6); a = (a + c) | 0;
  c = (c - b) | 0; c ^= rot(b, 8); b = (b + a) | 0;
  a = (a - c) | 0; a ^= rot(c, 16); c = (c + b) | 0;
  b = (b - a) | 0; b ^= rot(a, 19); a = (a + c) | 0;
  c = (c - b) | 0; c ^= rot(b, 4); b = (b + a) | 0;
  st[0] = a; st[1] = b; st[2] = c;
}

/** hashtextextended(bytes, seed) for 0 ≤ seed < 2^32, as PostgreSQL returns it (signed 64-bit). */
export function hashBytesExtended(k: Uint8Array, seed: number): bigint {
  const words = { hi: 0, lo: 0 };
  hashBytesExtendedWords(k, k.length, seed, words);
  return (BigInt(words.hi) << 32n) + BigInt(words.lo);
}

/**
 * The same hash of `k`'s first `len` bytes as two numbers, `hi` (signed 32-bit) and `lo` (unsigned): the value is
 * hi × 2^32 + lo. Sums of many hashes stay exact as two sums of numbers (up to 2^21 lines), with no bigint per line.
 */
export function hashBytesExtendedWords(k: Uint8Array, length: number, seed: number, out: { hi: number; lo: number }): void {
  let len = length;
  st.fill(0x9e3779b9 + len + 3923095);
  // The seed's high word (0 here) would go to a, its low word to b; then one mix.
  if (seed !== 0) {
    st[1] = st[1]! + seed;
    mix();
  }
  let i = 0;
  while (len >= 12) {
    st[0] = st[0]! + word(k, i);
    st[1] = st[1]! + word(k, i + 4);
    st[2] = st[2]! + word(k, i + 8);
    mix();
    i += 12;
    len -= 12;
  }
  let a = st[0]!, b = st[1]!, c = st[2]!;
  // The last 11 bytes (the lowest byte of c is reserved for the length, which is not added).
  // Each byte left counts from its position: PostgreSQL's switch falls through from `case len` down to `case 1`.
  if (len >= 11) c = (c + (k[i + 10]! << 24)) | 0;
  if (len >= 10) c = (c + (k[i + 9]! << 16)) | 0;
  if (len >= 9) c = (c + (k[i + 8]! << 8)) | 0;
  if (len >= 8) b = (b + (k[i + 7]! << 24)) | 0;
  if (len >= 7) b = (b + (k[i + 6]! << 16)) | 0;
  if (len >= 6) b = (b + (k[i + 5]! << 8)) | 0;
  if (len >= 5) b = (b + k[i + 4]!) | 0;
  if (len >= 4) a = (a + (k[i + 3]! << 24)) | 0;
  if (len >= 3) a = (a + (k[i + 2]! << 16)) | 0;
  if (len >= 2) a = (a + (k[i + 1]! << 8)) | 0;
  if (len >= 1) a = (a + k[i]!) | 0;
  // final(a, b, c)
  c ^= b; c = (c - rot(b, 14)) | 0;
  a ^= c; a = (a - rot(c, 11)) | 0;
  b ^= a; b = (b - rot(a, 25)) | 0;
  c ^= b; c = (c - rot(b, 16)) | 0;
  a ^= c; a = (a - rot(c, 4)) | 0;
  b ^= a; b = (b - rot(a, 14)) | 0;
  c ^= b; c = (c - rot(b, 24)) | 0;
  // b is the high word; read as int32 it carries the sign of the signed 64-bit result.
  out.hi = b;
  out.lo = c >>> 0;
}
