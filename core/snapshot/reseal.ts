/**
 * Re-sealing an edited snapshot: what changed since it was sealed (as far as
 * the header records it), the same checks as reading it (header shape,
 * placeholder occurrences, every statement), and only then a new seal.
 */
import { TenantryError } from '../errors.js';
import { refusedError, type RefusedStatement } from './containment.js';
import { assertContextsMatch } from './context-check.js';
import { inspectSnapshot, listOccurrences, serializeSnapshot, SNAPSHOT_FORMAT_VERSION } from './format.js';
import { sha256Hex } from './sha256.js';

export interface ResealReport {
  /** Lines describing what changed and what was checked, for a person. */
  changes: string[];
  /** Statements provisioning refuses (reseal refuses the file when there are any). */
  refused: RefusedStatement[];
  /** Whether the file was already sealed and unchanged (nothing to do). */
  unchanged: boolean;
}

/**
 * Checks an edited snapshot and returns the sealed text with a report of what changed. Throws
 * SNAPSHOT_STATEMENT_REFUSED (statements a snapshot may not hold), SNAPSHOT_PLACEHOLDER_MISSING (occurrences added or
 * removed: their contexts cannot be known), SNAPSHOT_INVALID (damaged header); the report comes with the error's detail.
 */
export function resealSnapshot(text: string): { text: string; report: ResealReport } {
  const inspection = inspectSnapshot(text);
  const { snapshot, formatVersion, sealIntact, bodyMatchesChecksum, occurrencesFound, refused } = inspection;
  const { header, body } = snapshot;
  const changes: string[] = [];
  const lines = body.length === 0 ? 0 : body.split('\n').length - (body.endsWith('\n') ? 1 : 0);
  if (formatVersion !== SNAPSHOT_FORMAT_VERSION) {
    const was = formatVersion === 1 ? 'its checksum covers the body only' : 'its seal hashes the header line and the body again';
    changes.push(`format: version ${formatVersion} (${was}) → version ${SNAPSHOT_FORMAT_VERSION} (the seal covers the header, which records the body's checksum)`);
  }
  if (bodyMatchesChecksum) changes.push(`body: unchanged since templating (${lines} lines, sha256 ${header.checksum.slice(0, 12)}…)`);
  else changes.push(`body: changed since templating: ${lines} lines now, sha256 ${sha256Hex(body).slice(0, 12)}… (the header records ${header.checksum.slice(0, 12)}…)`);
  // Format 3 seals the header alone (the body is covered by its checksum); format 2 sealed both.
  if (formatVersion !== 1 && !sealIntact && (formatVersion === SNAPSHOT_FORMAT_VERSION || bodyMatchesChecksum)) changes.push('header: changed since it was sealed (its fields are shown below; check them)');
  changes.push(`placeholder ${header.placeholder}: ${occurrencesFound} occurrence(s) in the body, the header lists ${header.counts.replaced}`);
  const settings = Object.entries(header.sessionSettings).map(([name, value]) => `${name} = ${value}`);
  changes.push(`session settings (applied with SET LOCAL): ${settings.length > 0 ? settings.join(', ') : 'none'}`);
  changes.push(`quoting contexts: ${header.contexts.length} (${[...new Set(header.contexts.map((c) => `${c.kind}/${c.form}`))].join(', ') || 'none'})`);
  if (refused.length > 0) {
    changes.push(`refused statements: ${refused.length}`);
    for (const r of refused.slice(0, 20)) changes.push(`  line ${r.line}: ${r.text.slice(0, 100)} — ${r.reason}`);
    if (refused.length > 20) changes.push(`  … and ${refused.length - 20} more`);
  } else changes.push('statements: every statement creates the tenant\'s own objects or inserts its rows');
  const report: ResealReport = { changes, refused, unchanged: formatVersion === SNAPSHOT_FORMAT_VERSION && sealIntact && bodyMatchesChecksum };
  const detail = changes.join('\n');
  const first = refused[0];
  if (first !== undefined) {
    const error = refusedError(first, refused.length);
    throw new TenantryError('SNAPSHOT_STATEMENT_REFUSED', `${error.userMessage.replace(/ Nothing was run\..*$/, '')} The file was not sealed: remove the refused statements and run reseal again.`, { detail });
  }
  if (occurrencesFound !== header.counts.replaced) {
    throw new TenantryError('SNAPSHOT_PLACEHOLDER_MISSING', `The body holds ${occurrencesFound} placeholder occurrence(s) but the header lists ${header.counts.replaced}: how to quote the tenant name at an added occurrence cannot be known. The file was not sealed; template the dump again instead.`, { detail });
  }
  // A header whose quoting contexts do not match the body would turn tenant names into SQL: never sealed.
  try {
    assertContextsMatch(body, listOccurrences(snapshot));
  } catch (error) {
    if (error instanceof TenantryError) throw new TenantryError(error.code, `${error.userMessage} The file was not sealed.`, { detail });
    throw error;
  }
  const sealed = serializeSnapshot({ header: { ...header, formatVersion: SNAPSHOT_FORMAT_VERSION, checksum: sha256Hex(body) }, body });
  return { text: sealed, report };
}
