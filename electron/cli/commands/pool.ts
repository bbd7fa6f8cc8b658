/** `tenantry pool`: size, fill, inspect, empty and claim from the warm pool of spare tenants. */
import { validateTenantName } from '../../../core/tenant/tenant-name.js';
import { listSavedTemplates } from '../protected-names.js';
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { TenantryError } from '../../../core/errors.js';
import { parseSnapshot } from '../../../core/snapshot/format.js';
import { createPool } from '../../services/connection/open-connection.js';
import { claimSpare, emptyPool, fillPool, ownedByOtherError, placedOtherwiseError, readPoolStatus, setPoolTarget, type PoolSnapshot } from '../../services/pool/warm-pool.js';
import { toPoolSnapshot } from '../../services/pool/warm-pool-snapshot.js';
import { UsageError, type CliCommand, type CliIo } from '../command.js';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, parseOptions, requireOption, resolveCliProfile, stringOption, type OptionValues } from './parse-options.js';

const USAGE = [
  'Usage: tenantry pool <status|size|fill|empty|claim> [options] [--url URL]',
  '',
  'A warm pool keeps spare tenants built ahead from a snapshot, under reserved names',
  '(_tenantry_spare_<checksum>_<n>) and without the snapshot\'s grants, so the',
  'application cannot see or use them. Claiming one renames it to the tenant\'s name',
  'in one short transaction. `tenantry provision` claims ready spares of its snapshot',
  'first and builds the rest (--no-pool to build every tenant). The CLI does not',
  'refill by itself: run `pool fill` again after claims (the app refills in the background).',
  'The pool belongs to the snapshot that filled it: a fill with another snapshot does',
  'nothing unless given --replace --yes (which drops the other snapshot\'s spares).',
  'On a Citus coordinator spares are distributed schemas, like the tenants they become;',
  'a pool filled with --local keeps its spares (and refills) on the coordinator, and',
  'only a claim with --local (or `tenantry provision --local`) takes a local spare.',
  '',
  '  pool status [--snapshot FILE] [--json]   target size and spares (ready / stale for FILE)',
  '  pool size N                              set how many spares to keep',
  '  pool fill --snapshot FILE [--size N] [--local] [--replace --yes]',
  '                                           build spares up to the size; --replace --yes',
  '                                           takes over a pool another snapshot owns (or',
  '                                           whose spares are placed otherwise on Citus)',
  '  pool empty --yes                         drop every spare',
  '  pool claim --snapshot FILE --tenant T [--local] [--json]',
  '                                           create tenant T from a spare',
  '  --local   on a Citus coordinator: spares and claimed tenants stay on the coordinator',
  '            (without it they are distributed schemas); no effect elsewhere',
  '',
  CONNECTION_USAGE,
].join('\n');

async function loadPoolSnapshot(path: string, io: CliIo): Promise<PoolSnapshot> {
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, path), 'utf8');
  } catch (error) {
    throw new TenantryError('FILE_NOT_FOUND', `The snapshot ${path} cannot be read: ${(error as Error).message}.`, { cause: error });
  }
  return toPoolSnapshot(parseSnapshot(text), basename(path).replace(/\.sql$/i, ''));
}

function parseCount(value: string | undefined, what: string): number {
  const n = Number(value);
  if (value === undefined || !/^\d+$/.test(value) || n > 10_000) throw new UsageError(`${what} must be a whole number from 0 to 10000.`);
  return n;
}

const OPTIONS = { ...CONNECTION_OPTIONS, snapshot: { type: 'string' }, size: { type: 'string' }, tenant: { type: 'string' }, json: { type: 'boolean' }, yes: { type: 'boolean' }, replace: { type: 'boolean' }, local: { type: 'boolean' } } as const;

export const poolCommand: CliCommand = {
  name: 'pool',
  summary: 'Warm pool of spare tenants: size, fill, status, empty, claim',
  usage: USAGE,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    let positional: string | undefined;
    if (sub === 'size' && rest[0] !== undefined && !rest[0].startsWith('--')) positional = rest.shift();
    if (!sub || !['status', 'size', 'fill', 'empty', 'claim'].includes(sub)) throw new UsageError(sub ? `unknown pool command "${sub}".` : 'a pool command is required.');
    const values: OptionValues = parseOptions(rest, OPTIONS);
    const local = values.local === true ? { placement: 'local' as const } : {};
    if (values.local === true && sub !== 'fill' && sub !== 'claim') throw new UsageError('--local goes with pool fill and pool claim.');
    const profile = await resolveCliProfile(stringOption(values, 'url'), io, values);
    const db = await createPool(profile, 2);
    try {
      switch (sub) {
        case 'size': {
          const size = parseCount(positional ?? stringOption(values, 'size'), 'The pool size');
          await setPoolTarget(db, size);
          io.stdout(`Pool size set to ${size}. Run \`tenantry pool fill --snapshot FILE\` to build the spares.\n`);
          return 0;
        }
        case 'status': {
          const path = stringOption(values, 'snapshot');
          const snapshot = path ? await loadPoolSnapshot(path, io) : undefined;
          const status = await readPoolStatus(db, snapshot?.checksum);
          if (values.json === true) {
            io.stdout(JSON.stringify(status, null, 2) + '\n');
          } else {
            const missing = status.stale.filter((s) => s.missing === true).length;
            const stale = status.stale.length - missing;
            const notes = [...(snapshot ? [`${stale} stale (other snapshots)`] : []), ...(missing > 0 ? [`${missing} whose schema was dropped by hand (removed by the next fill)`] : [])];
            io.stdout(`Target ${status.target} spare(s); ${status.ready.length} ${snapshot ? 'ready for this snapshot' : 'built'}${notes.map((n) => `, ${n}`).join('')}.\n`);
            const owner = status.owner === null ? 'no snapshot' : `snapshot ${status.owner.slice(0, 12)}`;
            const other = snapshot && status.owner !== null && status.owner !== snapshot.checksum;
            io.stdout(`Owned by ${owner}${other ? ' (owned by another snapshot: `pool fill --snapshot FILE --replace --yes` takes it over)' : ''}${status.placement !== undefined ? `; Citus placement ${status.placement}` : ''}.\n`);
            for (const s of [...status.ready, ...status.stale]) io.stdout(`  ${s.schema}  snapshot ${s.checksum.slice(0, 12)}  built ${s.builtAt.toISOString()}${s.placement !== undefined ? `  ${s.placement}` : ''}${s.missing === true ? '  (schema gone)' : ''}\n`);
          }
          return 0;
        }
        case 'fill': {
          const path = requireOption(values, 'snapshot');
          const snapshot = await loadPoolSnapshot(path, io);
          const size = stringOption(values, 'size');
          const replace = values.replace === true;
          if (replace && values.yes !== true) throw new TenantryError('CONFIRMATION_REQUIRED', 'Replacing the pool drops the spares of the snapshot that owns it. Run again with --replace --yes to confirm.');
          const result = await fillPool(db, snapshot, {
            ...(size !== undefined ? { target: parseCount(size, '--size') } : {}),
            replace,
            // The command line's placement is explicit: without --local, distributed (background refills keep the pool's own).
            placement: values.local === true ? 'local' : 'distributed',
            onBuilt: (schema) => io.stderr(`built ${schema}\n`),
          });
          if (result.busy) {
            io.stderr('Another session is filling the pool right now; nothing was done.\n');
            return 1;
          }
          if (result.ownedBy !== undefined) {
            const spares = (await readPoolStatus(db, snapshot.checksum)).stale.length;
            throw ownedByOtherError(result.ownedBy, snapshot.checksum, spares, `tenantry pool fill --snapshot ${path} --replace --yes`);
          }
          if (result.placedOtherwise !== undefined) throw placedOtherwiseError(result.placedOtherwise, `tenantry pool fill --snapshot ${path}${values.local === true ? ' --local' : ''} --replace --yes`);
          io.stdout(`Built ${result.built.length} spare(s), dropped ${result.dropped.length} stale one(s).\n`);
          return 0;
        }
        case 'empty': {
          if (values.yes !== true) throw new TenantryError('CONFIRMATION_REQUIRED', 'Emptying the pool drops every spare tenant schema. Run again with --yes to confirm.');
          const dropped = await emptyPool(db);
          io.stdout(`Dropped ${dropped.length} spare(s).\n`);
          return 0;
        }
        case 'claim': {
          const snapshot = await loadPoolSnapshot(requireOption(values, 'snapshot'), io);
          const tenant = requireOption(values, 'tenant');
          validateTenantName(tenant, { protectedNames: listSavedTemplates(io) });
          const result = await claimSpare(db, snapshot, tenant, local);
          io.stdout(values.json === true ? JSON.stringify(result) + '\n' : `Created tenant "${result.tenant}" from spare ${result.spare} in ${result.ms.toFixed(1)} ms.\n`);
          return 0;
        }
      }
      return 2;
    } finally {
      await db.end();
    }
  },
};
