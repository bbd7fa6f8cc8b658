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

/**
 * The SSL mode select's options. A profile without sslmode (a pasted URI
 * without ?sslmode=) has its own option, so the select never shows "disable"
 * (the first option) while the connection actually uses libpq's default, prefer.
 */
export const SSL_MODE_CHOICES: { value: SslMode | ''; label: string; explanation: string }[] = [
  { value: '', label: 'not set (libpq default: prefer)', explanation: `Not set, so libpq's default applies: ${SSL_MODES.find((m) => m.mode === 'prefer')?.explanation ?? ''}` },
  ...SSL_MODES.map((m) => ({ value: m.mode, label: m.mode, explanation: m.explanation })),
];
