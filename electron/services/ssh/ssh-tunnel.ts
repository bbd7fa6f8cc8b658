/**
 * An SSH tunnel (ssh2, no hand-written protocol): logs in to the bastion,
 * checks its host key against the trusted ones, checks that the bastion opens
 * a forward to the database host and port, then listens on a free port on
 * 127.0.0.1 and forwards every connection there. The driver, pg_dump and psql
 * then all connect to that local port.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import { checkSshSettings, sshHostKeyName, type SshSettings } from '../../../core/connection/ssh-settings.js';
import { TenantryError, isTenantryError } from '../../../core/errors.js';
import { fingerprintHostKey, type KnownHosts } from './known-hosts.js';

export interface SshTunnelOptions {
  knownHosts: KnownHosts;
  /** A fingerprint the user confirmed for a host seen the first time: trusted and remembered when the server shows it. */
  trustHostKey?: string;
  /** For the SSH handshake and login; default 15 s. */
  timeoutMs?: number;
  /** Where SSH_AUTH_SOCK is read for the agent (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface SshTunnel {
  /** The local port (on 127.0.0.1) that reaches the database through the bastion. */
  localPort: number;
  /** The bastion's host key fingerprint (SHA256:…). */
  hostKeyFingerprint: string;
  /** Whether the SSH connection has ended (the local port then refuses connections). */
  isClosed(): boolean;
  close(): Promise<void>;
}

/** Every tunnel not yet closed, so a process can close them all before it exits. */
const openTunnels = new Set<SshTunnel>();

/** Closes every tunnel this process opened (the CLI calls this when a command ends). */
export async function closeAllSshTunnels(): Promise<void> {
  await Promise.all([...openTunnels].map((t) => t.close()));
}

function readPrivateKey(settings: SshSettings): Buffer | undefined {
  if (!settings.keyFile) return undefined;
  let key: Buffer;
  try {
    key = readFileSync(settings.keyFile);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TenantryError('SSH_KEY_UNREADABLE', `The SSH key file ${settings.keyFile} cannot be read${code === 'ENOENT' ? ': it does not exist' : code === 'EACCES' ? ': permission denied' : ''}. Choose the private key file again.`, { cause: error, ...(code ? { detail: code } : {}) });
  }
  const parsed = ssh2.utils.parseKey(key, settings.passphrase);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase/i.test(parsed.message);
    throw new TenantryError('SSH_KEY_UNREADABLE', encrypted
      ? `The SSH key file ${settings.keyFile} is encrypted, and ${settings.passphrase ? 'the passphrase given does not decrypt it' : 'no passphrase was given'}. Enter its passphrase.`
      : `The SSH key file ${settings.keyFile} is not a private key ssh can use. Choose the private key (not the .pub file).`, { detail: parsed.message });
  }
  return key;
}

function describeAddress(settings: SshSettings): string {
  return `${settings.user}@${settings.host}:${settings.port ?? 22}`;
}

/** The stage an ssh2 connect error belongs to, as a TenantryError. */
function translateConnectError(error: Error & { level?: string; code?: string }, settings: SshSettings): TenantryError {
  const where = describeAddress(settings);
  if (error.level === 'client-authentication') {
    return new TenantryError('SSH_AUTH_FAILED', `The SSH server ${settings.host} refused the login as ${settings.user} (${settings.useAgent ? 'the agent\'s keys' : 'the key file'} ${settings.useAgent && settings.keyFile ? 'and the key file ' : ''}not accepted). Check the user and that the public key is in its ~/.ssh/authorized_keys.`, { detail: error.message, cause: error });
  }
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') {
    return new TenantryError('SSH_UNREACHABLE', `The SSH host name ${settings.host} does not resolve. Check its spelling.`, { detail: error.message, cause: error });
  }
  if (error.level === 'client-timeout') {
    return new TenantryError('SSH_UNREACHABLE', `The SSH server at ${where} did not finish the handshake in time. Check the host and port (an SSH server listens on 22 unless configured otherwise) and firewalls.`, { detail: error.message, cause: error });
  }
  if (error.level === 'client-socket') {
    return new TenantryError('SSH_UNREACHABLE', `Nothing accepts SSH connections at ${where}. Check the host, the port and firewalls.`, { detail: error.message, cause: error });
  }
  return new TenantryError('SSH_UNREACHABLE', `The SSH connection to ${where} failed: ${error.message}. Check that this is an SSH server.`, { detail: error.message, cause: error });
}

/** Logs in and resolves once the bastion is ready, or rejects with the stage that failed. */
function login(client: ssh2.Client, settings: SshSettings, options: SshTunnelOptions, privateKey: Buffer | undefined): Promise<string> {
  const name = sshHostKeyName(settings);
  let fingerprint = '';
  let hostKeyProblem: TenantryError | undefined;
  const agent = settings.useAgent ? (options.env ?? process.env).SSH_AUTH_SOCK : undefined;
  if (settings.useAgent && !agent && !privateKey) {
    return Promise.reject(new TenantryError('SSH_AUTH_FAILED', 'No SSH agent is running here (SSH_AUTH_SOCK is not set). Start ssh-agent and add the key, or choose the key file.'));
  }
  return new Promise<string>((resolve, reject) => {
    client.once('ready', () => resolve(fingerprint));
    client.once('error', (error: Error & { level?: string }) => reject(hostKeyProblem ?? translateConnectError(error, settings)));
    client.connect({
      host: settings.host,
      port: settings.port ?? 22,
      username: settings.user,
      ...(privateKey ? { privateKey } : {}),
      ...(settings.passphrase !== undefined ? { passphrase: settings.passphrase } : {}),
      ...(agent ? { agent } : {}),
      readyTimeout: options.timeoutMs ?? 15_000,
      keepaliveInterval: 15_000,
      hostVerifier: (key: Buffer) => {
        fingerprint = fingerprintHostKey(key);
        const trusted = options.knownHosts.lookup(name);
        if (trusted === fingerprint) return true;
        if (trusted !== undefined) {
          hostKeyProblem = new TenantryError('SSH_HOST_KEY_MISMATCH', `The SSH server ${name} shows host key ${fingerprint}, not the ${trusted} trusted before. Someone may be intercepting the connection, or the server was reinstalled: check with its administrator before trusting the new key.`, { detail: `expected ${trusted}\nseen ${fingerprint}` });
          return false;
        }
        if (options.trustHostKey === fingerprint) {
          options.knownHosts.trust(name, fingerprint);
          return true;
        }
        hostKeyProblem = new TenantryError('SSH_HOST_KEY_UNKNOWN', `The SSH server ${name} is new to Tenantry. Its host key fingerprint is ${fingerprint}. Compare it with the one its administrator gives you (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the server) and trust it once if they match.`, { detail: fingerprint });
        return false;
      },
    });
  });
}

/** Opens one forward channel to the database through the bastion. */
function forward(client: ssh2.Client, srcAddress: string, srcPort: number, dest: { host: string; port: number }): Promise<ssh2.ClientChannel> {
  return new Promise((resolve, reject) => {
    client.forwardOut(srcAddress, srcPort, dest.host, dest.port, (error, channel) => (error ? reject(error) : resolve(channel)));
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

/**
 * Opens a tunnel from a free local port to `dest` (host and port as the
 * bastion sees them). Throws a TenantryError whose code names the stage that
 * failed: SSH_UNREACHABLE, SSH_HOST_KEY_UNKNOWN (carrying the fingerprint to
 * confirm), SSH_HOST_KEY_MISMATCH, SSH_KEY_UNREADABLE, SSH_AUTH_FAILED, SSH_FORWARD_FAILED.
 */
export async function openSshTunnel(settings: SshSettings, dest: { host: string; port: number }, options: SshTunnelOptions): Promise<SshTunnel> {
  checkSshSettings(settings);
  const privateKey = readPrivateKey(settings);
  const client = new ssh2.Client();
  let closed = false;
  client.on('close', () => {
    closed = true;
  });
  let fingerprint: string;
  try {
    fingerprint = await login(client, settings, options, privateKey);
    // The forward is checked once before anyone relies on it: a bastion that may not forward, or a database it cannot reach, is named here.
    const probe = await forward(client, '127.0.0.1', 0, dest).catch((error: Error) => {
      throw new TenantryError('SSH_FORWARD_FAILED', `The SSH server ${settings.host} logged you in but cannot open a connection to ${dest.host}:${dest.port} (${error.message}). Check the database host and port as the bastion sees them, and that the bastion allows TCP forwarding (AllowTcpForwarding).`, { detail: error.message, cause: error });
    });
    probe.on('error', () => undefined);
    probe.destroy();
  } catch (error) {
    client.end();
    throw isTenantryError(error) ? error : translateConnectError(error as Error, settings);
  }
  // After login, errors (a dropped connection) end the tunnel; the next connection through it reports the failure.
  client.on('error', () => undefined);
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    forward(client, socket.remoteAddress ?? '127.0.0.1', socket.remotePort ?? 0, dest).then(
      (channel) => {
        channel.on('error', () => socket.destroy());
        socket.pipe(channel).pipe(socket);
        channel.on('close', () => socket.destroy());
      },
      () => socket.destroy(),
    );
  });
  const localPort = await listen(server);
  const tunnel: SshTunnel = {
    localPort,
    hostKeyFingerprint: fingerprint,
    isClosed: () => closed,
    async close() {
      openTunnels.delete(tunnel);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!closed) {
        await new Promise<void>((resolve) => {
          client.once('close', () => resolve());
          client.end();
        });
      }
    },
  };
  client.on('close', () => {
    server.close();
    for (const socket of sockets) socket.destroy();
    openTunnels.delete(tunnel);
  });
  openTunnels.add(tunnel);
  return tunnel;
}
