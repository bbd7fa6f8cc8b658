/**
 * snapshot:build takes the dump's catalog facts from the backend (the dump job
 * kept them), never from the request: a renderer could otherwise hand the
 * engine facts that make it leave a real reference to the template in place.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { SnapshotBuildRequest } from '../../../core/api/contract.js';
import type { CatalogFacts } from '../../../core/snapshot/catalog-facts.js';
import { createEngineHandlers } from '../../../electron/handlers/engine-handlers.js';
import { EngineThread } from '../../../electron/handlers/engine-thread.js';
import { JobRegistry } from '../../../electron/handlers/jobs.js';
import { DumpCatalogs } from '../../../electron/services/snapshot/dump-catalogs.js';
import { HistoryStore } from '../../../electron/services/storage/history-store.js';
import { SnapshotStore } from '../../../electron/services/storage/snapshot-store.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// `app.mytype` belongs to an extension installed in the template schema: only the catalog facts say so.
const facts: CatalogFacts = { schema: 'app', objects: { relations: ['t'], types: [], functions: [] }, extensionObjects: { relations: [], types: ['mytype'], functions: [] }, extensions: [{ name: 'myext', schema: 'app' }] };
const build: SnapshotBuildRequest = { sql: 'CREATE TABLE app.t (c app.mytype);\n', schema: 'app', placeholder: 'tenant', minify: false, skip: [] };

describe('DumpCatalogs', () => {
  it('gives back what a dump kept, including a dump without facts', () => {
    const held = new DumpCatalogs();
    held.remember('d1', facts);
    held.remember('d2', undefined);
    expect(held.read('d1')).toBe(facts);
    expect(held.read('d2')).toBeUndefined();
  });

  it('refuses a dump it never made or no longer holds, saying to dump again', () => {
    const held = new DumpCatalogs(2);
    held.remember('d1', facts);
    held.remember('d2', facts);
    held.remember('d1', facts); // used again: now the newest
    held.remember('d3', facts);
    expect(held.read('d1')).toBe(facts);
    expect(() => held.read('d2')).toThrow(expect.objectContaining({ code: 'NOT_AVAILABLE', userMessage: expect.stringContaining('Dump the schema again') }));
    expect(() => held.read('nope')).toThrow(expect.objectContaining({ code: 'NOT_AVAILABLE' }));
  });
});

describe('snapshot:build with a dumpId', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-dump-catalogs-'));
  const engine = new EngineThread();
  const dumpCatalogs = new DumpCatalogs();
  const handlers = createEngineHandlers({
    jobs: new JobRegistry(() => undefined),
    snapshots: new SnapshotStore(dir),
    history: new HistoryStore(dir),
    resolveTarget: () => Promise.reject(new Error('no targets here')),
    binaryOptions: {},
    engine,
    dumpCatalogs,
  });
  afterAll(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("uses the facts the dump kept: the extension's type stays, the table is the tenant's", async () => {
    dumpCatalogs.remember('dump-1', facts);
    const built = await handlers['snapshot:build']({ ...build, dumpId: 'dump-1' });
    expect(built.body).toContain('CREATE TABLE tenant.t (c app.mytype);');
    // Without the dump's facts the same text is built from the SQL alone, and the type is taken for the template's.
    const bare = await handlers['snapshot:build'](build);
    expect(bare.body).toContain('CREATE TABLE tenant.t (c tenant.mytype);');
  });

  it('refuses a dump the backend does not hold instead of building without its facts', async () => {
    await expect(handlers['snapshot:build']({ ...build, dumpId: 'never-dumped' })).rejects.toMatchObject({ code: 'NOT_AVAILABLE' });
  });
});
