/**
 * Runs only the provisioning benchmark: `npx tsx bench/run-provisioning.ts`
 * (bench/index.ts runs it with the other sections). Writes
 * bench-results/provisioning.json and .md and prints the Markdown.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { formatProvisioningReport, readProvisioningOptions, runProvisioningBench } from './provisioning.js';

// Ctrl-C: exit normally so the cluster harness stops the benchmark's cluster.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

const options = readProvisioningOptions(process.env, (line) => process.stderr.write(line + '\n'));
const result = await runProvisioningBench(options);
const markdown = formatProvisioningReport(result);
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/provisioning.json', JSON.stringify(result, null, 2));
writeFileSync('bench-results/provisioning.md', markdown);
process.stdout.write(markdown);
