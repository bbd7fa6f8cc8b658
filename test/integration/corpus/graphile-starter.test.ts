import { expect } from 'vitest';
import { CORPUS } from '../harness/corpus.js';
import { defineCorpusSuite, q, type Exercise } from './suite.js';

// Users cannot be inserted into a tenant of graphile-starter: the trigger
// _500_insert_secrets writes app_private.user_secrets, whose foreign key points
// at app_public.users (the template), not at the tenant. The snapshot report
// lists such dependents; see the 'reports objects outside' test below.
const organizationsWork: Exercise = {
  name: "an organization row passes the citext checks and the tenant's functions read its own tables",
  async run(client, tenant, index) {
    const { rows } = await client.query<{ id: string }>(`insert into ${q(tenant)}.organizations (slug, name) values ($1, 'Org') returning id`, [`org-${index}`]);
    const owner = await client.query<{ owner: boolean }>(`select ${q(tenant)}.organizations_current_user_is_owner(o) as owner from ${q(tenant)}.organizations o where id = $1`, [rows[0]?.id]);
    expect(owner.rows[0]?.owner).toBe(false);
  },
};

defineCorpusSuite(CORPUS.find((c) => c.file === 'graphile-starter.sql')!, [organizationsWork], {
  dependents: ['app_private.user_secrets', 'app_private.sessions'],
});
