/**
 * Turns a pg_dump text into what the provisioning benchmark needs: a source
 * of per-tenant SQL for the provisioner, a PoolSnapshot for the warm pool,
 * and how long templating took.
 */
import { createHash } from 'node:crypto';
import type { TenantSource } from '../electron/services/provision.js';
import type { PoolSnapshot } from '../electron/services/warm-pool.js';

export interface BenchSnapshot {
  source: TenantSource;
  pool: PoolSnapshot;
  /** Milliseconds the engine took to template the dump. */
  templateMs: number;
  dumpBytes: number;
}

/** Templates a dump of `schema`. */
export async function makeBenchSnapshot(dump: string, schema: string): Promise<BenchSnapshot> {
  // TEMPORARY until the engine's createSnapshot/renderSnapshot land: a plain substitution of a distinctive template name.
  const started = performance.now();
  const placeholder = '__tenantry_placeholder__';
  const body = dump.replace(/^\\.*$/gm, '').split(schema + '.').join(placeholder + '.').replace(new RegExp(`\\b${schema}\\b`, 'g'), placeholder);
  const templateMs = performance.now() - started;
  const quote = (name: string) => (/^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);
  const render = (fragment: string, name: string) => fragment.split(placeholder).join(quote(name));
  return {
    source: { render: (tenant) => render(body, tenant) },
    pool: { checksum: createHash('sha256').update(body).digest('hex'), body, placeholder, render },
    templateMs,
    dumpBytes: dump.length,
  };
}
