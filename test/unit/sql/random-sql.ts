/** A seeded generator of SQL-ish text for property tests: real token shapes mixed with hostile fragments. */

/** Mulberry32: small, fast, deterministic. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  'select', 'FROM', 'tmpl', 'Tmpl', 'tmpl.t', '"tmpl"', '"a""b"', 'x', 'e', 'E', 'u', 'U&', 'b', 'N', 'copy', 'COPY', 'from', 'stdin', ';',
  "'s'", "'it''s'", "E'\\''", "e'a\\\\'", "U&'\\0041'", "B'01'", "X'1f'", '$$', '$$ body $$', '$a$ x $b$ y $b$ $a$', '$1', '$', 'a$b', '1$',
  '--c', '-- comment\n', '/*', '*/', '/* c */', '/* a /* b */ c */', '\\', '\\connect x\n', '\\.\n', '\n', ' ', '\t', '\r\n', '(', ')', ',', '.',
  '::', ':', '=', '+', '-', '*', '/', '<>', '1', '1.5e3', '.5', '0x1F', '1e', "'", '"', '日本', 'é', '😀', '{', '}', '#', '?', '`',
  'COPY t FROM stdin;\n1\t2\n\\.\n', 'copy t from STDIN with (format csv);\na,b\n\\.\n',
];

/** Random text of n pieces, sometimes joined without spaces so pieces fuse. */
export function randomSql(random: () => number, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) {
    out += PIECES[Math.floor(random() * PIECES.length)] ?? '';
    if (random() < 0.4) out += ' ';
  }
  return out;
}
