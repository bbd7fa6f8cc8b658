/**
 * A typed array twice as long holding a's items: the growable lists of the
 * hot paths (region maps, reference lists) keep typed arrays so a 10 MB dump
 * creates no object per item, and double them when full.
 */
export function grown<A extends Int32Array | Uint8Array>(a: A): A {
  const b = new (a.constructor as new (length: number) => A)(Math.max(16, a.length * 2));
  b.set(a);
  return b;
}
