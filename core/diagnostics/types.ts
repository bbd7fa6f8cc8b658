/**
 * Plain, serializable data for connection diagnostics: the steps the UI shows
 * live, the facts the verdict is decided from, and the report. No functions,
 * no class instances, no Dates (ISO strings instead).
 */
import type { ConnectionProfile, SslMode } from '../connection/profile.js';
import type { SslVerdictCode } from '../errors.js';

/** Stable causes a diagnosis can name: those a failed connection also reports as its ErrorCode, and the diagnostics' own. */
export type VerdictCode =
  | 'OK'
  | SslVerdictCode
  | 'CLIENT_CERT_USER_MISMATCH'
  | 'SSL_KEY_MISSING'
  | 'SSL_ROOT_CERT_MISSING'
  | 'SSL_FILE_UNREADABLE'
  | 'SERVER_UNREACHABLE'
  | 'HOST_NOT_FOUND'
  | 'NOT_POSTGRES'
  | 'AUTH_FAILED'
  | 'CONNECTION_REJECTED'
  | 'PROFILE_INVALID'
  | 'CONNECTION_FAILED'
  | SshVerdictCode;

/** An SSH tunnel in front of the server did not open, by the stage that failed (the tunnel's own error codes). */
export type SshVerdictCode = 'SSH_UNREACHABLE' | 'SSH_HOST_KEY_UNKNOWN' | 'SSH_HOST_KEY_MISMATCH' | 'SSH_KEY_UNREADABLE' | 'SSH_AUTH_FAILED' | 'SSH_FORWARD_FAILED';

export type DiagnosticStepId =
  | 'ssh-reachable'
  | 'ssh-host-key'
  | 'ssh-auth'
  | 'ssh-forward'
  | 'tcp'
  | 'ssl-request'
  | 'tls'
  | 'server-policy'
  | 'driver'
  | 'psql-tenantry'
  | 'psql-user'
  | 'local-files'
  | 'home-files';

export type StepStatus = 'running' | 'passed' | 'failed' | 'warning' | 'skipped';

export interface Evidence {
  label: string;
  value: string;
}

/** One step as the UI shows it; sent again (same id) each time its status changes. */
export interface DiagnosticStep {
  id: DiagnosticStepId;
  title: string;
  status: StepStatus;
  /** One sentence: what was found. */
  summary: string;
  evidence: Evidence[];
  durationMs?: number;
}

export interface CertificateSummary {
  subject: string;
  issuer: string;
  /** DNS names and IP addresses from subjectAltName, e.g. "DNS:localhost", "IP Address:127.0.0.1". */
  subjectAltNames: string[];
  validFrom: string;
  validTo: string;
  fingerprint256: string;
  isCa: boolean;
  /** Relative to the diagnosis time. */
  expired: boolean;
  notYetValid: boolean;
}

/** The outcome of one connection attempt (driver or psql). */
export interface AttemptFacts {
  ok: boolean;
  /** The cause recognised in the error, if any. */
  failure?: VerdictCode;
  /** The error message (secrets removed). */
  message?: string;
}

export interface TlsFacts {
  ok: boolean;
  error?: string;
  protocol?: string;
  cipher?: string;
  chain: CertificateSummary[];
  /** Verification against the profile's sslrootcert; undefined when there is none. */
  rootVerify?: { ok: boolean; error?: string };
  /** Verification against the system trust store. */
  systemVerify?: { ok: boolean; error?: string };
  hostname?: { ok: boolean; error?: string };
  /** Verification against ~/.postgresql/root.crt, which libpq would use when sslrootcert is not set. */
  defaultRootVerify?: { ok: boolean; error?: string };
}

export interface PolicyFacts {
  /** A plaintext login attempt. */
  plaintext?: AttemptFacts;
  /** A TLS login attempt without a client certificate. */
  withoutClientCert?: AttemptFacts;
  /** A TLS login attempt with the profile's client certificate. */
  withProfileCert?: AttemptFacts;
  /** A TLS login attempt with the certificate libpq would pick up from ~/.postgresql. */
  withDefaultCert?: AttemptFacts;
}

export type FileRole = 'sslcert' | 'sslkey' | 'sslrootcert' | 'sslcrl';

/**
 * What was read of one SSL file (client certificate, key, root certificate or
 * CRL). One type for both readers: the connection form's files:inspect
 * (electron/services/diagnostics/file-facts.ts) and the diagnostics' file
 * checks (electron/services/diagnostics/file-checks.ts), which also look at
 * libpq's ~/.postgresql defaults.
 */
export interface FileFacts {
  role: FileRole;
  path: string;
  /** 'profile': named in the settings; 'default': libpq's ~/.postgresql default. */
  source: 'profile' | 'default';
  exists: boolean;
  readable: boolean;
  /** What the contents are, by their PEM headers; 'missing' when they were not read. */
  kind: 'certificate' | 'key' | 'crl' | 'unknown' | 'missing';
  /** errno code of a failed stat or read (ENOENT, EACCES, ...), or why the contents are not what the role needs. */
  error?: string;
  mode?: string;
  ownedByRoot?: boolean;
  /** Keys: whether libpq accepts the permissions (0600, or 0640 owned by root). */
  permissionsOk?: boolean;
  /** Every certificate in the file, in file order (a root file may hold a bundle). */
  certificates: CertificateSummary[];
  /** Key files: whether it matches the certificate next to it. */
  matchesCertificate?: boolean;
  /** Key files: parse errors (encrypted without sslpassword, not a key). */
  keyError?: string;
  /** Sentences for the settings form (files:inspect); the diagnostics say theirs as hazards and leave this empty. */
  problems: string[];
}

export interface Hazard {
  code: VerdictCode;
  /** 'breaks' when it makes plain psql fail here; 'warning' otherwise. */
  severity: 'breaks' | 'warning';
  path?: string;
  message: string;
}

export interface DiagnosticFacts {
  host: string;
  port: number;
  sslmode: SslMode;
  socket: boolean;
  libpqMajor?: number;
  /** The profile cannot be used as it is (refused before connecting). */
  profileError?: { code: string; message: string };
  tcp?: { ok: boolean; address?: string; ms?: number; error?: string };
  /** notPostgres: something answered the SSLRequest with bytes no PostgreSQL server sends (an HTTP server, say). */
  sslRequest?: { answer: 'S' | 'N' | 'error'; error?: string; notPostgres?: boolean };
  tls?: TlsFacts;
  policy?: PolicyFacts;
  driver?: AttemptFacts & { transport?: 'tls' | 'plaintext'; serverVersion?: string };
  psqlTenantry?: AttemptFacts;
  psqlUser?: AttemptFacts;
  files: FileFacts[];
  hazards: Hazard[];
  /** With an SSH tunnel: the bastion, what it showed and the tunnel's local end. */
  ssh?: SshFacts;
}

export interface SshFacts {
  host: string;
  port: number;
  user: string;
  /** The SSH server's identification line (SSH-2.0-…). */
  banner?: string;
  /** SHA256:… of the host key the server showed. */
  fingerprint?: string;
  /** The local port the database was reached through. */
  localPort?: number;
  /** The stage that failed. */
  failure?: { code: SshVerdictCode; message: string };
}

export interface Verdict {
  code: VerdictCode;
  /** Whether Tenantry itself (driver and its psql) connects with the profile as it is. */
  tenantryConnects: boolean;
  title: string;
  /** Plain-language explanation of the cause and what to do. */
  explanation: string;
  warnings: Hazard[];
}

export interface CopyableSettings {
  uri: string;
  keyValue: string;
  /** Environment variables for libpq (psql, pg_dump); never a password. */
  env: Record<string, string>;
  /** `export NAME='value'` lines. */
  envText: string;
  /** A psql command line using those settings. */
  psqlCommand: string;
}

export interface SuggestedSettings {
  profile: ConnectionProfile;
  /** Why these settings, and their trade-offs. */
  notes: string[];
  /** They work but do not verify the server (or do not encrypt). */
  insecure: boolean;
  /** Whether diagnose connected with them successfully. */
  verified?: boolean;
  copyable: CopyableSettings;
}

export interface DiagnosticReport {
  /** The profile diagnosed, password and sslpassword removed. */
  profile: ConnectionProfile;
  startedAt: string;
  durationMs: number;
  steps: DiagnosticStep[];
  facts: DiagnosticFacts;
  verdict: Verdict;
  suggestion?: SuggestedSettings;
}
