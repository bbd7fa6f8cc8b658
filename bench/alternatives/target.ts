/** Where the alternatives connect: one database of the benchmark cluster. */
import pg from 'pg';

export interface BenchTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** An open node-postgres client on plain TCP (no TLS). */
export async function openBenchClient(target: BenchTarget): Promise<pg.Client> {
  const client = new pg.Client({ host: target.host, port: target.port, user: target.user, password: target.password, database: target.database, ssl: false });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}
