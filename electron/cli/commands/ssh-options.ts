/**
 * The CLI's SSH tunnel options, shared by every database command: --ssh
 * user@host[:port] with --ssh-key FILE or --ssh-agent. The key's passphrase
 * comes from TENANTRY_SSH_PASSPHRASE (never the command line, where `ps`
 * shows it). Host keys are trusted once, with --ssh-trust-host-key and the
 * fingerprint the first attempt printed, and kept in the data folder.
 */
import { join } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { parseSshTarget, type SshSettings } from '../../../core/connection/ssh-settings.js';
import { TenantryError, isTenantryError } from '../../../core/errors.js';
import { openKnownHosts, type KnownHosts } from '../../services/ssh/known-hosts.js';
import { openSshTunnel } from '../../services/ssh/ssh-tunnel.js';
import { throughTunnel, tunnelDestination } from '../../services/ssh/tunnel-profile.js';
import { findDataDir } from '../../services/storage/data-dir.js';
import { UsageError, type CliIo } from '../command.js';
import type { OptionValues } from './parse-options.js';

export const SSH_OPTIONS = {
  ssh: { type: 'string' },
  'ssh-key': { type: 'string' },
  'ssh-agent': { type: 'boolean' },
  'ssh-trust-host-key': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export const SSH_USAGE = [
  '  --ssh USER@HOST[:PORT]  connect through an SSH tunnel to this bastion; the',
  '                   --url host and port are then as the bastion sees them',
  '  --ssh-key FILE   private key for the bastion (passphrase: TENANTRY_SSH_PASSPHRASE)',
  '  --ssh-agent      log in with the keys of the running ssh-agent',
  '  --ssh-trust-host-key SHA256:…  trust the bastion\'s host key (first use only;',
  '                   the fingerprint is printed when the key is not yet trusted)',
].join('\n');

function text(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** The SSH settings the options ask for; undefined without --ssh. */
export function readSshOptions(values: OptionValues, env: NodeJS.ProcessEnv): SshSettings | undefined {
  const target = text(values, 'ssh');
  const keyFile = text(values, 'ssh-key');
  const useAgent = values['ssh-agent'] === true;
  if (target === undefined) {
    if (keyFile !== undefined || useAgent || text(values, 'ssh-trust-host-key') !== undefined) throw new UsageError('--ssh-key, --ssh-agent and --ssh-trust-host-key need --ssh USER@HOST.');
    return undefined;
  }
  if (keyFile === undefined && !useAgent) throw new UsageError('--ssh needs --ssh-key FILE or --ssh-agent to log in to the bastion.');
  let address;
  try {
    address = parseSshTarget(target);
  } catch (error) {
    throw new UsageError(isTenantryError(error) ? error.userMessage : String(error));
  }
  const passphrase = env.TENANTRY_SSH_PASSPHRASE;
  return { ...address, ...(keyFile !== undefined ? { keyFile } : {}), ...(useAgent ? { useAgent } : {}), ...(passphrase ? { passphrase } : {}) };
}

/** The known hosts the CLI (and the app) keep in the data folder. */
export function cliKnownHosts(io: CliIo): KnownHosts {
  return openKnownHosts(join(findDataDir(io.env), 'ssh-known-hosts.json'));
}

/** The fingerprint given with --ssh-trust-host-key, if any. */
export function trustedHostKeyOption(values: OptionValues): string | undefined {
  return text(values, 'ssh-trust-host-key');
}

/**
 * With --ssh: opens the tunnel (closed when the command ends) and points the
 * profile at its local end (hostaddr 127.0.0.1 and its port; host stays the
 * server's name, so verify-full checks the certificate against it).
 */
export async function tunnelCliProfile(profile: ConnectionProfile, values: OptionValues, io: CliIo): Promise<ConnectionProfile> {
  const ssh = readSshOptions(values, io.env);
  if (!ssh) return profile;
  let dest;
  try {
    dest = tunnelDestination(profile);
  } catch {
    throw new UsageError('--ssh needs the database host as the bastion sees it in --url (for example postgresql://app@db.internal:5432/app, or localhost when PostgreSQL runs on the bastion).');
  }
  const trust = trustedHostKeyOption(values);
  try {
    const tunnel = await openSshTunnel(ssh, dest, { knownHosts: cliKnownHosts(io), env: io.env, ...(trust !== undefined ? { trustHostKey: trust } : {}) });
    io.stderr(`SSH tunnel: ${ssh.user}@${ssh.host}:${ssh.port ?? 22} → ${dest.host}:${dest.port} on 127.0.0.1:${tunnel.localPort} (host key ${tunnel.hostKeyFingerprint})\n`);
    return throughTunnel(profile, tunnel);
  } catch (error) {
    if (isTenantryError(error) && error.code === 'SSH_HOST_KEY_UNKNOWN' && error.detail) {
      throw new TenantryError(error.code, `${error.userMessage} To trust it, run the command again with --ssh-trust-host-key ${error.detail}`, { detail: error.detail, cause: error });
    }
    throw error;
  }
}
