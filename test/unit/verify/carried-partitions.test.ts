import { describe, expect, it } from 'vitest';
import { matchCarriedPartitions } from '../../../core/verify/carried-partitions.js';
import { compareCatalogs, type CatalogObject, type SchemaCatalog } from '../../../core/verify/compare-catalogs.js';
import { partitionKey, withCarriedPrivileges } from '../../../core/verify/carried-privileges.js';

const tenant = (schema: string, q: string): SchemaCatalog => ({
  schema,
  objects: [
    { kind: 'table', name: 'events', attributes: { partition_key: 'HASH (tenant)', partition_bound: null, inherits: null } },
    { kind: 'table', name: 'events_0', attributes: { partition_key: null, partition_bound: 'FOR VALUES WITH (modulus 2, remainder 0)', inherits: `${q}.events` } },
    { kind: 'table', name: 'stray', attributes: { partition_key: null, partition_bound: 'FOR VALUES WITH (modulus 2, remainder 1)', inherits: `${q}.events` } },
    { kind: 'column', name: 'events_0.id', attributes: {} },
    { kind: 'constraint', name: 'events_0.events_0_pkey', attributes: {} },
    { kind: 'index', name: 'events_0_pkey', attributes: { definition: `CREATE UNIQUE INDEX events_0_pkey ON ${q}.events_0 USING btree (id, tenant)` } },
    { kind: 'index', name: 'events_pkey', attributes: { definition: `CREATE UNIQUE INDEX events_pkey ON ONLY ${q}.events USING btree (id, tenant)` } },
  ],
});

describe('carried partitions in verify', () => {
  it.each([['acme', 'acme'], ['Acme Corp', '"Acme Corp"']])('matches by parent and bounds, whatever the partition is called (%s)', (schema, q) => {
    const partitions = [
      { schema: 'parts', name: 'p0', parent: 'events', bound: 'FOR VALUES WITH (modulus 2, remainder 0)' },
      { schema: 'parts', name: 'p1', parent: 'events', bound: 'FOR VALUES WITH (modulus 4, remainder 1)' },
    ];
    const out = matchCarriedPartitions(tenant(schema, q), partitions);
    expect(out.matched).toBe(1);
    // events_0 and what belongs to it leave the comparison; the parent, its index and the unmatched stray stay.
    expect(out.tenant.objects.map((o) => `${o.kind} ${o.name}`)).toEqual(['table events', 'table stray', 'index events_pkey']);
    expect(out.differences).toEqual([{ kind: 'partition', object: 'parts.p1', detail: `the template's partition of events (FOR VALUES WITH (modulus 4, remainder 1)) has no partition of events with these bounds in tenant "${schema}"` }]);
    expect(out.notes[0]?.detail).toMatch(/^1 of the template's 2 partitions kept in parts correspond/);
  });

  it('changes nothing when the template keeps no partitions elsewhere', () => {
    const t = tenant('acme', 'acme');
    expect(matchCarriedPartitions(t, [])).toEqual({ tenant: t, matched: 0, pairs: [], differences: [], notes: [] });
  });
});

describe("carried partitions' privileges in verify", () => {
  const template: SchemaCatalog = { schema: 'tpl', objects: [{ kind: 'privileges', name: 'table events', attributes: { owner: 'app', privileges: '(owner)=SELECT' } }] };
  const partition = { schema: 'parts', name: 'p0', parent: 'events', bound: 'FOR VALUES WITH (modulus 2, remainder 0)' };
  const read = new Map<string, CatalogObject[]>([[partitionKey(partition), [
    { kind: 'privileges', name: 'table p0', attributes: { owner: 'app', privileges: '(owner)=SELECT, reader=SELECT' } },
    { kind: 'privileges', name: 'column p0.body', attributes: { privileges: 'reader=UPDATE' } },
  ]]]);

  it("adds the template partition's owner and privileges under the name of the tenant's partition it matched", () => {
    const out = withCarriedPrivileges(template, read, [{ partition, tenant: 'events_0' }]);
    expect(out.objects.map((o) => o.name)).toEqual(['table events', 'table events_0', 'column events_0.body']);
    expect(out.objects[1]?.attributes).toEqual({ owner: 'app', privileges: '(owner)=SELECT, reader=SELECT' });
    // So the tenant's carried partition is compared: its missing grants are differences, not "only in tenant".
    const tenant: SchemaCatalog = { schema: 'acme', objects: [template.objects[0]!, { kind: 'privileges', name: 'table events_0', attributes: { owner: 'app', privileges: '(owner)=SELECT' } }] };
    expect(compareCatalogs(out, tenant, { rewriteAttributes: false }).differences.map((d) => `${d.object}: ${d.detail}`)).toEqual([
      'table events_0: privileges: template (owner)=SELECT, reader=SELECT ≠ tenant (owner)=SELECT',
      'column events_0.body: missing in tenant "acme"',
    ]);
  });

  it('leaves the template side as it is when nothing was carried', () => {
    expect(withCarriedPrivileges(template, read, [])).toBe(template);
  });
});
