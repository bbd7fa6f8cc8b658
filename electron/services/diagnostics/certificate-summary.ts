/** Plain summaries of X.509 certificates from node:crypto and node:tls. */
import { X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate } from 'node:tls';
import type { CertificateSummary } from '../../../core/diagnostics/types.js';

function iso(date: string): string {
  const d = new Date(date);
  return Number.isNaN(d.getTime()) ? date : d.toISOString();
}

/** Summarises a parsed certificate relative to `now`. */
export function summarizeCertificate(cert: X509Certificate, now = new Date()): CertificateSummary {
  const validFrom = iso(cert.validFrom);
  const validTo = iso(cert.validTo);
  return {
    subject: cert.subject.replace(/\n/g, ', '),
    issuer: cert.issuer.replace(/\n/g, ', '),
    subjectAltNames: cert.subjectAltName ? cert.subjectAltName.split(/,\s*/) : [],
    validFrom,
    validTo,
    fingerprint256: cert.fingerprint256,
    isCa: cert.ca,
    expired: new Date(validTo).getTime() < now.getTime(),
    notYetValid: new Date(validFrom).getTime() > now.getTime(),
  };
}

/** The chain a TLS peer sent, leaf first (getPeerCertificate(true) links it through issuerCertificate). */
export function summarizePeerChain(peer: DetailedPeerCertificate | undefined, now = new Date()): CertificateSummary[] {
  const chain: CertificateSummary[] = [];
  const seen = new Set<string>();
  let current: DetailedPeerCertificate | undefined = peer;
  while (current && current.raw && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    chain.push(summarizeCertificate(new X509Certificate(current.raw), now));
    current = current.issuerCertificate === current ? undefined : current.issuerCertificate;
  }
  return chain;
}

/** The PEM certificate blocks in a file's contents, in file order. */
export function pemCertificateBlocks(pem: Buffer | string): string[] {
  return pem.toString().match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** Parses every PEM certificate in a file's contents. */
export function parsePemCertificates(pem: Buffer | string): X509Certificate[] {
  return pemCertificateBlocks(pem).map((b) => new X509Certificate(b));
}

/** What a file's contents are, by their PEM headers (a key first: a combined file is used as a key). */
export function pemKind(text: string): 'certificate' | 'key' | 'crl' | 'unknown' {
  if (/-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(text)) return 'key';
  if (text.includes('-----BEGIN X509 CRL-----')) return 'crl';
  return pemCertificateBlocks(text).length > 0 ? 'certificate' : 'unknown';
}
