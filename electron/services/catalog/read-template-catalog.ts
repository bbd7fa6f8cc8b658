/**
 * What a snapshot reads of the template's catalog besides its dump: the catalog facts the snapshot engine needs and
 * what tenants will share with the rest of the database, from one list of the template's objects (read once, in one
 * read-only transaction, so both answers describe the same catalog).
 */
import type pg from 'pg';
import { readTemplateFacts, type TemplateCatalogFacts } from './read-catalog-facts.js';
import { inCatalogSnapshot, readSharedFromObjects, type SharedObjectsReport } from './read-shared-objects.js';

/** The catalog facts of `schema` and what its tenants share. */
export async function readTemplateCatalog(client: pg.ClientBase, schema: string): Promise<{ catalog: TemplateCatalogFacts; shared: SharedObjectsReport }> {
  return inCatalogSnapshot(client, async () => {
    const { facts, objects } = await readTemplateFacts(client, schema);
    return { catalog: facts, shared: await readSharedFromObjects(client, schema, objects) };
  });
}
