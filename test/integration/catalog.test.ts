import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { readCatalogFacts } from '../../electron/services/catalog/read-catalog-facts.js';
import { readSharedObjects } from '../../electron/services/catalog/read-shared-objects.js';
import { readLedgers } from '../../electron/services/snapshot/read-ledgers.js';
import { TenantryError } from '../../core/errors.js';

describe('catalog facts, shared objects and ledgers', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster();
    await cluster.createDatabase('app');
    await cluster.query(
      `CREATE EXTENSION citext; CREATE EXTENSION pg_trgm; CREATE EXTENSION "uuid-ossp";
       CREATE ROLE app_user; CREATE ROLE app_admin;
       CREATE SCHEMA shared; CREATE TABLE shared.countries (code text PRIMARY KEY);
       CREATE TABLE public.users (id uuid DEFAULT public.uuid_generate_v4() PRIMARY KEY, email public.citext, country text REFERENCES shared.countries);
       CREATE INDEX users_email_trgm ON public.users USING gin ((email::text) public.gin_trgm_ops);
       CREATE TYPE public.state AS ENUM ('on', 'off');
       CREATE FUNCTION public.hello() RETURNS text LANGUAGE sql AS $$ SELECT 'hi' $$;
       GRANT SELECT ON public.users TO app_user;
       ALTER TABLE public.users OWNER TO app_admin;
       CREATE TABLE public.schema_migrations (version varchar PRIMARY KEY);
       INSERT INTO public.schema_migrations VALUES ('20200101000000'), ('20210101000000');
       CREATE TABLE public.django_migrations (id serial PRIMARY KEY, app varchar, name varchar, applied timestamptz);
       INSERT INTO public.django_migrations (app, name, applied) VALUES ('auth', '0001_initial', '2024-01-02 03:04:05+00'), ('auth', 'it''s \\ odd', NULL);
       CREATE TABLE public."SequelizeMeta" (name varchar PRIMARY KEY);
       INSERT INTO public."SequelizeMeta" VALUES ('20240101-create-user.js');
       CREATE TABLE public."__EFMigrationsHistory" (id int GENERATED ALWAYS AS IDENTITY, "MigrationId" varchar(150) PRIMARY KEY, "ProductVersion" varchar(32));
       INSERT INTO public."__EFMigrationsHistory" ("MigrationId", "ProductVersion") VALUES ('20240101_Init', '8.0.0');
       CREATE TABLE public.versions (v int, doubled int GENERATED ALWAYS AS (v * 2) STORED);
       INSERT INTO public.versions (v) VALUES (1), (2);`,
      'app',
    );
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('separates the template objects from the extension members that live in the same schema', async () => {
    const client = await cluster.connect('app');
    try {
      const facts = await readCatalogFacts(client, 'public');
      expect(facts.objects.relations).toEqual(expect.arrayContaining(['users', 'users_pkey', 'users_email_trgm', 'schema_migrations', 'django_migrations_id_seq', 'SequelizeMeta']));
      expect(facts.objects.sequences).toContain('django_migrations_id_seq');
      expect(facts.objects.types).toEqual(expect.arrayContaining(['state', 'users']));
      expect(facts.objects.functions).toEqual(['hello']);
      expect(facts.extensionObjects.types).toEqual(expect.arrayContaining(['citext', '_citext', 'gtrgm']));
      expect(facts.objects.types).not.toContain('citext');
      expect(facts.objects.types).not.toContain('_citext');
      expect(facts.extensionObjects.functions).toEqual(expect.arrayContaining(['uuid_generate_v4', 'similarity', 'citextin']));
      expect(facts.extensionObjects.operatorClasses).toEqual(expect.arrayContaining(['gin_trgm_ops', 'citext_ops']));
      expect(facts.extensions.map((e) => `${e.name}@${e.schema}`)).toEqual(['citext@public', 'pg_trgm@public', 'plpgsql@pg_catalog', 'uuid-ossp@public']);
      // The facts reach the editor's reference finder inside DumpResult, as JSON: they must survive it unchanged.
      expect(JSON.parse(JSON.stringify(facts))).toEqual(facts);
      // Read for some names only (how a migration is planned): exactly those of the whole read, nothing else.
      const names = ['users', 'citext', 'similarity', 'gin_trgm_ops', 'SequelizeMeta', 'hello', 'nosuch'];
      const some = await readCatalogFacts(client, 'public', names);
      const only = (list: string[] | undefined) => (list ?? []).filter((n) => names.includes(n)).sort();
      expect(some.objects.relations.sort()).toEqual(['SequelizeMeta', 'users']);
      expect(some.objects.types.sort()).toEqual(only(facts.objects.types));
      expect(some.objects.functions).toEqual(['hello']);
      expect(some.extensionObjects.types.sort()).toEqual(['citext']);
      expect(some.extensionObjects.functions.sort()).toEqual(only(facts.extensionObjects.functions));
      expect(some.extensionObjects.operatorClasses?.sort()).toEqual(['gin_trgm_ops']);
      expect(some.extensions).toEqual(facts.extensions);
    } finally {
      await client.end();
    }
  });

  it('reports what a tenant shares: outside objects, extensions used and roles', async () => {
    const client = await cluster.connect('app');
    try {
      const shared = await readSharedObjects(client, 'public');
      const deps = shared.dependencies.map((d) => `${d.to} (${d.extension ?? d.toSchema})`);
      expect(deps).toEqual(expect.arrayContaining(['public.citext (citext)', 'public.uuid_generate_v4() (uuid-ossp)', 'shared.countries.code (shared)', 'shared.countries_pkey (shared)', 'public.gin_trgm_ops USING gin (pg_trgm)']));
      expect(shared.extensions.map((e) => e.name).sort()).toEqual(['citext', 'pg_trgm', 'uuid-ossp']);
      expect(shared.roles).toEqual(expect.arrayContaining([{ name: 'app_admin', owns: true, granted: true }, { name: 'app_user', owns: false, granted: true }]));
      expect(shared.extensionMembersInTemplate).toBeGreaterThan(50);
    } finally {
      await client.end();
    }
  });

  it('carries ledger rows as INSERTs that recreate them exactly, sequences included', async () => {
    const client = await cluster.connect('app');
    try {
      const ledger = await readLedgers(client, 'public', ['versions']);
      expect(ledger.tables).toEqual([
        { name: 'schema_migrations', rows: 2 },
        { name: 'django_migrations', rows: 2 },
        { name: '__EFMigrationsHistory', rows: 1 },
        { name: 'SequelizeMeta', rows: 1 },
        { name: 'versions', rows: 2 },
      ]);
      // Replay into a copy: same rows, and the next django migration does not collide.
      await client.query(`CREATE SCHEMA copy;
        CREATE TABLE copy.schema_migrations (LIKE public.schema_migrations INCLUDING ALL);
        CREATE TABLE copy.django_migrations (id serial PRIMARY KEY, app varchar, name varchar, applied timestamptz);
        CREATE TABLE copy."SequelizeMeta" (LIKE public."SequelizeMeta" INCLUDING ALL);
        CREATE TABLE copy."__EFMigrationsHistory" (id int GENERATED ALWAYS AS IDENTITY, "MigrationId" varchar(150) PRIMARY KEY, "ProductVersion" varchar(32));
        CREATE TABLE copy.versions (v int, doubled int GENERATED ALWAYS AS (v * 2) STORED);`);
      await client.query(ledger.sql.replace(/\bpublic\./g, 'copy.').replace(/'public\./g, "'copy."));
      for (const table of ['schema_migrations', 'django_migrations', '"SequelizeMeta"', '"__EFMigrationsHistory"', 'versions']) {
        const a = await client.query(`SELECT * FROM public.${table} ORDER BY 1`);
        const b = await client.query(`SELECT * FROM copy.${table} ORDER BY 1`);
        expect(b.rows).toEqual(a.rows);
      }
      const next = await client.query<{ id: number }>("INSERT INTO copy.django_migrations (app, name) VALUES ('x', 'y') RETURNING id");
      expect(next.rows[0]?.id).toBe(3);
    } finally {
      await client.end();
    }
  });

  it('names a chosen ledger table that does not exist', async () => {
    const client = await cluster.connect('app');
    try {
      const error = await readLedgers(client, 'public', ['Versions']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TenantryError);
      expect((error as TenantryError).userMessage).toContain('"Versions" not found in schema "public"');
    } finally {
      await client.end();
    }
  });
});
