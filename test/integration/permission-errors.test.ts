/**
 * A DBA's first run as an application role without the right privileges:
 * every failure names the role and the GRANT (or option) that would fix it,
 * through the driver, through psql, for dump and for drop; and a database
 * name typo is not reported as "check that the server runs".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { profileFor } from './harness/profile.js';
import { createProvisioner, type ProvisionVia, type TenantSource } from '../../electron/services/provision/provisioner.js';
import { dropTenant } from '../../electron/services/provision/drop-tenant.js';
import { dumpSchema } from '../../electron/services/dump/dump-schema.js';
import { listSchemas } from '../../electron/services/catalog/list-schemas.js';
import { TenantryError } from '../../core/errors.js';
import { main } from '../../electron/cli/main.js';

const owned: TenantSource = {
  render: (tenant) => `CREATE SCHEMA "${tenant}";\nCREATE TABLE "${tenant}".t (id int);\nALTER TABLE "${tenant}".t OWNER TO postgres;\n`,
};
const plain: TenantSource = { render: (tenant) => `CREATE SCHEMA "${tenant}";\nCREATE TABLE "${tenant}".t (id int);\n` };

let cluster: Cluster;
const app = { user: 'app user', password: 'app-pw' };

async function failure(promise: Promise<unknown>): Promise<TenantryError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TenantryError);
    return error as TenantryError;
  }
  throw new Error('expected a failure');
}

beforeAll(async () => {
  cluster = await startCluster();
  await cluster.createDatabase('app');
  await cluster.query(`create role "app user" login password 'app-pw'; create table public.secret (id int); create schema admin_owned;`, 'app');
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('a role without privileges', () => {
  for (const via of ['driver', 'psql'] as ProvisionVia[]) {
    it(`provisioning via ${via} without CREATE on the database names the role and the GRANT`, async () => {
      const provisioner = await createProvisioner(profileFor(cluster, 'app', app), { via });
      try {
        const error = await failure(provisioner.provisionTenant(plain, `t_${via}`));
        expect(error.code).toBe('PROVISION_FAILED');
        expect(error.userMessage).toContain('Role "app user" may not create schemas in database "app"');
        expect(error.userMessage).toContain('GRANT CREATE ON DATABASE app TO "app user";');
      } finally {
        await provisioner.close();
      }
    });
  }

  it('a snapshot with OWNER TO a role the provisioner is not a member of suggests --no-owner or the GRANT', async () => {
    await cluster.query('grant create on database app to "app user"', 'app');
    const provisioner = await createProvisioner(profileFor(cluster, 'app', app));
    try {
      const error = await failure(provisioner.provisionTenant(owned, 'acme'));
      expect(error.userMessage).toContain('not a member of role "postgres"');
      expect(error.userMessage).toContain('--no-owner');
      expect(error.userMessage).toContain('GRANT postgres TO "app user";');
      // The same role can provision once ownership is left out.
      await provisioner.provisionTenant(plain, 'acme');
    } finally {
      await provisioner.close();
      await cluster.query('revoke create on database app from "app user"', 'app');
    }
  });

  it('drop of a schema the role does not own says so', async () => {
    const error = await failure(dropTenant(profileFor(cluster, 'app', app), 'admin_owned', { confirmed: true }));
    expect(error.userMessage).toContain('Role "app user" does not own schema "admin_owned"');
  });

  it('dump of a table the role cannot read names the role and a GRANT', async () => {
    const error = await failure(dumpSchema(profileFor(cluster, 'app', app), { schema: 'public' }));
    expect(error.code).toBe('PG_DUMP_FAILED');
    expect(error.userMessage).toContain('Role "app user" may not read table secret');
    expect(error.userMessage).toContain('GRANT SELECT ON ALL TABLES IN SCHEMA');
  });

  it('a database name that does not exist is reported as such, not as a server that is down', async () => {
    const error = await failure(listSchemas(profileFor(cluster, 'no_such_db')));
    expect(error.userMessage).toContain('has no database "no_such_db"');
    expect(error.userMessage).not.toContain('Check that the server runs');
  });

  it('a role without CONNECT on the database gets the GRANT CONNECT to run', async () => {
    await cluster.createDatabase('vault');
    await cluster.query('revoke connect on database vault from public', 'app');
    const error = await failure(listSchemas(profileFor(cluster, 'vault', app)));
    expect(error.userMessage).toContain('GRANT CONNECT ON DATABASE vault TO "app user";');
  });
});

describe('the CLI, as that role', () => {
  it('tenantry dump prints pg_dump\'s lines once-prefixed and the GRANT, exit 1', async () => {
    let stderr = '';
    const url = `postgresql://app%20user:app-pw@${cluster.host}:${cluster.port}/app?sslmode=disable`;
    const code = await main(['dump', '--schema', 'public', '--url', url], { stdout: () => undefined, stderr: (t) => void (stderr += t), env: { PATH: process.env.PATH ?? '' }, cwd: process.cwd() });
    expect(code).toBe(1);
    expect(stderr).not.toContain('pg_dump: pg_dump:');
    expect(stderr).toMatch(/^pg_dump: error: query failed: ERROR: {2}permission denied for table secret$/m);
    expect(stderr).toContain('Role "app user" may not read table secret');
  });
});

describe('a snapshot made in another database', () => {
  const needsCitext: TenantSource = { render: (tenant) => `CREATE SCHEMA "${tenant}";\nCREATE TABLE "${tenant}".users (name public.citext);\n` };
  const needsTrgm: TenantSource = { render: (tenant) => `CREATE SCHEMA "${tenant}";\nCREATE TABLE "${tenant}".p (t text);\nCREATE INDEX ON "${tenant}".p USING gin (t public.gin_trgm_ops);\n` };
  const grantsToMissingRole: TenantSource = { render: (tenant) => `CREATE SCHEMA "${tenant}";\nGRANT USAGE ON SCHEMA "${tenant}" TO app_visitor;\n` };
  const ownOrderingBug: TenantSource = { render: (tenant) => `CREATE SCHEMA "${tenant}";\nCREATE TABLE "${tenant}".t (m "${tenant}".mood);\n` };

  for (const via of ['driver', 'psql'] as ProvisionVia[]) {
    it(`via ${via}: a missing extension type or operator class says to install the extensions first`, async () => {
      const provisioner = await createProvisioner(profileFor(cluster, 'app'), { via });
      try {
        const citext = await failure(provisioner.provisionTenant(needsCitext, `c_${via}`));
        expect(citext.userMessage).toContain('The snapshot uses type public.citext, which this database does not have');
        expect(citext.userMessage).toContain('CREATE EXTENSION … SCHEMA public;');
        const trgm = await failure(provisioner.provisionTenant(needsTrgm, `g_${via}`));
        expect(trgm.userMessage).toContain('operator class public.gin_trgm_ops');
        const role = await failure(provisioner.provisionTenant(grantsToMissingRole, `r_${via}`));
        expect(role.userMessage).toContain('Role "app_visitor" does not exist in this cluster');
        expect(role.userMessage).toContain('--no-owner --no-privileges');
      } finally {
        await provisioner.close();
      }
    });
  }

  it('a type of the tenant itself that is missing gets no misleading extension hint', async () => {
    const provisioner = await createProvisioner(profileFor(cluster, 'app'));
    try {
      const error = await failure(provisioner.provisionTenant(ownOrderingBug, 'own'));
      expect(error.code).toBe('PROVISION_FAILED');
      expect(error.userMessage).not.toContain('CREATE EXTENSION');
    } finally {
      await provisioner.close();
    }
  });
});
