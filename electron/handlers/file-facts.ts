/**
 * What a certificate, key or CRL file holds, for the SSL tab: subject,
 * issuer, validity, whether it is a CA, whether a key matches a certificate,
 * and whether a key's permissions are acceptable to libpq (0600 or stricter,
 * or 0640 when owned by root, as libpq's be-secure-common.c allows).
 */
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import type { FileFacts, FilePurpose } from '../../core/api/contract.js';

function splitPem(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ');
}

/** Reads a file's facts; never throws for a bad file, it reports the problems instead. */
export function inspectFile(path: string, purpose: FilePurpose, certificatePath?: string): FileFacts {
  const facts: FileFacts = { path, exists: existsSync(path), readable: false, kind: 'missing', certificates: [], problems: [] };
  if (!facts.exists) {
    facts.problems.push(`${path} does not exist.`);
    return facts;
  }
  const stat = statSync(path);
  if (!stat.isFile()) {
    facts.problems.push(`${path} is not a file.`);
    return facts;
  }
  facts.mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
  try {
    accessSync(path, constants.R_OK);
    facts.readable = true;
  } catch {
    facts.problems.push(`${path} is not readable by this user.`);
    return facts;
  }
  const text = readFileSync(path, 'utf8');
  if (/-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(text)) {
    facts.kind = 'key';
    const mode = stat.mode & 0o777;
    facts.permissionsOk = (mode & 0o077) === 0 || (stat.uid === 0 && (mode & 0o037) === 0);
    if (!facts.permissionsOk) facts.problems.push(`The key's permissions are ${facts.mode}; libpq refuses a key that group or others can read. Run chmod 600 ${path}.`);
    if (certificatePath && existsSync(certificatePath)) {
      try {
        const cert = new X509Certificate(readFileSync(certificatePath));
        const publicFromKey = createPublicKey(createPrivateKey(text)).export({ type: 'spki', format: 'pem' });
        facts.matchesCertificate = cert.publicKey.export({ type: 'spki', format: 'pem' }) === publicFromKey;
        if (!facts.matchesCertificate) facts.problems.push('This key does not belong to the client certificate.');
      } catch (error) {
        facts.problems.push(`The key could not be compared with the certificate: ${(error as Error).message}`);
      }
    }
    return facts;
  }
  if (text.includes('-----BEGIN X509 CRL-----')) {
    facts.kind = 'crl';
    return facts;
  }
  const blocks = splitPem(text);
  if (blocks.length === 0) {
    facts.kind = 'unknown';
    facts.problems.push('The file holds no PEM certificate, key or CRL.');
    return facts;
  }
  facts.kind = 'certificate';
  const now = Date.now();
  for (const block of blocks) {
    try {
      const cert = new X509Certificate(block);
      const expired = Date.parse(cert.validTo) < now || Date.parse(cert.validFrom) > now;
      facts.certificates.push({
        subject: oneLine(cert.subject),
        issuer: oneLine(cert.issuer),
        validFrom: new Date(cert.validFrom).toISOString(),
        validTo: new Date(cert.validTo).toISOString(),
        expired,
        isCa: cert.ca,
        fingerprint256: cert.fingerprint256,
      });
      if (expired) facts.problems.push(`The certificate ${oneLine(cert.subject)} is outside its validity period (${cert.validFrom} – ${cert.validTo}).`);
    } catch (error) {
      facts.problems.push(`A certificate could not be read: ${(error as Error).message}`);
    }
  }
  if (purpose === 'sslrootcert' && facts.certificates.length > 0 && !facts.certificates.some((c) => c.isCa)) {
    facts.problems.push('No certificate in this file is a CA; the root certificate file must hold the CA that signed the server certificate.');
  }
  return facts;
}
