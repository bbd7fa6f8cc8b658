import { describe, expect, it } from 'vitest';
import { buildLedgerInserts } from '../../../core/ledger/ledger-inserts.js';
import { selectLedgerTables } from '../../../core/ledger/ledger-tables.js';

describe('selectLedgerTables', () => {
  it('finds the known ledgers present, mixed-case names exactly', () => {
    const { tables } = selectLedgerTables(['users', 'schema_migrations', 'ar_internal_metadata', 'SequelizeMeta', 'sequelizemeta', '__EFMigrationsHistory']);
    expect(tables).toEqual(['schema_migrations', 'ar_internal_metadata', '__EFMigrationsHistory', 'SequelizeMeta']);
  });
  it('adds user-chosen tables and reports the missing ones', () => {
    const { tables, missing } = selectLedgerTables(['versions', 'schema_migrations'], ['versions', 'schema_migrations', 'nope']);
    expect(tables).toEqual(['schema_migrations', 'versions']);
    expect(missing).toEqual(['nope']);
  });
  it('finds nothing in a schema without ledgers', () => {
    expect(selectLedgerTables(['a', 'b']).tables).toEqual([]);
  });
});

describe('buildLedgerInserts', () => {
  it('writes one INSERT per row qualified with the schema, NULLs bare', () => {
    const sql = buildLedgerInserts({
      schema: 'public',
      table: 'schema_migrations',
      columns: [{ name: 'version' }, { name: 'note' }],
      rows: [['20240101000000', null], ['20240202000000', "it's"]],
    });
    expect(sql).toContain(`INSERT INTO public.schema_migrations ("version", note) VALUES ('20240101000000', NULL);`);
    expect(sql).toContain(`INSERT INTO public.schema_migrations ("version", note) VALUES ('20240202000000', 'it''s');`);
  });
  it('quotes mixed-case and keyword names, overrides identity and sets owned sequences', () => {
    const sql = buildLedgerInserts({
      schema: 'App',
      table: 'SequelizeMeta',
      columns: [{ name: 'id', identityAlways: true }, { name: 'user' }],
      rows: [['1', 'x']],
      sequences: [
        { name: 'SequelizeMeta_id_seq', lastValue: '7', isCalled: true },
        { name: 'unused_seq', lastValue: null, isCalled: false },
      ],
    });
    expect(sql).toContain(`INSERT INTO "App"."SequelizeMeta" (id, "user") OVERRIDING SYSTEM VALUE VALUES ('1', 'x');`);
    expect(sql).toContain(`SELECT pg_catalog.setval('"App"."SequelizeMeta_id_seq"', 7, true);`);
    expect(sql).not.toContain('unused_seq');
  });
});
