/**
 * ../shared/corpus next to the repository (real schema files from public projects, never copied in). Where it is
 * absent the unit tests that read it are skipped, and their names say why, instead of the files failing to load.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CORPUS_DIR = join(import.meta.dirname, '../../../shared/corpus');

/** Whether the corpus folder is there. */
export const HAS_CORPUS = existsSync(CORPUS_DIR);

/** A suite name with the reason it is skipped when the corpus is absent. */
export function corpusSuite(name: string): string {
  return HAS_CORPUS ? name : `${name} (skipped: ${CORPUS_DIR} is absent)`;
}

/** The corpus's .sql file names, none when it is absent. */
export function listCorpusFiles(): string[] {
  return HAS_CORPUS ? readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.sql')) : [];
}

/** The corpus files with their text, none when it is absent. */
export function readCorpus(): { file: string; sql: string }[] {
  return listCorpusFiles().map((file) => ({ file, sql: readFileSync(join(CORPUS_DIR, file), 'utf8') }));
}
