import { expect } from 'vitest';
import { CORPUS } from '../harness/corpus.js';
import { defineCorpusSuite, q, type Exercise } from './suite.js';

const functionsAndTriggersUseOwnTables: Exercise = {
  name: "the tenant's search function reads its own posts and the updated_at trigger stamps its own rows",
  async run(client, tenant) {
    const person = await client.query<{ id: number }>(`insert into ${q(tenant)}.person (first_name, last_name) values ('Ada', 'Lovelace') returning id`);
    const id = person.rows[0]?.id;
    const post = await client.query<{ id: number }>(`insert into ${q(tenant)}.post (author_id, headline, body) values ($1, 'Hello from ' || $2, 'body') returning id`, [id, tenant]);
    const found = await client.query<{ id: number; headline: string }>(`select id, headline from ${q(tenant)}.search_posts('Hello')`);
    expect(found.rows).toEqual([{ id: post.rows[0]?.id, headline: `Hello from ${tenant}` }]);
    const full = await client.query<{ name: string }>(`select ${q(tenant)}.person_full_name(p) as name from ${q(tenant)}.person p where id = $1`, [id]);
    expect(full.rows[0]?.name).toBe('Ada Lovelace');
    await client.query(`update ${q(tenant)}.person set updated_at = '2000-01-01' where id = $1`, [id]);
    const stamped = await client.query<{ recent: boolean }>(`select updated_at > now() - interval '1 hour' as recent from ${q(tenant)}.person where id = $1`, [id]);
    expect(stamped.rows[0]?.recent).toBe(true);
  },
};

defineCorpusSuite(CORPUS.find((c) => c.file === 'postgraphile-forum.sql')!, [functionsAndTriggersUseOwnTables]);
