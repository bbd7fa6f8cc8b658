import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../support/cluster.js';
import pg from 'pg';

describe('test cluster harness', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('accepts password connections over TCP on 127.0.0.1 and refuses a wrong password', async () => {
    const client = new pg.Client({ connectionString: cluster.url() });
    await client.connect();
    const { rows } = await client.query('select current_user as u, inet_server_addr()::text as addr');
    await client.end();
    expect(rows[0]).toEqual({ u: 'postgres', addr: '127.0.0.1/32' });
    const bad = new pg.Client({ host: '127.0.0.1', port: cluster.port, user: 'postgres', password: 'wrong', database: 'postgres' });
    await expect(bad.connect()).rejects.toThrow(/password authentication failed/);
  });
});
