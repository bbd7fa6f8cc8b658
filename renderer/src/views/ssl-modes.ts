import type { SslMode } from '../../../core/connection/profile';

/** One line per sslmode, as libpq behaves (docs: libpq-ssl.html, table 34.1). */
export const SSL_MODES: { mode: SslMode; explanation: string }[] = [
  { mode: 'disable', explanation: 'Never use TLS: the password and data cross the network in plain text.' },
  { mode: 'allow', explanation: 'Try plain text first and TLS only if the server insists; no protection against eavesdropping.' },
  { mode: 'prefer', explanation: 'Try TLS first, fall back to plain text; the server certificate is not checked (libpq default).' },
  { mode: 'require', explanation: 'Always TLS, but the certificate is not checked — unless a root certificate file exists, then it acts like verify-ca.' },
  { mode: 'verify-ca', explanation: 'Always TLS, and the server certificate must be signed by the root CA you give.' },
  { mode: 'verify-full', explanation: 'Always TLS, signed by your root CA, and the host name must match the certificate: the safe choice.' },
];
