import pg from 'pg';
import { execFileSync } from 'node:child_process';
import { startCluster } from '../test/integration/harness/cluster.js';
import { generateTemplateSql } from './generate-template.js';
import { makeBenchSnapshot } from './bench-snapshot.js';
import { createProvisioner } from '../electron/services/provision.js';
import { runFloor } from './alternatives/floor.js';
import { median } from './stats.js';
const c = await startCluster({ conf: { max_locks_per_transaction: 512 } });
try {
  await c.createDatabase('d');
  await c.query(generateTemplateSql({ schema: 'tmpl', tables: 400 }), 'd');
  const dump = execFileSync('pg_dump', ['-s', '--schema=tmpl', c.url('d')], { maxBuffer: 1 << 28 }).toString();
  const cc = await c.connect('d');
  const snap = await makeBenchSnapshot(cc, dump, 'tmpl');
  await cc.end();
  const profile = { host: c.host, port: c.port, user: c.user, password: c.password, database: 'd', sslmode: 'disable' as const };
  const prov = await createProvisioner(profile, { via: 'driver', concurrency: 1 });
  const t: Record<string, number[]> = { floor: [], floorPoolClient: [], driver: [] };
  for (let i = 0; i < 3; i++) {
    const f = new pg.Client({ host: c.host, port: c.port, user: c.user, password: c.password, database: 'd', ssl: false });
    await f.connect(); await f.query('SELECT 1');
    const sql = snap.sql('f' + i);
    let s = performance.now(); await runFloor(f, sql); t.floor!.push(performance.now() - s); await f.end();
    const pc = await prov.pool.connect(); await pc.query('SELECT 1');
    const sql2 = snap.sql('p' + i);
    s = performance.now(); await pc.query(`BEGIN;\n${sql2}\n;COMMIT;`); t.floorPoolClient!.push(performance.now() - s); pc.release();
    s = performance.now(); await prov.provisionTenant(snap.source, 'd' + i); t.driver!.push(performance.now() - s);
  }
  for (const [k, v] of Object.entries(t)) console.log(k, v.map((x) => Math.round(x)), Math.round(median(v)));
  await prov.close();
} finally { await c.stop(); }
