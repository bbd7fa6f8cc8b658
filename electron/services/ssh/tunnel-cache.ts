/**
 * The app's SSH tunnels: one per bastion, login and database address, opened
 * on first use and reused by every later operation on that connection (pools
 * the warm-pool keeper holds included), reopened when the SSH connection
 * dropped, closed when the app stops.
 */
import { createHash } from 'node:crypto';
import type { SshSettings } from '../../../core/connection/ssh-settings.js';
import type { KnownHosts } from './known-hosts.js';
import { openSshTunnel, type SshTunnel, type SshTunnelOptions } from './ssh-tunnel.js';

export interface TunnelCache {
  /** An open tunnel for these settings to dest: the one already open, or a new one. */
  open(settings: SshSettings, dest: { host: string; port: number }): Promise<SshTunnel>;
  closeAll(): Promise<void>;
}

function cacheKey(settings: SshSettings, dest: { host: string; port: number }): string {
  // The passphrase takes part (a corrected one must not reuse nothing), hashed so the key holds no secret.
  const secret = settings.passphrase === undefined ? '' : createHash('sha256').update(settings.passphrase).digest('hex');
  return JSON.stringify([settings.user, settings.host, settings.port ?? 22, settings.keyFile ?? '', settings.useAgent === true, secret, dest.host, dest.port]);
}

/** Tunnels checked against `knownHosts`; `env` gives SSH_AUTH_SOCK for the agent. */
export function createTunnelCache(knownHosts: KnownHosts, options: Omit<SshTunnelOptions, 'knownHosts' | 'trustHostKey'> = {}): TunnelCache {
  const tunnels = new Map<string, Promise<SshTunnel>>();
  return {
    async open(settings, dest) {
      const key = cacheKey(settings, dest);
      const existing = tunnels.get(key);
      if (existing) {
        const tunnel = await existing.catch(() => undefined);
        if (tunnel && !tunnel.isClosed()) return tunnel;
        tunnels.delete(key);
      }
      const opening = openSshTunnel(settings, dest, { ...options, knownHosts });
      tunnels.set(key, opening);
      // A failed attempt is not kept: the next use (after trusting the host key, say) tries again.
      opening.catch(() => {
        if (tunnels.get(key) === opening) tunnels.delete(key);
      });
      return opening;
    },
    async closeAll() {
      const all = [...tunnels.values()];
      tunnels.clear();
      await Promise.all(all.map((p) => p.then((t) => t.close(), () => undefined)));
    },
  };
}
