/**
 * What a certificate, key or CRL file holds, for the SSL tab: subject,
 * issuer, validity, whether it is a CA, whether a key matches a certificate,
 * and whether a key's permissions are acceptable to libpq (0600 or stricter,
 * or 0640 when owned by root, as libpq's be-secure-common.c allows).
 *
 * It answers for certificate, key and CRL files only: a file larger than
 * MAX_PEM_BYTES is not read (a 700 MB file used to be read whole), and a
 * file's mode is reported only for a key, where libpq checks it.
 */
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { accessSync, closeSync, constants, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import type { FileFacts, FileRole } from '../../../core/diagnostics/types.js';
import { pemCertificateBlocks, pemKind, summarizeCertificate } from './certificate-summary.js';
import { isKeyModeAcceptable, modeText } from './key-permissions.js';

/**
 * The largest certificate, key or CRL file read. The system CA bundle
 * (/etc/ssl/certs/ca-certificates.crt, about 150 certificates) is 220 KB; a
 * large CRL can reach a few MB.
 */
export const MAX_PEM_BYTES = 4 * 1024 * 1024;

/** Reads at most MAX_PEM_BYTES of a regular file, or says why not. */
function readSmallFile(path: string): { text: string } | { problem: string } {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO named here must not hang the backend while it waits for a writer.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { problem: `${path} could not be opened: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.` };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { problem: `${path} is not a file.` };
    if (stat.size > MAX_PEM_BYTES) return { problem: `${path} is ${Math.round(stat.size / (1024 * 1024))} MB: too large for a certificate, key or CRL (at most ${MAX_PEM_BYTES / (1024 * 1024)} MB), so it was not read.` };
    // One byte more than the file claims: a file that grows while it is read is noticed.
    const buffer = Buffer.alloc(stat.size + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > stat.size) return { problem: `${path} grew while it was read; try again once it is written.` };
    return { text: buffer.subarray(0, length).toString('utf8') };
  } finally {
    closeSync(fd);
  }
}

/** Reads a file's facts for the settings form; never throws for a bad file, it reports the problems instead. */
export function inspectFile(path: string, role: FileRole, certificatePath?: string, now = new Date()): FileFacts {
  const facts: FileFacts = { role, path, source: 'profile', exists: false, readable: false, kind: 'missing', certificates: [], problems: [] };
  if (path.includes('\0') || (certificatePath ?? '').includes('\0')) {
    facts.problems.push('A file path cannot contain a NUL character.');
    return facts;
  }
  facts.exists = existsSync(path);
  if (!facts.exists) {
    facts.problems.push(`${path} does not exist.`);
    return facts;
  }
  const stat = statSync(path);
  if (!stat.isFile()) {
    facts.problems.push(`${path} is not a file.`);
    return facts;
  }
  try {
    accessSync(path, constants.R_OK);
    facts.readable = true;
  } catch {
    facts.problems.push(`${path} is not readable by this user.`);
    return facts;
  }
  const read = readSmallFile(path);
  if ('problem' in read) {
    facts.kind = 'unknown';
    facts.problems.push(read.problem);
    return facts;
  }
  const text = read.text;
  facts.kind = pemKind(text);
  if (facts.kind === 'key') {
    facts.mode = modeText(stat.mode);
    facts.ownedByRoot = stat.uid === 0;
    facts.permissionsOk = isKeyModeAcceptable(stat.mode, facts.ownedByRoot);
    if (!facts.permissionsOk) facts.problems.push(`The key's permissions are ${facts.mode}; libpq refuses a key that group or others can read. Run chmod 600 ${path}.`);
    const certificate = certificatePath && existsSync(certificatePath) ? readSmallFile(certificatePath) : undefined;
    if (certificate && 'problem' in certificate) facts.problems.push(`The key could not be compared with the certificate: ${certificate.problem}`);
    else if (certificate) {
      try {
        const cert = new X509Certificate(certificate.text);
        const publicFromKey = createPublicKey(createPrivateKey(text)).export({ type: 'spki', format: 'pem' });
        facts.matchesCertificate = cert.publicKey.export({ type: 'spki', format: 'pem' }) === publicFromKey;
        if (!facts.matchesCertificate) facts.problems.push('This key does not belong to the client certificate.');
      } catch (error) {
        facts.problems.push(`The key could not be compared with the certificate: ${(error as Error).message}`);
      }
    }
    return facts;
  }
  if (facts.kind === 'crl') return facts;
  if (facts.kind === 'unknown') {
    facts.problems.push('The file holds no PEM certificate, key or CRL.');
    return facts;
  }
  for (const block of pemCertificateBlocks(text)) {
    try {
      const summary = summarizeCertificate(new X509Certificate(block), now);
      facts.certificates.push(summary);
      if (summary.expired || summary.notYetValid) facts.problems.push(`The certificate ${summary.subject} is outside its validity period (${summary.validFrom} – ${summary.validTo}).`);
    } catch (error) {
      facts.problems.push(`A certificate could not be read: ${(error as Error).message}`);
    }
  }
  if (role === 'sslrootcert' && facts.certificates.length > 0 && !facts.certificates.some((c) => c.isCa)) {
    facts.problems.push('No certificate in this file is a CA; the root certificate file must hold the CA that signed the server certificate.');
  }
  return facts;
}
