/** What Tenantry knows about Citus on a database: read by electron/services/citus/detect-citus.ts. */
export interface CitusFacts {
  /** `CREATE EXTENSION citus` has run in this database. */
  installed: boolean;
  /** The citus extension is available on the server (installed or not). */
  available: boolean;
  /** Extension version (pg_extension.extversion), when installed. */
  version?: string;
  /** coordinator (group 0), worker (another group); undefined when not installed. */
  role?: 'coordinator' | 'worker';
  /** citus.enable_schema_based_sharding as the session sees it. */
  schemaBasedSharding?: boolean;
  /** Active primary worker nodes registered on the coordinator. */
  workers?: number;
}

/** One line for a connection summary, e.g. "Citus 13.2-1 coordinator, 2 workers, schema-based sharding off". */
export function describeCitus(facts: CitusFacts): string {
  if (!facts.installed) return facts.available ? 'Citus is available on this server but not installed in this database.' : 'No Citus on this server.';
  const role = facts.role === 'worker' ? 'worker node (tenants are provisioned through the coordinator)' : `coordinator, ${facts.workers ?? 0} worker${facts.workers === 1 ? '' : 's'}`;
  return `Citus ${facts.version ?? '?'} ${role}, schema-based sharding ${facts.schemaBasedSharding ? 'on' : 'off'}.`;
}

/** Whether provisioning here makes distributed schemas by default (a coordinator with at least one worker). */
export function isDistributedTarget(facts: CitusFacts | undefined): boolean {
  return Boolean(facts?.installed && facts.role === 'coordinator');
}
