import { expect } from 'vitest';
import { CORPUS } from '../harness/corpus.js';
import { defineCorpusSuite, q, type Exercise } from './suite.js';

const triggersWork: Exercise = {
  name: "the emp_stamp trigger stamps the tenant's row and my_trigger_table takes its own ids",
  async run(client, tenant) {
    const emp = await client.query<{ last_user: string }>(`insert into ${q(tenant)}.emp (empname, salary) values ('ada', 10) returning last_user`);
    expect(emp.rows[0]?.last_user).toBe('postgres');
    await expect(client.query(`insert into ${q(tenant)}.emp (empname, salary) values ('bob', -1)`)).rejects.toThrow('bob cannot have a negative salary');
  },
};

const ownIds: Exercise = {
  name: 'my_trigger_table numbers rows from 1 in every tenant',
  async run(client, tenant) {
    await client.query('savepoint ids');
    const { rows } = await client.query<{ id: number }>(`insert into ${q(tenant)}.my_trigger_table (name) values ('x') returning id`);
    const seq = await client.query<{ last: number }>(`select last_value as last from ${q(tenant)}.my_trigger_table_id_seq`);
    expect(Number(rows[0]?.id)).toBe(Number(seq.rows[0]?.last));
    await client.query('release savepoint ids');
  },
};

const routingTriggerWritesOwnPartition: Exercise = {
  name: "the measurement routing trigger (unqualified INSERTs) fills the tenant's own child table under the tenant's search_path",
  async run(client, tenant) {
    // Schema-per-tenant applications set search_path to the tenant; the trigger's unqualified names follow it.
    await client.query(`select set_config('search_path', $1, true)`, [q(tenant)]);
    try {
      await client.query(`insert into ${q(tenant)}.measurement (city_id, logdate, peaktemp) values (1, '2024-05-01', 20)`);
      const { rows } = await client.query<{ n: number }>(`select count(*)::int as n from ${q(tenant)}.measurement_y2024 where logdate = '2024-05-01'`);
      expect(rows[0]?.n).toBe(1);
    } finally {
      await client.query(`select set_config('search_path', '"$user", public', true)`);
    }
  },
};

// The failed insert above aborts the transaction unless it runs in a savepoint.
const guarded = (e: Exercise): Exercise => ({
  name: e.name,
  async run(client, tenant, index) {
    await client.query('savepoint guarded');
    try {
      await e.run(client, tenant, index);
    } finally {
      await client.query('rollback to savepoint guarded');
    }
  },
});

defineCorpusSuite(CORPUS.find((c) => c.file === 'pg-clone-schema-sample.sql')!, [guarded(triggersWork), ownIds, routingTriggerWritesOwnPartition]);
