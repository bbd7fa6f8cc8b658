import { splitStatements } from './split-statements.js';

/** The first two words of a statement, upper case, after leading comments. */
function headWords(statement: string): [string, string] {
  const text = statement.replace(/^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/, '');
  const match = /^([A-Za-z_]+)\s*([A-Za-z_]*)/.exec(text);
  return [match?.[1]?.toUpperCase() ?? '', match?.[2]?.toUpperCase() ?? ''];
}

/**
 * Whether running `sql` in a transaction could leave session state behind
 * after COMMIT: a SET that is not SET LOCAL, RESET, DISCARD, LOAD, a DO block
 * or CALL (which may run anything), a SELECT other than pg_dump's
 * pg_catalog.setval (it may call set_config), or a psql meta-command.
 * Conservative: when this says false, a pooled connection needs no
 * before/after comparison of its settings.
 */
export function touchesSessionState(sql: string): boolean {
  for (const statement of splitStatements(sql)) {
    if (statement.kind === 'meta') return true;
    if (statement.kind !== 'sql') continue;
    const [first, second] = headWords(statement.text);
    if (first === 'SET' && second !== 'LOCAL') return true;
    if (first === 'RESET' || first === 'DISCARD' || first === 'LOAD' || first === 'DO' || first === 'CALL') return true;
    if (first === 'SELECT' && !/^(?:\s+|--[^\n]*\n|\/\*[\s\S]*?\*\/)*SELECT\s+pg_catalog\.setval\s*\(/i.test(statement.text)) return true;
  }
  return false;
}
