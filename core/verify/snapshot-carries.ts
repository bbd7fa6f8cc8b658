/**
 * What of ownership and privileges a snapshot carries, read from its body:
 * made with --no-owner it has no `ALTER … OWNER TO`, made with
 * --no-privileges no GRANT or REVOKE. Verify compares owners and privileges
 * only where the snapshot carried them (a tenant of a --no-owner snapshot
 * belongs to whoever provisioned it, by design).
 */
import { SqlScanner, T } from '../sql/scanner.js';
import { equalsFolded } from '../sql/equals-folded.js';
import { SEMICOLON } from '../sql/char-codes.js';

export interface SnapshotCarries {
  owners: boolean;
  privileges: boolean;
}

/** Scans the statements of a snapshot body (the allocation-free scanner: bodies reach 11 MB). */
export function findSnapshotCarries(body: string): SnapshotCarries {
  const carries: SnapshotCarries = { owners: false, privileges: false };
  const scanner = new SqlScanner(body);
  // 0: at a statement's start; 1: in an ALTER statement; 2: in ALTER after OWNER; 3: elsewhere in a statement.
  let state = 0;
  for (let code = scanner.next(); code !== -1; code = scanner.next()) {
    if (code === T.whitespace || code === T.lineComment || code === T.blockComment) continue;
    if (code === T.punctuation && body.charCodeAt(scanner.start) === SEMICOLON) {
      state = 0;
      continue;
    }
    const word = code === T.identifier ? scanner.end - scanner.start : 0;
    if (state === 0) {
      if (word === 5 && (equalsFolded(body, scanner.start, 'grant') || equalsFolded(body, scanner.start, 'alter'))) {
        if (equalsFolded(body, scanner.start, 'grant')) carries.privileges = true;
        state = equalsFolded(body, scanner.start, 'alter') ? 1 : 3;
      } else {
        if (word === 6 && equalsFolded(body, scanner.start, 'revoke')) carries.privileges = true;
        state = 3;
      }
    } else if (state === 1 && word === 5 && equalsFolded(body, scanner.start, 'owner')) {
      state = 2;
    } else if (state === 2) {
      if (word === 2 && equalsFolded(body, scanner.start, 'to')) carries.owners = true;
      state = 1;
    }
    if (carries.owners && carries.privileges) break;
  }
  return carries;
}
