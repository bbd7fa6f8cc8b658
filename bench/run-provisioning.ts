/**
 * Runs only the provisioning benchmark: `npx tsx bench/run-provisioning.ts`
 * (bench/index.ts runs it with the other sections). Writes
 * bench-results/provisioning.json and .md and prints the Markdown.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { formatProvisioningReport, readProvisioningOptions, runProvisioningBench } from './provisioning.js';

const options = readProvisioningOptions(process.env, (line) => process.stderr.write(line + '\n'));
const result = await runProvisioningBench(options);
const markdown = formatProvisioningReport(result);
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/provisioning.json', JSON.stringify(result, null, 2));
writeFileSync('bench-results/provisioning.md', markdown);
process.stdout.write(markdown);
