import pg from 'pg';
import { startCluster } from '../test/integration/harness/cluster.js';
import { generateTemplateSql } from './generate-template.js';
import { makeBenchSnapshot } from './bench-snapshot.js';
import { execFileSync } from 'node:child_process';
import { createProvisioner } from '../electron/services/provision.js';
import { readSessionSettings, restoreSessionSettings } from '../electron/services/provision/session-settings.js';
import { median } from './stats.js';
const c = await startCluster();
try {
  await c.createDatabase('d');
  await c.query(generateTemplateSql({ schema: 'tmpl', tables: 20 }), 'd');
  const dump = execFileSync('pg_dump', ['-s', '--schema=tmpl', c.url('d')], { maxBuffer: 1 << 28 }).toString();
  const snap = await makeBenchSnapshot(dump, 'tmpl');
  const profile = { host: c.host, port: c.port, user: c.user, password: c.password, database: 'd', sslmode: 'disable' as const };
  const prov = await createProvisioner(profile, { via: 'driver', concurrency: 1 });
  const floor = new pg.Client({ host: c.host, port: c.port, user: c.user, password: c.password, database: 'd' });
  await floor.connect();
  const steps: Record<string, number[]> = {};
  const add = (k: string, v: number) => (steps[k] ??= []).push(v);
  for (let i = 0; i < 15; i++) {
    let t = performance.now();
    await floor.query('BEGIN;\n' + snap.source.render('f' + i) + '\n;COMMIT;');
    add('floor', performance.now() - t);
    t = performance.now();
    await prov.provisionTenant(snap.source, 'd' + i);
    add('driver', performance.now() - t);
    // manual breakdown
    const sql = snap.source.render('m' + i);
    const cl = floor;
    let s = performance.now();
    await cl.query('BEGIN'); add('begin', performance.now() - s); s = performance.now();
    const before = await readSessionSettings(cl); add('readSettings', performance.now() - s); s = performance.now();
    await cl.query('select pg_advisory_xact_lock(1, hashtext($1))', ['m' + i]); add('lock', performance.now() - s); s = performance.now();
    await cl.query('select 1 from pg_namespace where nspname = $1', ['m' + i]); add('exists', performance.now() - s); s = performance.now();
    await cl.query(sql); add('sql', performance.now() - s); s = performance.now();
    const restored = await restoreSessionSettings(cl, before); add('restore(' + restored.length + ')', performance.now() - s); s = performance.now();
    await cl.query('COMMIT'); add('commit', performance.now() - s);
  }
  for (const [k, v] of Object.entries(steps)) console.log(k.padEnd(16), median(v).toFixed(2));
  await floor.end(); await prov.close();
} finally { await c.stop(); }
