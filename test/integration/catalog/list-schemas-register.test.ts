/**
 * schemas:list names each registered tenant's template (SchemaSummary.tenantOf, issue 14: the Schemas view groups
 * tenants under their template) from the register in the database, and a role that may not read the register
 * still gets the list, without the grouping, rather than an error (the bookkeeping schema withholds its
 * privileges from other roles).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../../support/cluster.js';
import { createPool } from '../../../electron/services/connection/open-connection.js';
import { ensureRegister } from '../../../electron/services/fleet/register.js';
import { listSchemas } from '../../../electron/services/catalog/list-schemas.js';
import { profileFor } from '../harness/profile.js';

const DB = 'reg';
const reader = { user: 'reader', password: 'reader-pw' };

describe('listSchemas and the tenant register', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster();
    await cluster.createDatabase(DB);
    await cluster.query(
      `create schema tmpl; create table tmpl.t (id int);
       create schema acme; create table acme.t (id int);
       create schema "Globex Inc"; create table "Globex Inc".t (id int);
       create schema orphan; create table orphan.t (id int);
       create schema billing; create table billing.t (id int);
       create role reader login password 'reader-pw';`,
      DB,
    );
    const db = await createPool(profileFor(cluster, DB), 1);
    try {
      await ensureRegister(db);
      await db.query(`insert into _tenantry.tenants (tenant, template, how) values ('acme', 'tmpl', 'built'), ('Globex Inc', 'tmpl', 'adopted'), ('orphan', 'dropped_tmpl', 'built'), ('gone', 'tmpl', 'built')`);
    } finally {
      await db.end();
    }
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it("gives each registered tenant its template, and nothing to the template or an unregistered schema", async () => {
    const schemas = await listSchemas(profileFor(cluster, DB));
    const of = (name: string) => schemas.find((s) => s.name === name);
    expect(of('acme')?.tenantOf).toBe('tmpl');
    expect(of('Globex Inc')?.tenantOf).toBe('tmpl');
    // The register's word, even when that template is gone (the view then leaves the schema among the candidates).
    expect(of('orphan')?.tenantOf).toBe('dropped_tmpl');
    expect(of('tmpl')).not.toHaveProperty('tenantOf');
    expect(of('billing')).not.toHaveProperty('tenantOf');
    // A registered tenant whose schema is gone is not listed: the list is the catalog's.
    expect(of('gone')).toBeUndefined();
  });

  it('lists the same schemas, without tenantOf, for a role that may not read the register', async () => {
    const asOwner = (await listSchemas(profileFor(cluster, DB))).map((s) => s.name);
    const schemas = await listSchemas(profileFor(cluster, DB, reader));
    expect(schemas.map((s) => s.name)).toEqual(asOwner);
    expect(schemas.filter((s) => s.tenantOf !== undefined)).toEqual([]);
  });
});
