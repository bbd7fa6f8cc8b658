/** The web-mode client's JSON reading (renderer/src/api/read-json.ts): sliced, decoded across chunk boundaries, parsed whole. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readJson } from '../../../renderer/src/api/read-json.js';

/** A Response whose body arrives in chunks of `size` bytes. */
function chunked(text: string, size: number): Response {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new Response(
    new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(at, at + size));
        at += size;
      },
    }),
  );
}

describe('readJson', () => {
  afterEach(() => vi.restoreAllMocks());

  it('decodes characters split across chunks (3-byte chunks of multi-byte UTF-8)', async () => {
    const value = { ok: true, value: { tenant: ['café', '日本の店', 'emoji 🧾', 'plain'] } };
    await expect(readJson(chunked(JSON.stringify(value), 3))).resolves.toEqual(value);
  });

  it('reads a large answer in slices, yielding to other tasks between them, and parses it whole', async () => {
    const tenant = Array.from({ length: 80_000 }, (_, i) => `ten_${String(i).padStart(6, '0')}_é`);
    const value = { ok: true, value: { tenants: { tenant } } };
    const text = JSON.stringify(value);
    expect(text.length).toBeGreaterThan(1_000_000);
    const timers = vi.spyOn(globalThis, 'setTimeout');
    await expect(readJson(chunked(text, 64 * 1024))).resolves.toEqual(value);
    // ~1.2 MB in 256 KB slices, then the parse in a task of its own.
    expect(timers.mock.calls.length).toBeGreaterThanOrEqual(5);
  });

  it('takes no extra task for a small answer', async () => {
    const timers = vi.spyOn(globalThis, 'setTimeout');
    await expect(readJson(chunked('{"ok":true,"value":[1,2]}', 8))).resolves.toEqual({ ok: true, value: [1, 2] });
    expect(timers).not.toHaveBeenCalled();
  });

  it('rejects a body that is not JSON, as Body.json() does', async () => {
    await expect(readJson(chunked('<html>proxy error</html>', 5))).rejects.toThrow(SyntaxError);
  });
});
