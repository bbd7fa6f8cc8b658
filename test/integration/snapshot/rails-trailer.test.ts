/**
 * Offline `tenantry template` of Rails structure.sql files (../shared/corpus: danbooru, lago, osm), which end
 * with `SET search_path TO "$user", public;` and `INSERT INTO "schema_migrations" (version) VALUES …`. Before the
 * trailer was carried, containment refused both and no snapshot was written. Now the snapshot is written, the
 * SET is reported as stripped, and each tenant (driver and psql) gets the template's ledger rows in its own
 * schema_migrations while the template's stay as they were.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCliCluster } from '../harness/cli-cluster.js';
import { CORPUS, CORPUS_DIR, hasCorpus, loadCorpus } from '../harness/corpus.js';
import { profileFor } from '../harness/profile.js';
import { createProvisioner, snapshotSource, type ProvisionVia } from '../../../electron/services/provision/provisioner.js';
import { parseSnapshot } from '../../../core/snapshot/format.js';

const RAILS = ['danbooru.sql', 'lago.sql', 'osm.sql'];
const TENANTS: { name: string; via: ProvisionVia }[] = [
  { name: 'acme', via: 'driver' },
  { name: 'Acme Corp', via: 'psql' },
];
const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;

describe.skipIf(!hasCorpus())('offline template of Rails structure.sql carries the schema_migrations trailer into each tenant', () => {
  const fx = useCliCluster('tenantry-rails-');
  const { cli } = fx;

  for (const file of RAILS) {
    it(`${file}: template succeeds, both provision paths give the tenant the ledger, the template's stays`, async () => {
      const corpus = CORPUS.find((c) => c.file === file);
      if (corpus === undefined) throw new Error(`${file} is not in the corpus list`);
      const db = file.replace(/\.sql$/, '');
      await loadCorpus(fx.cluster, db, corpus);
      const out = `${db}.snap.sql`;
      const run = await cli('template', join(CORPUS_DIR, file), '--schema', 'public', '-o', out, '--json');
      expect(run.code, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout) as { stripped: { line: number; text: string; reason: string }[] };
      const trailer = result.stripped.filter((s) => s.reason.startsWith('Rails structure.sql trailer'));
      expect(trailer.map((s) => s.text)).toEqual(['SET search_path TO "$user", public;']);
      const snapshot = parseSnapshot(readFileSync(join(fx.dir, out), 'utf8'));
      expect(snapshot.body).not.toMatch(/^SET search_path/m);

      const client = await fx.cluster.connect(db);
      try {
        const versions = async (schema: string): Promise<string[]> => (await client.query<{ version: string }>(`select version from ${q(schema)}.schema_migrations order by 1`)).rows.map((r) => r.version);
        const template = await versions('public');
        expect(template.length).toBeGreaterThan(100);
        for (const tenant of TENANTS) {
          const provisioner = await createProvisioner(profileFor(fx.cluster, db), { via: tenant.via, concurrency: 1 });
          try {
            await provisioner.provisionTenant(snapshotSource(snapshot), tenant.name);
          } finally {
            await provisioner.close();
          }
          expect(await versions(tenant.name), `${tenant.name} (${tenant.via})`).toEqual(template);
        }
        expect(await versions('public')).toEqual(template);
      } finally {
        await client.end();
      }
    }, 300_000);
  }
});
