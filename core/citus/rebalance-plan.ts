/**
 * A proposed rebalance of tenants (distributed schemas) by size: moves from
 * the fullest node to the emptiest, largest tenant that still narrows the gap
 * first, until no move narrows it. The user confirms the plan before any
 * move runs; Citus' own rebalancer balances shard counts, not tenant bytes.
 */

export interface TenantPlacement {
  tenant: string;
  /** host:port of the node holding the tenant's shards; undefined for an empty schema (no shard yet). */
  node?: string;
  bytes: number;
}

export interface ProposedMove {
  tenant: string;
  from: string;
  to: string;
  bytes: number;
}

export interface RebalancePlan {
  moves: ProposedMove[];
  /** Bytes per node before and after the moves. */
  before: Record<string, number>;
  after: Record<string, number>;
}

/** Plans moves over `nodes` (every node that may hold tenants, empty ones included); at most `maxMoves`. */
export function planRebalanceBySize(placements: readonly TenantPlacement[], nodes: readonly string[], maxMoves = 100): RebalancePlan {
  const load = new Map<string, number>(nodes.map((n) => [n, 0]));
  const where = new Map<string, TenantPlacement>();
  for (const p of placements) {
    if (p.node === undefined || !load.has(p.node)) continue;
    load.set(p.node, (load.get(p.node) ?? 0) + p.bytes);
    where.set(p.tenant, { ...p });
  }
  const before = Object.fromEntries(load);
  const moves: ProposedMove[] = [];
  while (moves.length < maxMoves && load.size > 1) {
    const sorted = [...load].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const [fullest, high] = sorted[0]!;
    const [emptiest, low] = [...load].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))[0]!;
    const gap = high - low;
    // The largest tenant that narrows the gap: moving b bytes leaves |gap - 2b| < gap when 0 < b < gap.
    const candidates = [...where.values()].filter((p) => p.node === fullest && p.bytes > 0 && p.bytes < gap).sort((a, b) => b.bytes - a.bytes || a.tenant.localeCompare(b.tenant));
    const pick = candidates.find((p) => Math.abs(gap - 2 * p.bytes) < gap);
    if (!pick) break;
    moves.push({ tenant: pick.tenant, from: fullest, to: emptiest, bytes: pick.bytes });
    pick.node = emptiest;
    load.set(fullest, high - pick.bytes);
    load.set(emptiest, low + pick.bytes);
  }
  return { moves, before, after: Object.fromEntries(load) };
}
