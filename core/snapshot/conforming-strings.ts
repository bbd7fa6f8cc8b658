/**
 * Provisioning always runs with standard_conforming_strings = on
 * (core/provision/session-preamble.ts). A dump written while it was off (a
 * template database or role set that way) spells backslashes in '…' literals
 * as escapes ('a\\b' for a\b); read with it on, such a literal means something
 * else (a\\b). Tenantry's own dumps are made with it on; a snapshot from an
 * `off` dump is still fine when none of its '…' literals holds a backslash, and
 * refused, before anything runs, when one does.
 */
import { TenantryError } from '../errors.js';
import { mapRegions } from '../sql/region-map.js';
import { T } from '../sql/scanner.js';
import { lineColumnAt } from '../sql/line-column.js';
import type { Snapshot } from './format.js';

const checked = new WeakSet<Snapshot>();

/** Whether a setting value (SQL text such as `off`, `'off'`, `false`) turns a boolean off, the way PostgreSQL's parse_bool reads it. */
export function isOffSetting(value: string | undefined): boolean {
  if (value === undefined) return false;
  const v = value.trim().replace(/^'(.*)'$/, '$1').trim().toLowerCase();
  if (v.length === 0) return false;
  return v === '0' || 'false'.startsWith(v) || 'no'.startsWith(v) || (v.length >= 2 && 'off'.startsWith(v));
}

/** Throws SNAPSHOT_INVALID when the body was written for standard_conforming_strings = off and a '…' literal in it holds a backslash. */
export function assertStringsReadAlike(snapshot: Snapshot): void {
  if (checked.has(snapshot)) return;
  const { header, body } = snapshot;
  if (isOffSetting(header.sessionSettings.standard_conforming_strings) && body.includes('\\')) {
    const map = mapRegions(body);
    for (let i = 0; i < map.count; i++) {
      if (map.codes[i] !== T.string) continue;
      const start = map.starts[i] as number;
      const end = map.ends[i] as number;
      const at = body.indexOf('\\', start);
      if (at === -1 || at >= end) continue;
      const { line } = lineColumnAt(body, start);
      throw new TenantryError(
        'SNAPSHOT_INVALID',
        `The snapshot was dumped with standard_conforming_strings = off, and the string literal on line ${line} of its body holds a backslash: provisioning runs with it on, where that literal would mean something else. Make the snapshot again with \`tenantry snapshot\` (it dumps with the setting on), or dump with PGOPTIONS='-c standard_conforming_strings=on' pg_dump … and template that.`,
        { detail: body.slice(start, Math.min(end, start + 200)) },
      );
    }
  }
  checked.add(snapshot);
}
