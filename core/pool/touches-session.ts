import { mapRegions } from '../sql/region-map.js';
import { forEachStatement, statementWords } from '../sql/split-statements.js';
import { T } from '../sql/scanner.js';

const SESSION_VERBS = new Set(['reset', 'discard', 'load', 'do', 'call']);

/**
 * Whether running `sql` in a transaction could leave session state behind
 * after COMMIT: a SET that is not SET LOCAL, RESET, DISCARD, LOAD, a DO block
 * or CALL (which may run anything), a SELECT other than pg_dump's
 * pg_catalog.setval (it may call set_config), or a psql meta-command.
 * Conservative: when this says false, a pooled connection needs no
 * before/after comparison of its settings.
 */
export function touchesSessionState(sql: string): boolean {
  const map = mapRegions(sql);
  let touches = false;
  forEachStatement(map, {
    region(code) {
      if (code === T.metaCommand) touches = true;
    },
    statement(from, end) {
      if (touches) return;
      const [first = '', second, third, fourth, fifth] = statementWords(map, from, end, 5);
      if (first === 'set' && second !== 'local') touches = true;
      else if (SESSION_VERBS.has(first)) touches = true;
      else if (first === 'select' && !(second === 'pg_catalog' && third === '.' && fourth === 'setval' && fifth === '(')) touches = true;
    },
  });
  return touches;
}
