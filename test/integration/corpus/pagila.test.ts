import { expect } from 'vitest';
import { CORPUS } from '../harness/corpus.js';
import { defineCorpusSuite, q, type Exercise } from './suite.js';

const triggerWritesOwnRow: Exercise = {
  name: 'the last_updated trigger stamps the tenant row',
  async run(client, tenant) {
    const { rows } = await client.query<{ actor_id: number }>(`insert into ${q(tenant)}.actor (first_name, last_name) values ('Ada', 'Lovelace') returning actor_id`);
    const id = rows[0]?.actor_id;
    const updated = await client.query<{ recent: boolean }>(
      `update ${q(tenant)}.actor set first_name = 'Augusta', last_update = '2000-01-01' where actor_id = $1 returning last_update > now() - interval '1 hour' as recent`,
      [id],
    );
    expect(updated.rows[0]?.recent).toBe(true);
  },
};

defineCorpusSuite(CORPUS.find((c) => c.file === 'pagila.sql')!, [triggerWritesOwnRow]);
