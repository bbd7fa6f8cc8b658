/**
 * Reading a web-mode request safely: the content type matched exactly, the
 * body read up to a cap (413 past it, never "bad JSON"), and paths whose
 * percent-encoding is malformed answered as a bad request instead of a crash.
 */
import type { IncomingMessage } from 'node:http';

/** A request the server refuses with a 4xx status and a plain message. */
export class HttpRefusal extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Whether a Content-Type header is exactly `application/json`, optionally with
 * `charset=utf-8` (what fetch and every JSON client send). A prefix match
 * would let `application/jsonp` or `application/json-seq` through.
 */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const [type, ...params] = header.split(';').map((p) => p.trim().toLowerCase());
  if (type !== 'application/json') return false;
  if (params.length === 0) return true;
  return params.length === 1 && /^charset=("?)utf-8\1$/.test(params[0] ?? '');
}

/** decodeURIComponent that refuses a malformed escape (`%E0%A4%A`) with a 400 instead of throwing URIError. */
export function decodePathSegment(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new HttpRefusal(400, 'The address is malformed: it holds an invalid percent-encoding.');
  }
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

/** Reads the whole body as UTF-8, refusing (413) one longer than maxBytes before reading it all. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const tooLarge = () =>
    new HttpRefusal(413, `The request is larger than ${megabytes(maxBytes)}, the most web mode accepts. For a dump that large, use the CLI (tenantry snapshot or tenantry template).`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
