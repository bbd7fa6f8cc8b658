/**
 * Web mode: the same handler map as the desktop app, served over HTTP on
 * 127.0.0.1 only. Every request needs the random per-start token, which a
 * browser holds as an HttpOnly, SameSite=Strict cookie it got by spending a
 * one-time code (web-session.ts); other clients may send it in the
 * X-Tenantry-Token header. Every request must carry a Host header naming this
 * server (defeats DNS rebinding); cross-origin requests are refused. The built
 * renderer is served as static files with the same CSP as the desktop window.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Handlers } from '../../core/api/contract.js';
import { MAX_SQL_CHARS } from '../../core/api/validate.js';
import { dispatch } from '../handlers/dispatch.js';
import type { EventHub } from '../handlers/event-hub.js';
import { CONTENT_SECURITY_POLICY } from '../../core/security/csp.js';
import { HttpRefusal, decodePathSegment, isJsonContentType, readBody } from './http-request.js';
import { OneTimeCodes, cookieName, noSessionPage, readCookie, sameSecret, sessionCookie } from './web-session.js';

export interface WebServerOptions {
  handlers: Handlers;
  events: EventHub;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  /** 0 or absent: a free port. */
  port?: number;
  token?: string;
  /** The largest request body accepted (default MAX_BODY_BYTES). */
  maxBodyBytes?: number;
}

export interface WebServer {
  port: number;
  /** The long-lived per-start secret: the session cookie's value and the X-Tenantry-Token header. Never put it in an address. */
  token: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  /** A new address to open, holding a one-time code that works once (and for CODE_LIFETIME_MS at most). */
  newAddress(): string;
  close(): Promise<void>;
}

/**
 * The largest request body: the biggest real requests are snapshot:build (the
 * dump) and snapshot:save (the snapshot text), both bounded by MAX_SQL_CHARS.
 * JSON adds 2–3 % to a dump (escaped newlines and quotes: GitLab's
 * 2,746,807-byte schema, the largest in ../shared/realworld, makes a
 * 2,809,766-byte snapshot:build body), so the SQL limit plus a quarter
 * (80 MiB) leaves room for escapes. A bigger body is refused with 413, by its Content-Length before it is
 * read, or as soon as a chunked one grows past the cap.
 */
export const MAX_BODY_BYTES = MAX_SQL_CHARS + MAX_SQL_CHARS / 4;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}

function refuse(res: ServerResponse, status: number, code: 'INVALID_REQUEST', userMessage: string): void {
  // The API answers errors as Results the renderer can show; the status tells other clients.
  res.setHeader('Connection', 'close');
  send(res, status, JSON.stringify({ ok: false, error: { code, userMessage } }), 'application/json');
}

/** Whether a request is a browser loading a page (Sec-Fetch-Dest, or an Accept that asks for HTML). */
function isPageNavigation(req: IncomingMessage): boolean {
  const dest = req.headers['sec-fetch-dest'];
  if (dest !== undefined) return dest === 'document';
  return (req.headers.accept ?? '').includes('text/html');
}

/** Starts the web-mode server and resolves once it listens. */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const staticRoot = resolve(options.staticDir);
  let port = 0;
  const codes = new OneTimeCodes();
  const sockets = new Set<import('node:net').Socket>();
  const streams = new Set<ServerResponse>();

  const maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (error instanceof HttpRefusal) {
        if (!res.headersSent) refuse(res, error.status, 'INVALID_REQUEST', error.message);
        else res.end();
        return;
      }
      console.error('web server error:', error);
      if (!res.headersSent) send(res, 500, 'Internal error');
      else res.end();
    });
  });

  function allowedHost(host: string | undefined): boolean {
    return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
  }

  /** The session cookie (browsers) or the X-Tenantry-Token header (other clients). */
  function hasSession(req: IncomingMessage): boolean {
    const header = req.headers['x-tenantry-token'];
    return sameSecret(readCookie(req, cookieName(port)), token) || sameSecret(Array.isArray(header) ? header[0] : header, token);
  }

  function sendPage(res: ServerResponse, status: number, html: string): void {
    res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Frame-Options': 'DENY', 'Referrer-Policy': 'no-referrer' });
    res.end(html);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowedHost(req.headers.host)) return send(res, 403, 'Forbidden: unexpected Host header.');
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host}`) return send(res, 403, 'Forbidden: cross-origin request.');
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    } catch {
      throw new HttpRefusal(400, 'The address is malformed.');
    }

    const code = url.searchParams.get('code');
    if (code !== null && (req.method === 'GET' || req.method === 'HEAD')) {
      // Spend the code, hand over the cookie and drop the code from the address bar.
      // A browser that already has the session (Back to the spent address) just goes on to the app.
      if (!codes.redeem(code) && !hasSession(req)) return sendPage(res, 401, noSessionPage('used'));
      res.writeHead(303, { Location: '/', 'Set-Cookie': sessionCookie(port, token), 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
      return void res.end();
    }

    if (url.pathname === '/api/events') {
      if (!hasSession(req)) return send(res, 401, 'Unauthorized');
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Content-Type-Options': 'nosniff' });
      res.write(': connected\n\n');
      streams.add(res);
      const unsubscribe = options.events.subscribe((message) => res.write(`data: ${JSON.stringify(message)}\n\n`));
      const keepAlive = setInterval(() => res.write(': ping\n\n'), 15_000);
      req.on('close', () => {
        clearInterval(keepAlive);
        unsubscribe();
        streams.delete(res);
      });
      return;
    }

    if (url.pathname.startsWith('/api/invoke/')) {
      if (req.method !== 'POST') return send(res, 405, 'Method not allowed');
      if (!hasSession(req)) return send(res, 401, 'Unauthorized');
      if (!isJsonContentType(req.headers['content-type'])) throw new HttpRefusal(415, 'The request must be sent as application/json.');
      const channel = decodePathSegment(url.pathname.slice('/api/invoke/'.length));
      const body = await readBody(req, maxBody);
      let payload: unknown;
      try {
        payload = JSON.parse(body);
      } catch {
        throw new HttpRefusal(400, 'The request is not valid JSON.');
      }
      const result = await dispatch(options.handlers, channel, payload);
      return send(res, 200, JSON.stringify(result), 'application/json');
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed');
    // Without a session, the page says how to get one instead of loading an app that cannot work.
    // A browser navigating anywhere (a bookmarked or typed path) gets the page too; scripts and assets get a plain 401.
    if (!hasSession(req)) return url.pathname === '/' || url.pathname === '/index.html' || isPageNavigation(req) ? sendPage(res, 401, noSessionPage('none')) : send(res, 401, 'Unauthorized');
    const relative = url.pathname === '/' ? 'index.html' : decodePathSegment(url.pathname).replace(/^\/+/, '');
    const file = normalize(join(staticRoot, relative));
    if (!file.startsWith(staticRoot + sep) || !existsSync(file) || !statSync(file).isFile()) {
      if (!existsSync(join(staticRoot, 'index.html'))) return send(res, 503, 'The UI is not built yet: run `npm run build`.');
      return send(res, 404, 'Not found');
    }
    const headers: Record<string, string> = {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': relative === 'index.html' ? 'no-store' : 'max-age=3600',
    };
    if (extname(file) === '.html') {
      headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY;
      headers['X-Frame-Options'] = 'DENY';
      headers['Referrer-Policy'] = 'no-referrer';
    }
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolvePromise());
  });
  port = (server.address() as AddressInfo).port;
  return {
    port,
    token,
    origin: `http://127.0.0.1:${port}`,
    newAddress: () => `http://127.0.0.1:${port}/?code=${codes.issue()}`,
    close: () =>
      new Promise<void>((resolvePromise) => {
        for (const s of streams) s.end();
        server.close(() => resolvePromise());
        for (const s of sockets) s.destroy();
      }),
  };
}
