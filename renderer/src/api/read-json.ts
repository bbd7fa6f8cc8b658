/** Reading a JSON answer of the web-mode backend (renderer/src/api/client.ts). */
/** The body is read in slices of about this many bytes, each in a task of its own. */
const SLICE_BYTES = 256 * 1024;

const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * A JSON answer read without one long main-thread task: Body.json() reads, decodes and parses a large answer
 * (50,000 tenants: ~3 MB) in one task, the longest of the Tenants view's load (~80 ms of CPU). Here the body is
 * decoded slice by slice, yielding between slices, and parsed in a task of its own. A small answer (under one slice) takes no extra task.
 */
export async function readJson(response: Response): Promise<unknown> {
  const reader = response.body?.getReader();
  if (!reader) return (await response.json()) as unknown;
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let read = 0;
  let sinceYield = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(decoder.decode(value, { stream: true }));
    read += value.byteLength;
    sinceYield += value.byteLength;
    if (sinceYield >= SLICE_BYTES) {
      sinceYield = 0;
      await nextTask();
    }
  }
  parts.push(decoder.decode());
  const text = parts.join('');
  if (read >= SLICE_BYTES) await nextTask();
  return JSON.parse(text) as unknown;
}
