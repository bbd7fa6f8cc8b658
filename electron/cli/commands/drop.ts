/** `tenantry drop`: DROP SCHEMA … CASCADE for a tenant, only with --yes. */
import { dropTenant } from '../../services/provision/drop-tenant.js';
import { listSavedTemplates } from '../protected-names.js';
import type { CliCommand } from '../command.js';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, parseOptions, requireOption, resolveCliProfile, stringOption } from './parse-options.js';

export const dropCommand: CliCommand = {
  name: 'drop',
  summary: 'Drop a tenant schema and all its data (needs --yes)',
  usage: [
    'Usage: tenantry drop --tenant T --yes [--url URL]',
    '',
    'Runs DROP SCHEMA "T" CASCADE: the tenant and all its data are deleted. Refuses',
    'a name provisioning would refuse (public, system schemas, _tenantry…, names over',
    '63 bytes, the template schema of a saved snapshot) and a tenant that objects in',
    'other schemas depend on (views, foreign keys, columns of its types): CASCADE',
    'would drop those too.',
    '',
    '  --tenant T       the tenant schema to drop',
    '  --yes            confirm; without it nothing is dropped',
    CONNECTION_USAGE,
  ].join('\n'),
  async run(argv, io) {
    const values = parseOptions(argv, { ...CONNECTION_OPTIONS, tenant: { type: 'string' }, yes: { type: 'boolean' } });
    const tenant = requireOption(values, 'tenant');
    const profile = await resolveCliProfile(stringOption(values, 'url'), io, values);
    const protectedNames = listSavedTemplates(io);
    const dropped = await dropTenant(profile, tenant, { confirmed: values.yes === true, protectedNames });
    io.stdout(`Dropped tenant "${dropped.tenant}" (${dropped.objects} objects).\n`);
    return 0;
  },
};
