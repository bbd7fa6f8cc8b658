/** Handlers over what a connection holds: its databases and schemas, and the dump of a template schema. */
import type { Handlers } from '../../core/api/contract.js';
import type { BinarySearchOptions } from '../services/binaries/find-client-binaries.js';
import { listDatabases } from '../services/catalog/list-databases.js';
import { listSchemas } from '../services/catalog/list-schemas.js';
import type { DumpCatalogs } from '../services/snapshot/dump-catalogs.js';
import { dumpForEditor } from '../services/snapshot/dump-for-editor.js';
import type { JobRegistry } from './jobs.js';
import type { ResolveTarget } from './resolve-target.js';

export interface SchemaHandlerDeps {
  jobs: JobRegistry;
  resolveTarget: ResolveTarget;
  binaryOptions: BinarySearchOptions;
  /** Where each dump's catalog facts stay for snapshot:build. */
  dumpCatalogs: DumpCatalogs;
}

/** Builds the schema and dump handlers. */
export function createSchemaHandlers(deps: SchemaHandlerDeps): Pick<Handlers, 'schemas:databases' | 'schemas:list' | 'dump:start'> {
  return {
    async 'schemas:databases'(target) {
      return listDatabases((await deps.resolveTarget(target)).profile);
    },
    async 'schemas:list'(target) {
      return listSchemas((await deps.resolveTarget(target)).profile);
    },
    async 'dump:start'({ target, schema, options }) {
      const { profile } = await deps.resolveTarget(target);
      const jobId = deps.jobs.start('dump', async (ctx) => {
        ctx.progress({ message: `Running pg_dump for schema ${schema}…` });
        const dump = await dumpForEditor(profile, {
          schema,
          noOwner: options.noOwner,
          noPrivileges: options.noPrivileges,
          ledgerTables: options.ledgerTables,
          carryPartitions: options.carryPartitions ?? false,
          signal: ctx.signal,
          onStderrLine: (line) => ctx.log(line),
          onDumped: (dump) => ctx.progress({ message: `Dumped ${dump.bytes} bytes with pg_dump ${dump.pgDump.version}.`, bytes: dump.bytes }),
          ...deps.binaryOptions,
        });
        deps.dumpCatalogs.remember(ctx.jobId, dump.catalog, dump.citus);
        return { ...dump, dumpId: ctx.jobId };
      });
      return { jobId };
    },
  };
}
