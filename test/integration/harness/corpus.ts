/**
 * The real schemas in ../shared/corpus and how to load each into a fresh
 * database (see corpus/SOURCES.md): which schema is the template, which file
 * must run first, which carry migration ledger rows.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Cluster } from '../../../support/cluster.js';

const run = promisify(execFile);

export const CORPUS_DIR = fileURLToPath(new URL('../../../../shared/corpus/', import.meta.url));

export interface CorpusCase {
  file: string;
  template: string;
  /** Files run before `file` (roles it expects). */
  preamble?: string[];
  /** Tables whose rows are a migration ledger, with the row count the file inserts. */
  ledger?: { table: string; rows: number };
}

export const CORPUS: CorpusCase[] = [
  { file: 'pagila.sql', template: 'public' },
  { file: 'postgraphile-forum.sql', template: 'forum_example' },
  { file: 'graphile-starter.sql', template: 'app_public', preamble: ['graphile-starter.preamble.sql'] },
  { file: 'osm.sql', template: 'public', ledger: { table: 'schema_migrations', rows: -1 } },
  { file: 'danbooru.sql', template: 'public', ledger: { table: 'schema_migrations', rows: -1 } },
  { file: 'lago.sql', template: 'public', ledger: { table: 'schema_migrations', rows: -1 } },
  { file: 'pg-clone-schema-sample.sql', template: 'sample' },
];

/** Whether the corpus folder is there (it lives outside the repository). */
export function hasCorpus(): boolean {
  return existsSync(join(CORPUS_DIR, 'pagila.sql'));
}

/** Runs a SQL file with psql against `database`, stopping at the first error. */
export async function runSqlFile(cluster: Cluster, database: string, file: string): Promise<void> {
  await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', cluster.host, '-p', String(cluster.port), '-U', cluster.user, '-d', database, '-f', file], {
    env: { PATH: process.env.PATH ?? '', PGPASSWORD: cluster.password, PGSSLMODE: 'disable', PGOPTIONS: '-c client_min_messages=warning' },
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Creates `database` and loads the corpus file into it (preamble first). */
export async function loadCorpus(cluster: Cluster, database: string, corpus: CorpusCase): Promise<void> {
  await cluster.createDatabase(database);
  for (const file of [...(corpus.preamble ?? []), corpus.file]) await runSqlFile(cluster, database, join(CORPUS_DIR, file));
}
