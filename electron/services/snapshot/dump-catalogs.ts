/**
 * Catalog facts of the app's recent dumps, kept where they were read. The
 * renderer gets a dump's facts to number references in its worker the way
 * the engine will, but it never hands them back: `snapshot:build` names the
 * dump (`dumpId`, the dump job's id) and the engine's facts come from here.
 * The renderer is untrusted input; facts it sent could make the engine leave
 * a real reference to the template unreplaced.
 */
import type { CitusTarget } from '../../../core/api/contract.js';
import type { CatalogFacts } from '../../../core/snapshot/catalog-facts.js';
import { TenantryError } from '../../../core/errors.js';

/** How many dumps are held: the open one and a few the user went back from (facts are a few KB each, GitLab's ~200 KB). */
export const DUMPS_HELD = 8;

export class DumpCatalogs {
  private readonly held = new Map<string, CatalogFacts | undefined>();
  /** The Citus coordinator a dump came from (the build's compatibility report), kept beside its facts. */
  private readonly citus = new Map<string, CitusTarget>();

  constructor(private readonly limit = DUMPS_HELD) {}

  /** Keeps a dump's facts (undefined: the dump has none) and its Citus coordinator, forgetting the oldest dump beyond the limit. */
  remember(dumpId: string, facts: CatalogFacts | undefined, citus?: CitusTarget): void {
    this.held.delete(dumpId);
    this.held.set(dumpId, facts);
    if (citus) this.citus.set(dumpId, citus);
    while (this.held.size > this.limit) {
      const oldest = this.held.keys().next().value;
      if (oldest === undefined) break;
      this.held.delete(oldest);
      this.citus.delete(oldest);
    }
  }

  /** The Citus coordinator of a held dump (undefined: not a coordinator, or not held). */
  readCitus(dumpId: string): CitusTarget | undefined {
    return this.citus.get(dumpId);
  }

  /** The facts of a dump made by this backend; NOT_AVAILABLE when it made none by that id or no longer holds it. */
  read(dumpId: string): CatalogFacts | undefined {
    if (!this.held.has(dumpId)) {
      throw new TenantryError('NOT_AVAILABLE', `The dump ${dumpId} is no longer held by the backend (it keeps the last ${this.limit} dumps, and none after a restart). Dump the schema again, then build the snapshot.`);
    }
    return this.held.get(dumpId);
  }
}
