/**
 * Test certificates made with the openssl CLI: certificate authorities,
 * server certificates with chosen CN/SANs/validity (including expired ones)
 * and client certificates. EC P-256 keys, so generation is instant.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function openssl(args: string[], cwd?: string): Promise<string> {
  try {
    const { stdout } = await run('openssl', args, { cwd, maxBuffer: 4 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`openssl ${args[0]} failed: ${e.stderr ?? e.message}`);
  }
}

export interface CertFiles {
  certFile: string;
  keyFile: string;
}

export interface IssueOptions {
  commonName: string;
  /** DNS subjectAltNames (server certificates). */
  dnsNames?: string[];
  /** IP subjectAltNames (server certificates). */
  ipAddresses?: string[];
  /** Validity; default: from yesterday for 365 days. Dates as YYYYMMDDHHMMSSZ or Date. */
  notBefore?: Date;
  notAfter?: Date;
  /** Shorthand: valid 2020-01-01 to 2021-01-01. */
  expired?: boolean;
  /** File name stem in the authority's directory; default the common name. */
  name?: string;
}

export interface CertAuthority extends CertFiles {
  commonName: string;
  dir: string;
  issueServerCert(options: IssueOptions): Promise<CertFiles>;
  issueClientCert(options: IssueOptions): Promise<CertFiles>;
}

function asn1Time(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/** A scratch directory for certificates; remove it with removeCertDir. */
export async function makeCertDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tenantry-certs-'));
  await chmod(dir, 0o755);
  return dir;
}

export async function removeCertDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Creates a self-signed CA (CA:TRUE, keyCertSign) in its own subdirectory of `parent`. */
export async function createCertAuthority(parent: string, commonName: string): Promise<CertAuthority> {
  const stem = commonName.replace(/[^A-Za-z0-9_.-]/g, '_');
  const dir = join(parent, `ca-${stem}`);
  await mkdir(join(dir, 'newcerts'), { recursive: true });
  await writeFile(join(dir, 'index.txt'), '');
  await writeFile(join(dir, 'serial'), Math.floor(Math.random() * 0xffffff).toString(16).padStart(6, '0').padStart(8, '1') + '\n');
  const certFile = join(dir, 'ca.crt');
  const keyFile = join(dir, 'ca.key');
  await openssl(['req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-subj', `/CN=${commonName}`, '-days', '3650',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await writeFile(join(dir, 'ca.cnf'), [
    '[ ca ]', 'default_ca = CA_default',
    '[ CA_default ]', `dir = ${dir}`, `database = ${dir}/index.txt`, `new_certs_dir = ${dir}/newcerts`, `serial = ${dir}/serial`,
    `certificate = ${certFile}`, `private_key = ${keyFile}`,
    'default_md = sha256', 'policy = policy_any', 'unique_subject = no', 'copy_extensions = none', 'email_in_dn = no',
    '[ policy_any ]', 'commonName = supplied', '',
  ].join('\n'));

  async function issue(kind: 'server' | 'client', options: IssueOptions): Promise<CertFiles> {
    const name = (options.name ?? `${kind}-${options.commonName}`).replace(/[^A-Za-z0-9_.-]/g, '_');
    const keyOut = join(dir, `${name}.key`);
    const csr = join(dir, `${name}.csr`);
    const certOut = join(dir, `${name}.crt`);
    const ext = join(dir, `${name}.ext`);
    await openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyOut, '-out', csr, '-subj', `/CN=${options.commonName}`]);
    await chmod(keyOut, 0o600);
    const sans = [...(options.dnsNames ?? []).map((d) => `DNS:${d}`), ...(options.ipAddresses ?? []).map((ip) => `IP:${ip}`)];
    await writeFile(ext, [
      '[ ext ]', 'basicConstraints = CA:FALSE', 'keyUsage = critical,digitalSignature,keyEncipherment',
      `extendedKeyUsage = ${kind === 'server' ? 'serverAuth' : 'clientAuth'}`,
      ...(sans.length > 0 ? [`subjectAltName = ${sans.join(',')}`] : []), '',
    ].join('\n'));
    const notBefore = options.expired ? new Date('2020-01-01T00:00:00Z') : (options.notBefore ?? new Date(Date.now() - 86_400_000));
    const notAfter = options.expired ? new Date('2021-01-01T00:00:00Z') : (options.notAfter ?? new Date(Date.now() + 365 * 86_400_000));
    await openssl(['ca', '-batch', '-notext', '-config', join(dir, 'ca.cnf'), '-in', csr, '-out', certOut,
      '-startdate', asn1Time(notBefore), '-enddate', asn1Time(notAfter), '-extfile', ext, '-extensions', 'ext']);
    return { certFile: certOut, keyFile: keyOut };
  }

  return {
    commonName,
    dir,
    certFile,
    keyFile,
    issueServerCert: (options) => issue('server', options),
    issueClientCert: (options) => issue('client', options),
  };
}
