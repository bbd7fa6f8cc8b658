/**
 * SHA-256 of a string's UTF-8 bytes, in plain TypeScript (core/ has no
 * node:crypto and must also run in the renderer). FIPS 180-4.
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

/**
 * Lower-case hex SHA-256 of the UTF-8 encoding of text. Encodes and hashes in
 * 64 KiB chunks through one reused buffer (no copy of the whole text as bytes).
 */
export function sha256Hex(text: string): string {
  const h = initialHash();
  const w = new Int32Array(64);
  const buf = new Uint8Array(CHUNK + 8);
  const view = new DataView(buf.buffer);
  let fill = 0;
  let total = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && fill <= CHUNK - 4) {
      let c = text.charCodeAt(i++);
      if (c < 0x80) {
        buf[fill++] = c;
      } else if (c < 0x800) {
        buf[fill++] = 0xc0 | (c >> 6);
        buf[fill++] = 0x80 | (c & 63);
      } else {
        if (c >= 0xd800 && c <= 0xdfff) {
          const d = i < n ? text.charCodeAt(i) : 0;
          if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
            c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
            i++;
            buf[fill++] = 0xf0 | (c >> 18);
            buf[fill++] = 0x80 | ((c >> 12) & 63);
            buf[fill++] = 0x80 | ((c >> 6) & 63);
            buf[fill++] = 0x80 | (c & 63);
            continue;
          }
          c = 0xfffd;
        }
        buf[fill++] = 0xe0 | (c >> 12);
        buf[fill++] = 0x80 | ((c >> 6) & 63);
        buf[fill++] = 0x80 | (c & 63);
      }
    }
    const full = fill & ~63;
    for (let off = 0; off < full; off += 64) compress(h, w, view, off);
    total += full;
    buf.copyWithin(0, full, fill);
    fill -= full;
  }
  return finish(h, w, buf.subarray(0, fill), total + fill);
}

const CHUNK = 65536;

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
  for (let off = 0; off < tailLength; off += 64) compress(h, w, view, off);
  let hex = '';
  for (let k = 0; k < 8; k++) hex += ((h[k] as number) >>> 0).toString(16).padStart(8, '0');
  return hex;
}

/** Lower-case hex SHA-256 of bytes. */
export function sha256Bytes(data: Uint8Array): string {
  const h = initialHash();
  const w = new Int32Array(64);
  const full = data.length & ~63;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let off = 0; off < full; off += 64) compress(h, w, view, off);
  return finish(h, w, data.subarray(full), data.length);
}

function compress(h: Int32Array, w: Int32Array, d: DataView, off: number): void {
  for (let i = 0; i < 16; i++) w[i] = d.getInt32(off + i * 4);
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15] as number;
    const y = w[i - 2] as number;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = ((w[i - 16] as number) + s0 + (w[i - 7] as number) + s1) | 0;
  }
  let a = h[0] as number;
  let b = h[1] as number;
  let c = h[2] as number;
  let dd = h[3] as number;
  let e = h[4] as number;
  let f = h[5] as number;
  let g = h[6] as number;
  let hh = h[7] as number;
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
  h[0] = ((h[0] as number) + a) | 0;
  h[1] = ((h[1] as number) + b) | 0;
  h[2] = ((h[2] as number) + c) | 0;
  h[3] = ((h[3] as number) + dd) | 0;
  h[4] = ((h[4] as number) + e) | 0;
  h[5] = ((h[5] as number) + f) | 0;
  h[6] = ((h[6] as number) + g) | 0;
  h[7] = ((h[7] as number) + hh) | 0;
}
