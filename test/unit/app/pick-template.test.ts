/**
 * The template the Schemas view proposes: on lago with tenants already made,
 * it used to propose "Acme Corp" (the first non-public schema), so a DBA
 * clicking "Dump schema" straight away dumped a tenant.
 */
import { describe, expect, it } from 'vitest';
import type { SchemaSummary } from '../../../core/api/contract.js';
import { pickDefaultTemplate } from '../../../renderer/src/lib/pick-template.js';

const s = (name: string, tables: number, views: number, functions: number, sequences: number, extra: Partial<SchemaSummary> = {}): SchemaSummary => ({
  name, owner: 'postgres', tables, views, functions, sequences, sizeBytes: 0, system: false, extensionOwned: false, ...extra,
});

describe('pickDefaultTemplate', () => {
  it('lago with tenants: public (extension functions make it the largest), not the first tenant', () => {
    expect(pickDefaultTemplate([s('Acme Corp', 114, 31, 2, 2), s('acme', 114, 31, 2, 2), s('public', 114, 31, 42, 2), s('t2', 114, 31, 2, 2)])).toBe('public');
  });

  it('pagila with tenants that are exact copies: public wins the tie', () => {
    expect(pickDefaultTemplate([s('$$', 22, 8, 10, 13), s('public', 22, 8, 10, 13), s('select', 22, 8, 10, 13)])).toBe('public');
  });

  it('graphile-starter: app_public, not public full of extension functions, nor app_private', () => {
    expect(pickDefaultTemplate([s('app_hidden', 0, 0, 0, 0), s('app_private', 6, 0, 11, 0), s('app_public', 6, 0, 29, 0), s('public', 0, 0, 93, 0), s('pg_catalog', 64, 75, 3233, 0, { system: true })])).toBe('app_public');
  });

  it('a schema named like a template wins', () => {
    expect(pickDefaultTemplate([s('acme', 6, 1, 4, 6), s('public', 0, 0, 36, 0), s('tenant_template', 6, 1, 4, 6)])).toBe('tenant_template');
  });

  it('nothing to propose in an empty database', () => {
    expect(pickDefaultTemplate([s('pg_catalog', 64, 75, 3233, 0, { system: true })])).toBeUndefined();
  });
});
