/**
 * The census (issue 14): tenants grouped into cohorts by structural
 * fingerprint (core/fleet/fingerprint-sql.ts), each cohort named against what
 * is known: the template's own fingerprint, and the snapshots the register
 * says the members came from. Pure: fingerprints and register rows in,
 * cohorts out.
 */
import { sha256Hex } from '../snapshot/sha256.js';
import { FINGERPRINT_KINDS, type FingerprintKind } from './fingerprint-sql.js';

/** One schema's per-kind hashes (a kind the schema has nothing of is absent). */
export type KindHashes = Partial<Record<FingerprintKind, string>>;

/** How a cohort relates to what is known. */
export type CohortStatus =
  /** Structurally equal to the template now. */
  | 'template'
  /** Equal to what most tenants of one snapshot look like (the snapshot's own shape). */
  | 'snapshot'
  /** Neither: changed by hand, a migration that failed halfway, or never made from a known snapshot. */
  | 'drifted';

export interface Cohort {
  /** First 12 hex digits of the fingerprint: stable while the structure is. */
  id: string;
  fingerprint: string;
  status: CohortStatus;
  /** The snapshot label (or checksum prefix) a `snapshot` cohort matches; for a drifted cohort, where its members came from. */
  snapshot?: string;
  /** e.g. "equal to the template", "equal to snapshot v1", "drifted from snapshot v1". */
  name: string;
  /** Kinds whose hash differs from the template's (empty for the template's cohort). */
  differingKinds: FingerprintKind[];
  /** Member tenants, sorted. */
  members: string[];
}

export interface CensusInput {
  template: string;
  templateHashes: KindHashes;
  /** Per tenant: its hashes (tenants whose schema is missing are left out and listed as `missing`). */
  tenants: ReadonlyMap<string, KindHashes>;
  /** Per tenant: the snapshot label (else checksum prefix) the register records, if any. */
  snapshotOf?: ReadonlyMap<string, string | undefined>;
  /** Kinds compared (default all). */
  kinds?: readonly FingerprintKind[];
}

/** The fingerprint of one schema over `kinds`: SHA-256 of `kind:hash` lines. */
export function combineFingerprint(hashes: KindHashes, kinds: readonly FingerprintKind[] = FINGERPRINT_KINDS): string {
  return sha256Hex(kinds.map((k) => `${k}:${hashes[k] ?? ''}`).join('\n'));
}

/** Groups tenants into cohorts, largest first; ties by id. */
export function groupCohorts(input: CensusInput): Cohort[] {
  const kinds = input.kinds ?? FINGERPRINT_KINDS;
  const templateFingerprint = combineFingerprint(input.templateHashes, kinds);
  const groups = new Map<string, { hashes: KindHashes; members: string[] }>();
  for (const [tenant, hashes] of input.tenants) {
    const fp = combineFingerprint(hashes, kinds);
    let group = groups.get(fp);
    if (!group) groups.set(fp, (group = { hashes, members: [] }));
    group.members.push(tenant);
  }
  // Each snapshot's own shape: the fingerprint most of its tenants have (ties: the one listed first by fingerprint).
  const shapeOf = new Map<string, string>();
  const counts = new Map<string, Map<string, number>>();
  for (const [fp, group] of groups) {
    for (const m of group.members) {
      const snap = input.snapshotOf?.get(m);
      if (snap === undefined) continue;
      const perFp = counts.get(snap) ?? new Map<string, number>();
      perFp.set(fp, (perFp.get(fp) ?? 0) + 1);
      counts.set(snap, perFp);
    }
  }
  for (const [snap, perFp] of counts) {
    const best = [...perFp].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
    if (best) shapeOf.set(snap, best[0]);
  }
  const cohorts: Cohort[] = [];
  for (const [fp, group] of groups) {
    const members = group.members.sort();
    const differingKinds = kinds.filter((k) => (group.hashes[k] ?? '') !== (input.templateHashes[k] ?? ''));
    const base = { id: fp.slice(0, 12), fingerprint: fp, differingKinds, members };
    if (fp === templateFingerprint) {
      cohorts.push({ ...base, status: 'template', name: 'equal to the template' });
      continue;
    }
    const snaps = [...new Set(members.map((m) => input.snapshotOf?.get(m)).filter((s): s is string => s !== undefined))].sort();
    const matched = snaps.find((s) => shapeOf.get(s) === fp);
    if (matched !== undefined) cohorts.push({ ...base, status: 'snapshot', snapshot: matched, name: `equal to snapshot ${matched}` });
    else if (snaps.length === 1 && snaps[0] !== undefined) cohorts.push({ ...base, status: 'drifted', snapshot: snaps[0], name: `drifted from snapshot ${snaps[0]}` });
    else cohorts.push({ ...base, status: 'drifted', name: 'drifted' });
  }
  return cohorts.sort((a, b) => b.members.length - a.members.length || a.id.localeCompare(b.id));
}

/** "4,812 equal to the template, 3 equal to snapshot v1, 1 drifted" */
export function describeCensus(cohorts: readonly Cohort[]): string {
  if (cohorts.length === 0) return 'no tenants';
  return cohorts.map((c) => `${c.members.length.toLocaleString('en-US')} ${c.name}`).join(', ');
}

/** Whether the fleet has no drift: every cohort equals the template or the shape of a snapshot named current. */
export function isFleetCurrent(cohorts: readonly Cohort[], currentSnapshots: readonly string[] = []): boolean {
  return cohorts.every((c) => c.status === 'template' || (c.status === 'snapshot' && c.snapshot !== undefined && currentSnapshots.includes(c.snapshot)));
}
