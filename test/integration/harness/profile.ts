/** A ConnectionProfile for a harness cluster (password over TCP on 127.0.0.1, no TLS). */
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import type { Cluster } from '../../../support/cluster.js';

export function profileFor(cluster: Cluster, database = 'postgres', user?: { user: string; password: string }): ConnectionProfile {
  return {
    host: cluster.host,
    port: cluster.port,
    user: user?.user ?? cluster.user,
    password: user?.password ?? cluster.password,
    database,
    sslmode: 'disable',
  };
}
