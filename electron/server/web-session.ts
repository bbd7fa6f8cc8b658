/**
 * How a browser gets into web mode without the long-lived token ever being in
 * a command line or a browser history: `tenantry ui` opens (and prints) an
 * address holding a one-time code; the first request with that code gets the
 * token as an HttpOnly, SameSite=Strict cookie and is redirected to `/`, and
 * the code is spent. A copy of the address read from another user's `ps`
 * output is worthless once the browser has used it.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** How long an unused code stays valid: long enough to copy an address from the terminal. */
export const CODE_LIFETIME_MS = 15 * 60_000;

/** Whether two secrets are equal, in constant time. */
export function sameSecret(given: string | undefined, secret: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** One-time codes, each exchanged once for the session cookie. */
export class OneTimeCodes {
  private readonly codes = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new code valid once, for CODE_LIFETIME_MS. */
  issue(): string {
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, this.now() + CODE_LIFETIME_MS);
    return code;
  }

  /** Spends a code: true the first time for a code that has not expired, false ever after. */
  redeem(code: string): boolean {
    const now = this.now();
    for (const [c, expires] of this.codes) if (expires <= now) this.codes.delete(c);
    // Compared in constant time against each live code (there are a handful at most).
    for (const c of this.codes.keys()) {
      if (sameSecret(code, c)) {
        this.codes.delete(c);
        return true;
      }
    }
    return false;
  }
}

/** The session cookie's name: one per port, so two web-mode servers on one machine do not overwrite each other's. */
export function cookieName(port: number): string {
  return `tenantry-${port}`;
}

/** The Set-Cookie header that carries the session token: never readable by scripts, never sent by other sites. */
export function sessionCookie(port: number, token: string): string {
  return `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

/** The value of one cookie of a request, if present. */
export function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The plain page for a browser without a valid session: how to get a working address. */
export function noSessionPage(reason: 'used' | 'none'): string {
  const why =
    reason === 'used'
      ? 'This address has already been used or has expired. Each address that <code>tenantry ui</code> opens or prints works once.'
      : 'This page needs a session, which only an address from <code>tenantry ui</code> gives.';
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>Tenantry: open a new address</title></head>',
    '<body style="font: 16px/1.5 system-ui, sans-serif; max-width: 40em; margin: 3em auto; padding: 0 1em">',
    '<h1 style="font-size: 1.4em">Tenantry needs a fresh address</h1>',
    `<p>${why}</p>`,
    '<p>To get a new one, press <kbd>Enter</kbd> in the terminal where <code>tenantry ui</code> is running and open the address it prints. If it is no longer running, start it again with <code>tenantry ui</code> (or <code>npm start</code>).</p>',
    '</body></html>',
  ].join('\n');
}
