/**
 * SHA-256 of a string's UTF-8 bytes, in plain TypeScript (core/ has no
 * node:crypto and must also run in the renderer), unless the host handed core
 * a native one (useSha256). FIPS 180-4. The UTF-8
 * encoding uses the runtime's TextEncoder when there is one (a web standard
 * that Node, browsers and Electron all provide), else a loop in TypeScript.
 */

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** UTF-8 bytes of a string (lone surrogates become U+FFFD, as TextEncoder does). */
export function encodeUtf8(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 3);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
      continue;
    }
    if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 63);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        out[n++] = 0xf0 | (c >> 18);
        out[n++] = 0x80 | ((c >> 12) & 63);
        out[n++] = 0x80 | ((c >> 6) & 63);
        out[n++] = 0x80 | (c & 63);
        continue;
      }
      c = 0xfffd;
    }
    out[n++] = 0xe0 | (c >> 12);
    out[n++] = 0x80 | ((c >> 6) & 63);
    out[n++] = 0x80 | (c & 63);
  }
  return out.subarray(0, n);
}

/** Number of UTF-8 bytes of a string. */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** A SHA-256 of a string's UTF-8 bytes as lower-case hex, as a host hands it to core. */
export type Sha256TextHash = (text: string) => string;

let hostSha256: Sha256TextHash | undefined;

/**
 * Lets the host hand core a native SHA-256 (the services install node:crypto's,
 * electron/services/snapshot/native-sha256.ts; core/ cannot import it), about 10x
 * faster than the TypeScript one on a snapshot body. undefined restores the
 * TypeScript one. It must give the same digests, lone surrogates encoded as
 * U+FFFD included (test/unit/snapshot/sha256-native.test.ts).
 */
export function useSha256(hash: Sha256TextHash | undefined): void {
  hostSha256 = hash;
}

/** Lower-case hex SHA-256 of the UTF-8 encoding of text: the host's hash when one was handed over, else sha256HexInTypeScript. */
export function sha256Hex(text: string): string {
  return hostSha256 ? hostSha256(text) : sha256HexInTypeScript(text);
}

/**
 * The same digest in plain TypeScript. Encodes and hashes in 64 KiB chunks
 * through one reused buffer (no copy of the whole text as bytes).
 */
export function sha256HexInTypeScript(text: string): string {
  return sha256WithEncoder(text, nativeEncoder() ?? plainEncoder);
}

/** encodeInto over encodeUtf8, for runtimes without a TextEncoder (slices never split a surrogate pair). */
const plainEncoder: Utf8Encoder = {
  encodeInto(source, destination) {
    const bytes = encodeUtf8(source);
    destination.set(bytes);
    return { read: source.length, written: bytes.length };
  },
};

const CHUNK = 65536;

/** The part of the WHATWG TextEncoder used here (core/ has no DOM or Node types). */
interface Utf8Encoder {
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}

let encoderCache: { ctor: unknown; encoder: Utf8Encoder } | undefined;

/** The runtime's TextEncoder (Node, browsers and Electron all have one), or undefined where there is none. */
function nativeEncoder(): Utf8Encoder | undefined {
  const ctor = (globalThis as { TextEncoder?: new () => Utf8Encoder }).TextEncoder;
  if (typeof ctor !== 'function') return undefined;
  if (encoderCache?.ctor !== ctor) encoderCache = { ctor, encoder: new ctor() };
  return encoderCache.encoder;
}

/**
 * The same digest, encoding with the native TextEncoder in 64 Ki-unit slices (never splitting a surrogate
 * pair; lone surrogates become U+FFFD as in the plain loop) into one reused buffer.
 */
function sha256WithEncoder(text: string, encoder: Utf8Encoder): string {
  const h = initialHash();
  const w = new Int32Array(64);
  const buf = new Uint8Array(CHUNK * 3 + 64);
  let fill = 0;
  let total = 0;
  const n = text.length;
  for (let i = 0; i < n; ) {
    let j = Math.min(n, i + CHUNK);
    // Keep a high surrogate with its low half in the next slice.
    if (j < n && (text.charCodeAt(j - 1) & 0xfc00) === 0xd800 && (text.charCodeAt(j) & 0xfc00) === 0xdc00) j--;
    const { written } = encoder.encodeInto(text.slice(i, j), buf.subarray(fill));
    fill += written;
    i = j;
    const full = fill & ~63;
    hashBlocks(h, w, buf, 0, full);
    total += full;
    buf.copyWithin(0, full, fill);
    fill -= full;
  }
  return finish(h, w, buf.subarray(0, fill), total + fill);
}

function initialHash(): Int32Array {
  return new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
}

/** Pads the last (< 64) bytes, compresses them and returns the hex digest. */
function finish(h: Int32Array, w: Int32Array, rest: Uint8Array, length: number): string {
  const tail = new Uint8Array(128);
  tail.set(rest);
  tail[rest.length] = 0x80;
  const tailLength = rest.length + 9 > 64 ? 128 : 64;
  const bits = length * 8;
  const hi = Math.floor(bits / 0x100000000);
  const lo = bits >>> 0;
  const view = new DataView(tail.buffer);
  view.setUint32(tailLength - 8, hi);
  view.setUint32(tailLength - 4, lo);
  hashBlocks(h, w, tail, 0, tailLength);
  let hex = '';
  for (let k = 0; k < 8; k++) hex += ((h[k] as number) >>> 0).toString(16).padStart(8, '0');
  return hex;
}

/** Compresses the 64-byte blocks of p[from, to) into h. */
function hashBlocks(h: Int32Array, w: Int32Array, p: Uint8Array, from: number, to: number): void {
  let h0 = h[0] as number;
  let h1 = h[1] as number;
  let h2 = h[2] as number;
  let h3 = h[3] as number;
  let h4 = h[4] as number;
  let h5 = h[5] as number;
  let h6 = h[6] as number;
  let h7 = h[7] as number;
  for (let off = from; off + 64 <= to; off += 64) {
    for (let i = 0; i < 16; i++) {
      const j = off + i * 4;
      w[i] = ((p[j] as number) << 24) | ((p[j + 1] as number) << 16) | ((p[j + 2] as number) << 8) | (p[j + 3] as number);
    }
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15] as number;
      const y = w[i - 2] as number;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = ((w[i - 16] as number) + s0 + (w[i - 7] as number) + s1) | 0;
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let dd = h3;
    let e = h4;
    let f = h5;
    let g = h6;
    let hh = h7;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + S1 + ch + (K[i] as number) + (w[i] as number)) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      hh = g;
      g = f;
      f = e;
      e = (dd + t1) | 0;
      dd = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + dd) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + hh) | 0;
  }
  h[0] = h0;
  h[1] = h1;
  h[2] = h2;
  h[3] = h3;
  h[4] = h4;
  h[5] = h5;
  h[6] = h6;
  h[7] = h7;
}
