/**
 * `npm run bench [-- SECTION …]`: runs the benchmark sections (all by default),
 * prints each as Markdown and writes bench-results/SECTION.json and .md.
 * To add a section, add one entry to `sections` below.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { describeMachine, formatMachine } from './machine.js';
import { formatTemplatingReport, runTemplatingBench } from './templating.js';

interface BenchSection {
  name: string;
  summary: string;
  run(log: (line: string) => void): Promise<{ json: unknown; markdown: string }>;
}

const sections: BenchSection[] = [
  {
    name: 'templating',
    summary: 'snapshot engine vs a single regex pass over a ≥10 MB dump',
    async run(log) {
      const rounds = Number(process.env.TENANTRY_BENCH_ROUNDS ?? 9);
      const result = runTemplatingBench({ rounds, log });
      return { json: result, markdown: formatTemplatingReport(result) };
    },
  },
  {
    name: 'catalog',
    summary: 'snapshot of GitLab vs its bare pg_dump -s, and snapshot time beside 0/200/1,000 tenants (BENCH_QUICK=1: 0/50/200)',
    async run(log) {
      const { formatCatalogScaleReport, readCatalogScaleOptions, runCatalogScaleBench } = await import('./catalog-scale.js');
      const result = await runCatalogScaleBench(readCatalogScaleOptions(process.env, log));
      return { json: result, markdown: formatCatalogScaleReport(result) };
    },
  },
  {
    name: 'batch-names',
    summary: 'duplicate-name check of a batch: 100,000 vs 10,000 names (linear, not quadratic)',
    async run() {
      const { formatBatchNamesReport, runBatchNamesBench } = await import('./batch-names.js');
      const result = runBatchNamesBench(Number(process.env.TENANTRY_BENCH_ROUNDS ?? 9));
      return { json: result, markdown: formatBatchNamesReport(result) };
    },
  },
  {
    name: 'provisioning',
    summary: 'provisioning tenants from a snapshot against a real cluster',
    async run(log) {
      const { formatProvisioningReport, readProvisioningOptions, runProvisioningBench } = await import('./provisioning.js');
      const result = await runProvisioningBench(readProvisioningOptions(process.env, log));
      return { json: result, markdown: formatProvisioningReport(result) };
    },
  },
  {
    name: 'published',
    summary: 'SELECT create_tenant(…) / claim_tenant(…) next to the floor, the driver path and a clone_schema()-style function (BENCH_SIZES, BENCH_CLONE=0)',
    async run(log) {
      const { formatPublishedReport, readPublishedOptions, runPublishedBench } = await import('./published.js');
      const result = await runPublishedBench(readPublishedOptions(process.env, log));
      return { json: result, markdown: formatPublishedReport(result) };
    },
  },
  {
    name: 'citus',
    summary: 'provisioning per tenant and batch throughput on a 3-node Citus cluster next to a single server, same snapshot (skipped without Citus; BENCH_CITUS_TABLES, BENCH_CITUS_BATCH)',
    async run(log) {
      const { formatCitusReport, readCitusOptions, runCitusBench } = await import('./citus.js');
      const result = await runCitusBench(readCitusOptions(process.env, log));
      return { json: result, markdown: formatCitusReport(result) };
    },
  },
  {
    name: 'fleet',
    summary: 'census of 10,000 tenants × 20 tables and 1,000 × 100 vs per-tenant verify (extrapolated), verify all of 1,000 (BENCH_FLEET_SIZES, BENCH_QUICK=1: 200×20, 50×100)',
    async run(log) {
      const { formatFleetReport, readFleetOptions, runFleetBench } = await import('./fleet.js');
      const result = await runFleetBench(readFleetOptions(process.env, log));
      return { json: result, markdown: formatFleetReport(result) };
    },
  },
  {
    name: 'tenants-view',
    summary: 'the Tenants view with 50,000 rows in Chromium: longest main-thread task while loading, scrolling, filtering by name, cohort and status, sorting (≤ 200 ms; needs npm run build; BENCH_QUICK=1: 5,000)',
    async run(log) {
      const { formatTenantsViewReport, readTenantsViewOptions, runTenantsViewBench } = await import('./tenants-view.js');
      const result = await runTenantsViewBench(readTenantsViewOptions(process.env, log));
      return { json: result, markdown: formatTenantsViewReport(result) };
    },
  },
  {
    name: 'editor-large-dump',
    summary: 'the snapshot editor on a 10 MB dump in Chromium: longest main-thread task (≤ 2 s) and input latency (≤ 3 s) while the references are found and drawn (needs npm run build)',
    async run(log) {
      const { formatEditorLargeDumpReport, runEditorLargeDumpBench } = await import('./editor-large-dump.js');
      const result = await runEditorLargeDumpBench(log);
      return { json: result, markdown: formatEditorLargeDumpReport(result) };
    },
  },
  {
    name: 'migrate',
    summary: 'a typical migration over 1,000 × 20-table and 200 × 100-table tenants: Tenantry vs psql -1 -f loop, one warm connection and the floor (BENCH_QUICK=1: 100 and 40; BENCH_MIGRATE_SIZES=200x100 for one size)',
    async run(log) {
      const { formatMigrateReport, readMigrateOptions, runMigrateBench } = await import('./migrate.js');
      const result = await runMigrateBench(readMigrateOptions(process.env, log));
      return { json: result, markdown: formatMigrateReport(result) };
    },
  },
];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !sections.some((s) => s.name === w));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown section ${unknown.join(', ')}. Sections: ${sections.map((s) => `${s.name} (${s.summary})`).join('; ')}\n`);
  process.exit(2);
}
// Ctrl-C: exit normally so cluster harnesses stop their clusters.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

mkdirSync('bench-results', { recursive: true });
const machine = formatMachine(await describeMachine());
process.stdout.write(`# Tenantry benchmarks\n\n${machine}\n\n`);
let failed = 0;
for (const section of sections.filter((s) => wanted.length === 0 || wanted.includes(s.name))) {
  const log = (line: string): void => void process.stderr.write(`[${section.name}] ${line}\n`);
  try {
    const { json, markdown } = await section.run(log);
    writeFileSync(`bench-results/${section.name}.json`, JSON.stringify(json, null, 2) + '\n');
    writeFileSync(`bench-results/${section.name}.md`, `${machine}\n\n${markdown}`);
    process.stdout.write(markdown + '\n');
  } catch (error) {
    failed++;
    process.stderr.write(`[${section.name}] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
