/**
 * An SSH tunnel in front of a connection: the bastion to log in to and how to
 * authenticate there. The database host and port of the profile are then
 * reached from the bastion, through a local forwarded port.
 */
import { TenantryError } from '../errors.js';

export interface SshSettings {
  host: string;
  /** Default 22. */
  port?: number;
  user: string;
  /** A private key file (OpenSSH or PEM). */
  keyFile?: string;
  /** The key file's passphrase (a secret: never shown, logged or copied). */
  passphrase?: string;
  /** Authenticate with the running ssh-agent (SSH_AUTH_SOCK). */
  useAgent?: boolean;
}

/** The "[host]:port" name a host key is remembered under, as OpenSSH writes it for a non-default port. */
export function sshHostKeyName(settings: Pick<SshSettings, 'host' | 'port'>): string {
  const port = settings.port ?? 22;
  return port === 22 ? settings.host : `[${settings.host}]:${port}`;
}

/** Parses "user@host[:port]" (the --ssh option); the user is required. */
export function parseSshTarget(text: string): Pick<SshSettings, 'host' | 'port' | 'user'> {
  const match = /^([^@\s]+)@(\[[^\]]+\]|[^:\s@]+)(?::(\d+))?$/.exec(text.trim());
  if (!match?.[1] || !match[2]) {
    throw new TenantryError('CONNECTION_PARAMETER_INVALID', `"${text}" is not an SSH address. Write it as user@host or user@host:port (for example deploy@bastion.example.com:22).`);
  }
  const host = match[2].replace(/^\[(.*)\]$/, '$1');
  const port = match[3] !== undefined ? Number(match[3]) : undefined;
  if (port !== undefined && (port < 1 || port > 65535)) throw new TenantryError('CONNECTION_PARAMETER_INVALID', `The SSH port ${match[3]} is not a port number (1–65535).`);
  return { user: match[1], host, ...(port !== undefined ? { port } : {}) };
}

/** Checks settings before anything connects: a user, a host, and a way to authenticate. */
export function checkSshSettings(settings: SshSettings): void {
  if (!settings.host.trim()) throw new TenantryError('CONNECTION_PARAMETER_INVALID', 'The SSH host is empty. Enter the bastion\'s host name.');
  if (!settings.user.trim()) throw new TenantryError('CONNECTION_PARAMETER_INVALID', 'The SSH user is empty. Enter the user to log in to the bastion as.');
  if (settings.port !== undefined && (!Number.isInteger(settings.port) || settings.port < 1 || settings.port > 65535)) {
    throw new TenantryError('CONNECTION_PARAMETER_INVALID', `The SSH port ${settings.port} is not a port number (1–65535).`);
  }
  if (!settings.keyFile && !settings.useAgent) {
    throw new TenantryError('CONNECTION_PARAMETER_INVALID', 'The SSH tunnel needs a way to log in: choose a private key file, or use the SSH agent.');
  }
}
