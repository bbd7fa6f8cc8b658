/**
 * The snapshot editor's "Tenants will share" list says the same as the CLI's
 * report: extension objects that live in the template schema (lago's public
 * holds pgcrypto and unaccent) stay there and are not copied; and the tenant-name
 * check of the Provision view applies the same rules as provisioning.
 */
import { describe, expect, it } from 'vitest';
import { describeShared } from '../../../electron/services/snapshot/dump-for-editor.js';

const base = { dependencies: [], dependents: [], extensions: [], roles: [], extensionMembersInTemplate: 0 };

describe('describeShared', () => {
  it('lists extension members living in the template schema', () => {
    const lines = describeShared({ ...base, extensionMembersInTemplate: 42 }, 'public');
    expect(lines.some((l) => /^42 objects of extensions live in the template schema: they stay there/.test(l))).toBe(true);
  });

  it('names the extensions installed in the template schema when known', () => {
    const lines = describeShared({ ...base, extensions: [{ name: 'citext', schema: 'public' }], extensionMembersInTemplate: 1 }, 'public');
    expect(lines).toContain('1 object of extension citext live in the template schema: they stay there, shared by every tenant, and are not copied.');
  });

  it('uses the singular for one role', () => {
    const lines = describeShared({ ...base, roles: [{ name: 'postgres', owns: true, granted: false }] }, 'public');
    expect(lines).toContain('Role postgres is cluster-wide: the snapshot refers to it but never creates it.');
  });

  it('says nothing about extension members when there are none', () => {
    expect(describeShared(base, 'public').some((l) => l.includes('extension'))).toBe(false);
  });
});

describe("the Provision view's tenant-name check", () => {
  it('rejects the warm pool prefix, as provisioning does', async () => {
    const { createEngineHandlers } = await import('../../../electron/handlers/engine-handlers.js');
    const deps = { snapshots: { templateSchemas: () => ['tmpl'] } };
    const handlers = createEngineHandlers(deps as unknown as Parameters<typeof createEngineHandlers>[0]);
    const reserved = await handlers['tenant:check-name']({ name: '_tenantry_spare_abc_1' });
    expect(reserved.valid).toBe(false);
    expect(reserved.message).toContain('warm pool');
    // A saved snapshot's template schema is not a tenant name either (provision:start refuses it too).
    const template = await handlers['tenant:check-name']({ name: 'tmpl' });
    expect(template).toMatchObject({ valid: false });
    expect(template.message).toContain('template schema');
    await expect(handlers['tenant:check-name']({ name: 'Acme Corp' })).resolves.toEqual({ valid: true, quoted: '"Acme Corp"' });
  });
});
