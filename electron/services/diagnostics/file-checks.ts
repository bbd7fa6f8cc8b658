/**
 * Local SSL file checks: the profile's certificate, key, root and CRL files,
 * and libpq's defaults in ~/.postgresql (%APPDATA%\postgresql on Windows),
 * judged by libpq's own rules (postgres-ssl.md, "Default files").
 */
import { createPrivateKey, type KeyObject, type X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import type { SslPolicy } from '../../../core/connection/ssl-policy.js';
import type { FileFacts, FileRole, Hazard } from '../../../core/diagnostics/types.js';
import { parsePemCertificates, pemKind, summarizeCertificate } from './certificate-summary.js';
import { isKeyModeAcceptable, modeText } from './key-permissions.js';

export interface FileCheckResult {
  files: FileFacts[];
  hazards: Hazard[];
}

/** libpq's directory of default files for a home directory. */
export function defaultSslDir(home: string, env: NodeJS.ProcessEnv = process.env): string {
  return process.platform === 'win32' && env.APPDATA ? join(env.APPDATA, 'postgresql') : join(home, '.postgresql');
}

interface Loaded {
  facts: FileFacts;
  contents?: Buffer;
  certificates?: X509Certificate[];
}

async function loadFile(role: FileRole, path: string, source: FileFacts['source'], now: Date): Promise<Loaded> {
  const facts: FileFacts = { role, path, source, exists: false, readable: false, kind: 'missing', certificates: [], problems: [] };
  try {
    const info = await stat(path);
    facts.exists = true;
    facts.mode = modeText(info.mode);
    facts.ownedByRoot = info.uid === 0;
    if (!info.isFile()) {
      facts.error = 'not a regular file';
      return { facts };
    }
  } catch (error) {
    facts.error = (error as NodeJS.ErrnoException).code ?? String(error);
    return { facts };
  }
  let contents: Buffer;
  try {
    contents = await readFile(path);
    facts.readable = true;
  } catch (error) {
    facts.error = (error as NodeJS.ErrnoException).code ?? String(error);
    return { facts };
  }
  facts.kind = pemKind(contents.toString());
  if (role === 'sslcert' || role === 'sslrootcert') {
    try {
      const certificates = parsePemCertificates(contents);
      facts.certificates = certificates.map((c) => summarizeCertificate(c, now));
      if (certificates.length === 0) facts.error = 'no PEM certificate in the file';
      return { facts, contents, certificates };
    } catch (error) {
      facts.error = `not a certificate: ${(error as Error).message}`;
    }
  }
  return { facts, contents };
}

function checkKey(key: Loaded, cert: Loaded | undefined, passphrase: string | undefined): void {
  const facts = key.facts;
  if (facts.mode !== undefined) facts.permissionsOk = isKeyModeAcceptable(Number.parseInt(facts.mode, 8), facts.ownedByRoot ?? false);
  if (!key.contents) return;
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey(passphrase !== undefined ? { key: key.contents, passphrase } : { key: key.contents });
  } catch (error) {
    facts.keyError = describeKeyError(key.contents, error);
    return;
  }
  const certificate = cert?.certificates?.[0];
  if (certificate) facts.matchesCertificate = certificate.checkPrivateKey(keyObject);
}

/**
 * Why a key file could not be read. An encrypted PEM key read with a wrong password fails mostly as "bad decrypt",
 * but about once in 256 passwords the decryption's padding looks valid and OpenSSL fails on the garbage instead
 * ("DECODER routines::unsupported"): for an encrypted key, that is the password too.
 */
export function describeKeyError(contents: Buffer | string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const text = typeof contents === 'string' ? contents : contents.toString('latin1');
  const encrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,\s*ENCRYPTED/.test(text);
  return encrypted || /passphrase|decrypt/i.test(message) ? 'the key is encrypted and no (or a wrong) sslpassword is set' : `not a private key: ${message}`;
}

function isMissing(facts: FileFacts): boolean {
  return facts.error === 'ENOENT' || facts.error === 'ENOTDIR';
}

/** Checks the profile's SSL files and the ~/.postgresql defaults libpq would consult for this profile. */
export async function checkSslFiles(profile: ConnectionProfile, policy: SslPolicy, home: string, now = new Date()): Promise<FileCheckResult> {
  const files: FileFacts[] = [];
  const hazards: Hazard[] = [];
  const usesTls = policy.first === 'tls' || policy.fallback === 'tls';

  // The profile's own files.
  const sendsCert = profile.sslcert !== undefined && profile.sslcertmode !== 'disable';
  const cert = sendsCert && profile.sslcert ? await loadFile('sslcert', profile.sslcert, 'profile', now) : undefined;
  const key = sendsCert && profile.sslkey ? await loadFile('sslkey', profile.sslkey, 'profile', now) : undefined;
  if (key) checkKey(key, cert, profile.sslpassword);
  const root = profile.sslrootcert && profile.sslrootcert !== 'system' ? await loadFile('sslrootcert', profile.sslrootcert, 'profile', now) : undefined;
  const crl = profile.sslcrl ? await loadFile('sslcrl', profile.sslcrl, 'profile', now) : undefined;
  for (const loaded of [cert, key, root, crl]) if (loaded) files.push(loaded.facts);
  const certificate = cert?.facts.certificates[0];
  if (cert && certificate?.expired) hazards.push({ code: 'SSL_CERT_EXPIRED', severity: 'breaks', path: cert.facts.path, message: `The client certificate ${cert.facts.path} expired on ${certificate.validTo}.` });
  if (root?.certificates && root.certificates.length > 0 && !root.certificates.some((c) => c.ca)) {
    hazards.push({ code: 'SSL_SERVER_CERT_UNTRUSTED', severity: 'warning', path: root.facts.path, message: `The root file ${root.facts.path} holds no CA certificate (basicConstraints CA:TRUE); it cannot verify a chain.` });
  }

  // libpq's defaults, consulted only for parameters the profile leaves unset.
  if (!usesTls) return { files, hazards };
  const dir = defaultSslDir(home);
  if (profile.sslcert === undefined && profile.sslcertmode !== 'disable') {
    const defCert = await loadFile('sslcert', join(dir, 'postgresql.crt'), 'default', now);
    files.push(defCert.facts);
    if (!defCert.facts.exists && !isMissing(defCert.facts) && defCert.facts.error) {
      hazards.push({ code: 'SSL_DEFAULT_CERT_UNREADABLE', severity: 'breaks', path: defCert.facts.path, message: `libpq cannot check for ${defCert.facts.path} (${defCert.facts.error}), and any error other than "does not exist" makes it fail the connection.` });
    } else if (defCert.facts.exists) {
      const defKey = await loadFile('sslkey', profile.sslkey ?? join(dir, 'postgresql.key'), profile.sslkey ? 'profile' : 'default', now);
      checkKey(defKey, defCert, profile.sslpassword);
      files.push(defKey.facts);
      const issuer = defCert.facts.certificates[0]?.issuer ?? 'unknown issuer';
      hazards.push({ code: 'SSL_CLIENT_CERT_UNKNOWN_CA', severity: 'warning', path: defCert.facts.path, message: `libpq (plain psql) sends ${defCert.facts.path} (issued by ${issuer}) whenever the server asks for a client certificate, although the settings name none.` });
      if (!defCert.facts.readable) {
        hazards.push({ code: 'SSL_DEFAULT_CERT_UNREADABLE', severity: 'breaks', path: defCert.facts.path, message: `${defCert.facts.path} exists but cannot be read (${defCert.facts.error ?? 'unknown error'}), which makes libpq fail the connection.` });
      } else if (!defKey.facts.exists) {
        hazards.push({ code: 'SSL_KEY_MISSING', severity: 'breaks', path: defKey.facts.path, message: `${defCert.facts.path} exists without ${defKey.facts.path}; libpq fails with "certificate present, but not private key file".` });
      } else if (defKey.facts.permissionsOk === false) {
        hazards.push({ code: 'KEY_PERMISSIONS', severity: 'breaks', path: defKey.facts.path, message: `${defKey.facts.path} has mode ${defKey.facts.mode}; libpq refuses a key that group or others can access.` });
      } else if (defKey.facts.matchesCertificate === false) {
        hazards.push({ code: 'KEY_CERT_MISMATCH', severity: 'breaks', path: defKey.facts.path, message: `${defKey.facts.path} is not the key of ${defCert.facts.path}.` });
      }
      const defCertificate = defCert.facts.certificates[0];
      if (defCertificate?.expired) hazards.push({ code: 'SSL_CERT_EXPIRED', severity: 'warning', path: defCert.facts.path, message: `${defCert.facts.path} expired on ${defCertificate.validTo}.` });
    }
  }
  if (profile.sslrootcert === undefined) {
    const defRoot = await loadFile('sslrootcert', join(dir, 'root.crt'), 'default', now);
    files.push(defRoot.facts);
    // Any stat() failure counts as absent for root.crt (libpq).
    if (defRoot.facts.readable && (policy.sslmode === 'allow' || policy.sslmode === 'prefer' || policy.sslmode === 'require')) {
      hazards.push({ code: 'SSL_SERVER_CERT_UNTRUSTED', severity: 'warning', path: defRoot.facts.path, message: `${defRoot.facts.path} exists, so plain psql with sslmode=${policy.sslmode} verifies the server chain against it (like verify-ca).` });
    }
  }
  return { files, hazards };
}
