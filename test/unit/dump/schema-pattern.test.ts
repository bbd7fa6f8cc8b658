import { describe, expect, it } from 'vitest';
import { toExactNamePattern, toExactTablePattern } from '../../../core/dump/schema-pattern.js';

describe('toExactNamePattern', () => {
  it.each([
    ['app', '"app"'],
    ['Acme Corp', '"Acme Corp"'],
    ['a*b?c.d$e', '"a*b?c.d$e"'],
    ['say "hi"', '"say ""hi"""'],
    ['tenant_日本', '"tenant_日本"'],
  ])('%s → %s', (name, pattern) => {
    expect(toExactNamePattern(name)).toBe(pattern);
  });
  it('qualifies a table', () => {
    expect(toExactTablePattern('My.Schema', 'schema_migrations')).toBe('"My.Schema"."schema_migrations"');
  });
});
