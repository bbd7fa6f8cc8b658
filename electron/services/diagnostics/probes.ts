/**
 * Low-level probes that need no login: TCP connect with timing, the 8-byte
 * SSLRequest (answer S or N), and a TLS handshake that records the whole
 * chain and verification results without rejecting anything.
 */
import { Socket, connect as netConnect } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';

export interface TcpResult {
  socket: Socket;
  address: string;
  ms: number;
}

function abortError(): Error {
  return Object.assign(new Error('The diagnosis was cancelled.'), { code: 'ABORT_ERR' });
}

/** Opens a TCP connection (or a Unix socket when host is a directory) within timeoutMs. */
export function openTcp(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<TcpResult> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const started = performance.now();
    const socket = host.startsWith('/') ? netConnect({ path: `${host}/.s.PGSQL.${port}` }) : netConnect({ host, port });
    const done = (error?: Error) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners('error');
      socket.removeAllListeners('connect');
      if (error) {
        socket.destroy();
        reject(error);
      } else {
        resolve({ socket, address: host.startsWith('/') ? `${host}/.s.PGSQL.${port}` : `${socket.remoteAddress ?? host}:${socket.remotePort ?? port}`, ms: Math.round(performance.now() - started) });
      }
    };
    const onAbort = () => done(abortError());
    const timer = setTimeout(() => done(Object.assign(new Error(`No answer from ${host}:${port} within ${timeoutMs} ms.`), { code: 'ETIMEDOUT' })), timeoutMs);
    signal?.addEventListener('abort', onAbort);
    socket.once('error', (error) => done(error));
    socket.once('connect', () => done());
  });
}

/** SSLRequest: Int32 length 8, Int32 80877103. */
const SSL_REQUEST = Buffer.from([0x00, 0x00, 0x00, 0x08, 0x04, 0xd2, 0x16, 0x2f]);

/** The error code sendSslRequest gives an answer no PostgreSQL server sends. */
export const NOT_POSTGRES = 'NOT_POSTGRES';

/** The first bytes of an answer: printable text as text ("HTTP/1.1 400 Bad Request"), else the first byte in hex. */
function describeAnswer(data: Buffer): string {
  const line = data.subarray(0, 40).toString('latin1').split(/\r?\n/)[0] ?? '';
  return /^[\x20-\x7e]{4,}$/.test(line) ? `"${line}"` : `0x${(data[0] ?? 0).toString(16)}`;
}

/** Sends the SSLRequest and reads the one-byte answer. */
export function sendSslRequest(socket: Socket, timeoutMs: number): Promise<'S' | 'N'> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`The server did not answer the SSLRequest within ${timeoutMs} ms.`)), timeoutMs);
    const onData = (data: Buffer) => {
      const answer = String.fromCharCode(data[0] ?? 0);
      if (answer === 'S' || answer === 'N') finish(undefined, answer);
      else finish(Object.assign(new Error(`Unexpected answer to the SSLRequest: ${describeAnswer(data)} (is this a PostgreSQL server?)`), { code: NOT_POSTGRES }));
    };
    const onError = (error: Error) => finish(error);
    const onClose = () => finish(new Error('The server closed the connection after the SSLRequest.'));
    function finish(error?: Error, answer?: 'S' | 'N') {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (error) reject(error);
      else resolve(answer as 'S' | 'N');
    }
    socket.once('data', onData);
    socket.once('error', onError);
    socket.once('close', onClose);
    socket.write(SSL_REQUEST);
  });
}

/** Completes a TLS handshake on a socket that got 'S'; never rejects for verification (check authorized). */
export function startTls(socket: Socket, options: ConnectionOptions, timeoutMs: number): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const tls = tlsConnect({ ...options, socket, rejectUnauthorized: false });
    const timer = setTimeout(() => finish(new Error(`The TLS handshake did not finish within ${timeoutMs} ms.`)), timeoutMs);
    function finish(error?: Error) {
      clearTimeout(timer);
      tls.removeAllListeners('secureConnect');
      if (error) {
        tls.destroy();
        reject(error);
      } else {
        resolve(tls);
      }
    }
    tls.once('secureConnect', () => finish());
    tls.once('error', (error) => finish(error));
  });
}

/** Closes a socket without waiting. */
export function closeQuietly(socket: Socket | undefined): void {
  if (!socket) return;
  socket.on('error', () => undefined);
  socket.destroy();
}
