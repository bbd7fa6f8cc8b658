/** The psql a diagnosis uses when none is given: the newest installed, a real binary before Debian's pg_wrapper script. */
import { realpathSync } from 'node:fs';
import { findClientBinaries } from '../binaries/find-client-binaries.js';

function isWrapper(path: string): boolean {
  try {
    return realpathSync(path).endsWith('pg_wrapper');
  } catch {
    return false;
  }
}

/** Finds the newest psql (falls back to `psql` on PATH). */
export async function findDefaultPsql(env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const found = (await findClientBinaries('psql', { env })).filter((c) => c.version !== undefined);
    found.sort((a, b) => (b.version?.major ?? 0) - (a.version?.major ?? 0) || Number(isWrapper(a.path)) - Number(isWrapper(b.path)));
    return found[0]?.path ?? 'psql';
  } catch {
    return 'psql';
  }
}
