/** `tenantry drift`: exit 0 only when every tenant equals the template or a snapshot marked current. */
import { isFleetCurrent } from '../../../core/fleet/census.js';
import { createPool } from '../../services/connection/open-connection.js';
import { describeCohort, takeCensus } from '../../services/fleet/census.js';
import type { CliCommand } from '../command.js';
import { EXIT } from '../exit-status.js';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, listOption, parseOptions, requireOption, resolveCliProfile, stringOption } from './parse-options.js';
import { describeKeys, toCohortJson, type CohortJson } from './tenants.js';
import type { VerifyDifference } from '../../../core/api/contract.js';

export const driftCommand: CliCommand = {
  name: 'drift',
  summary: "Check that every tenant of a template still has the template's structure",
  usage: [
    'Usage: tenantry drift --template S [--current LABEL …] [--no-privileges] [--fresh] [--json] [--url URL]',
    '',
    'Takes the census of the tenants of S (see tenantry tenants) and, for each cohort',
    'that is not equal to the template, shows its differences: the verify comparison',
    'run on one member.',
    '',
    '  --template S     the template schema',
    '  --current LABEL  a snapshot whose own shape also counts as current (repeatable)',
    '  --no-privileges  leave privileges out of the comparison',
    '  --fresh          reuse no key kept by an earlier census (see tenantry tenants)',
    '  --json           {"template", "ok", "summary", "cohorts": [{id, name, status,',
    '                   snapshot, differingKinds, size, members, differences?}], "missing",',
    '                   "keys": {reused, computed}}',
    CONNECTION_USAGE,
    '',
    'Exit status: 0 when every tenant equals the template or a --current snapshot,',
    '4 when some drifted, 3 when the server cannot be reached, 1 on failure.',
  ].join('\n'),
  async run(argv, io) {
    const values = parseOptions(argv, { ...CONNECTION_OPTIONS, template: { type: 'string' }, current: { type: 'string', multiple: true }, 'no-privileges': { type: 'boolean' }, fresh: { type: 'boolean' }, json: { type: 'boolean' } });
    const template = requireOption(values, 'template');
    const current = listOption(values, 'current');
    const privileges = values['no-privileges'] !== true;
    const profile = await resolveCliProfile(stringOption(values, 'url'), io, values);
    const db = await createPool(profile, 2);
    try {
      const census = await takeCensus(db, { template, record: true, privileges, reuseKeys: values.fresh !== true });
      const ok = isFleetCurrent(census.cohorts, current);
      const cohorts: (CohortJson & { differences?: VerifyDifference[] })[] = [];
      for (const c of census.cohorts) {
        const json = toCohortJson(c);
        if (c.status === 'template' || (c.snapshot !== undefined && c.status === 'snapshot' && current.includes(c.snapshot))) {
          cohorts.push(json);
          continue;
        }
        const [first] = await describeCohort(db, { template, cohort: c, carries: { owners: false, privileges } });
        cohorts.push({ ...json, differences: first?.differences ?? [] });
      }
      if (values.json === true) {
        io.stdout(JSON.stringify({ template, ok, summary: census.summary, cohorts, missing: census.missing, keys: census.keys }, null, 2) + '\n');
      } else {
        io.stdout(`Template "${template}": ${census.tenants} tenant(s): ${census.summary} (${describeKeys(census.keys)}).\n`);
        for (const c of cohorts) {
          if (c.differences === undefined) continue;
          io.stdout(`  cohort ${c.id} (${c.size}: ${c.members.slice(0, 5).join(', ')}${c.size > 5 ? ', …' : ''}) ${c.name}:\n`);
          for (const d of c.differences) io.stdout(`    - ${d.kind} ${d.object}: ${d.detail}\n`);
        }
        io.stdout(ok ? 'No drift.\n' : 'Drift found.\n');
      }
      return ok ? EXIT.ok : EXIT.differs;
    } finally {
      await db.end();
    }
  },
};
