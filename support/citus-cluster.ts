/**
 * A Citus cluster for integration tests and the benchmark: a coordinator and workers, each a
 * throwaway cluster from startCluster() with citus preloaded and
 * wal_level=logical (moves use logical replication). Citus is in no package
 * registry these machines reach, so it is only here when someone built it into
 * this PostgreSQL; tests that need it skip with `citusSkipReason()` otherwise.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findSystemBinDir, startCluster, type Cluster } from './cluster.js';

/** Why Citus tests cannot run here (undefined when citus.so and citus.control are installed). */
export function citusSkipReason(binDir?: string): string | undefined {
  let dir: string;
  try {
    dir = binDir ?? findSystemBinDir();
  } catch (error) {
    return (error as Error).message;
  }
  const major = /\/(\d+)\/bin\/?$/.exec(dir)?.[1];
  const library = join(dir, '..', 'lib', 'citus.so');
  if (!existsSync(library)) return `Citus is not installed (no ${library})`;
  const control = major ? `/usr/share/postgresql/${major}/extension/citus.control` : undefined;
  if (control && !existsSync(control)) return `Citus is not installed (no ${control})`;
  return undefined;
}

export interface CitusCluster {
  coordinator: Cluster;
  workers: Cluster[];
  /** Creates `name` on every node with the citus extension and registers the workers on the coordinator. */
  createDatabase(name: string): Promise<string>;
  /** host:port of each worker, as citus_add_node registered it. */
  workerAddresses(): string[];
  stop(): Promise<void>;
}

const CITUS_CONF = {
  shared_preload_libraries: "'citus'",
  wal_level: 'logical',
  max_connections: 120,
  max_replication_slots: 10,
  max_wal_senders: 10,
  // Nodes reach each other on 127.0.0.1 as postgres; the test clusters trust that (hba below).
  'citus.shard_replication_factor': 1,
};

/** Starts a coordinator and `workers` workers (default 2) and prepares `database` (default `tenantry`) on all of them; `conf` adds settings on every node. */
export async function startCitusCluster(options: { workers?: number; database?: string; conf?: Record<string, string | number> } = {}): Promise<CitusCluster> {
  const count = options.workers ?? 2;
  const start = () => startCluster({ conf: { ...options.conf, ...CITUS_CONF }, hba: ['host all all 127.0.0.1/32 trust'] });
  const nodes = await Promise.all(Array.from({ length: count + 1 }, start));
  const [coordinator, ...workers] = nodes as [Cluster, ...Cluster[]];
  const cluster: CitusCluster = {
    coordinator,
    workers,
    async createDatabase(name) {
      const quoted = `"${name.replace(/"/g, '""')}"`;
      await Promise.all(nodes.map(async (node) => {
        if (name !== 'postgres') await node.query(`CREATE DATABASE ${quoted}`);
        await node.query('CREATE EXTENSION citus', name);
      }));
      await coordinator.query(`SELECT pg_catalog.citus_set_coordinator_host('127.0.0.1', ${coordinator.port})`, name);
      for (const worker of workers) await coordinator.query(`SELECT pg_catalog.citus_add_node('127.0.0.1', ${worker.port})`, name);
      return name;
    },
    workerAddresses: () => workers.map((w) => `127.0.0.1:${w.port}`),
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
    },
  };
  try {
    await cluster.createDatabase(options.database ?? 'tenantry');
  } catch (error) {
    await cluster.stop().catch(() => undefined);
    throw error;
  }
  return cluster;
}
