import { describe, expect, it } from 'vitest';
import { describeTenantName, findTenantNameProblem, findUnwritableNameProblem, validateTenantName } from '../../../core/tenant/tenant-name.js';

// [name, accepted, a word the reason must contain]
const TABLE: [string, boolean, string?][] = [
  ['acme', true],
  ['Acme Corp', true],
  ['select', true],
  ["o'neil", true],
  ['say "hi"', true],
  ['a\\b', true],
  ['x\\', true],
  ['日本', true],
  ['a$b', true],
  ['PG_x', true],
  ['Pg_y', true],
  ['x'.repeat(63), true],
  ['日'.repeat(21), true], // 63 bytes
  ['😀'.repeat(15), true], // 60 bytes: an astral character is 4 bytes, not 2 UTF-16 units × 3
  ['_Tenantry', true],
  ['tenantry', true],
  ['Public', true],
  ['', false, 'empty'],
  ['x'.repeat(64), false, '64 bytes'],
  ['日'.repeat(22), false, '66 bytes'],
  ['é'.repeat(32), false, '64 bytes'],
  ['a\u0000b', false, 'NUL'],
  ['a\nb', false, 'U+000A'],
  ['a\tb', false, 'U+0009'],
  ['a\rb', false, 'U+000D'],
  ['a\u007fb', false, 'U+007F'],
  ['a\u0085b', false, 'U+0085'], // NEL, C1
  ['a\u0080b', false, 'U+0080'],
  ['a\u009fb', false, 'U+009F'],
  ['admin\u202e', false, 'U+202E'], // right-to-left override
  ['a\u202ab', false, 'U+202A'],
  ['a\u2066b', false, 'U+2066'],
  ['a\u2069b', false, 'U+2069'],
  ['a\u200bb', false, 'U+200B'], // zero-width space
  ['a\u200db', false, 'U+200D'],
  ['a\ufeffb', false, 'U+FEFF'],
  ['a\u00adb', false, 'U+00AD'], // soft hyphen
  ['a\u2028b', false, 'U+2028'],
  ['a\u061cb', false, 'U+061C'], // Arabic letter mark
  ['a\ufe0fb', false, 'U+FE0F'], // variation selector
  ['a\u3164b', false, 'U+3164'], // Hangul filler
  ['a\ud800b', false, 'U+D800'], // lone surrogate: cannot be sent as UTF-8
  [' acme', false, 'white space'],
  ['acme ', false, 'white space'],
  ['acme\u00a0', false, 'white space'],
  ['pg_acme', false, 'pg_'],
  ['pg_catalog', false, 'pg_'],
  ['w$$b', false, '$$'],
  ['a$tag$b', false, '$tag$'],
  ['a$日本$b', false, '$日本$'],
  ['$a', false, 'start or end'],
  ['a$', false, 'start or end'],
  ['public', false, 'default schema'],
  ['information_schema', false, 'system schema'],
  ['_tenantry', false, '_tenantry'],
  ['_tenantry_spare_abcdef01_1', false, '_tenantry'],
  ['_tenantryx', false, '_tenantry'],
];

describe('tenant names', () => {
  it.each(TABLE)('%j: accepted %s', (name, accepted, reason) => {
    const problem = findTenantNameProblem(name);
    if (accepted) {
      expect(problem).toBeUndefined();
      expect(() => validateTenantName(name)).not.toThrow();
    } else {
      expect(problem).toContain(reason);
      expect(() => validateTenantName(name)).toThrow(expect.objectContaining({ code: 'INVALID_TENANT_NAME' }));
    }
  });

  it('refuses the protected names the caller passes, exactly (case and all)', () => {
    const protectedNames = ['tmpl', 'My Template'];
    expect(findTenantNameProblem('tmpl', { protectedNames })).toContain('template schema');
    expect(findTenantNameProblem('My Template', { protectedNames })).toContain('template schema');
    expect(findTenantNameProblem('Tmpl', { protectedNames })).toBeUndefined();
    expect(findTenantNameProblem('tmpl', { protectedNames: new Set(['other']) })).toBeUndefined();
  });

  it('lets the renderer write a template\'s own name (public, $$) but never an unwritable one', () => {
    expect(findUnwritableNameProblem('public')).toBeUndefined();
    expect(findUnwritableNameProblem('a$$b')).toBeUndefined();
    for (const [name, accepted] of TABLE) if (accepted) expect(findUnwritableNameProblem(name)).toBeUndefined();
    for (const name of ['', 'x'.repeat(64), 'a\u0000b', 'a\u202eb', 'pg_x', ' a']) expect(findUnwritableNameProblem(name)).toBeDefined();
  });

  it('refuses what is not a string', () => {
    expect(findTenantNameProblem(undefined)).toContain('empty');
    expect(findTenantNameProblem(42)).toContain('empty');
  });

  it('names an invisible character by number in messages, never the character itself', () => {
    expect(describeTenantName('admin\u202egnp.exe')).toBe('"admin\\u202egnp.exe"');
    let message = '';
    try {
      validateTenantName('admin\u202egnp');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain('\u202e');
    expect(message).toContain('U+202E');
  });
});
