/** `tenantry schemas` keeps its columns aligned with wide names (tenant_日本) and one row per schema even for a name with a newline. */
import { describe, expect, it } from 'vitest';
import type { SchemaSummary } from '../../../core/api/contract.js';
import { formatSchemaTable } from '../../../electron/cli/commands/schemas.js';

const s = (name: string): SchemaSummary => ({ name, owner: 'postgres', tables: 22, views: 8, functions: 10, sequences: 13, sizeBytes: 630784, system: false, extensionOwned: false });

describe('formatSchemaTable', () => {
  it('aligns the owner column after a CJK name', () => {
    const lines = formatSchemaTable([s('public'), s('tenant_日本')]).split('\n');
    const ownerColumn = (line: string | undefined) => {
      const index = (line ?? '').indexOf('postgres');
      // Column on screen: code points before it, CJK counted twice.
      return [...(line ?? '').slice(0, index)].reduce((w, ch) => w + (/[\u3000-\u9fff]/.test(ch) ? 2 : 1), 0);
    };
    expect(ownerColumn(lines[2])).toBe(ownerColumn(lines[3]));
  });

  it('shows a name with a newline escaped, on one line', () => {
    const text = formatSchemaTable([s('a\nb'), s('public')]);
    expect(text.split('\n')).toHaveLength(5);
    expect(text).toContain('"a\\nb"');
  });
});
