/** Where each tenant lives on a Citus coordinator (`citus:placement`); undefined on any other database. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { CitusPlacementInfo, ConnectionTarget } from '../../../../core/api/contract';
import type { ErrorInfo } from '../../../../core/errors';
import { invoke } from '../../api/client';

export interface Placement {
  info: CitusPlacementInfo;
  /** The node of a distributed tenant; undefined for a schema that stays on the coordinator. */
  nodeOf(tenant: string): string | undefined;
}

export function usePlacement(target: ConnectionTarget | undefined, active: boolean): { placement: Placement | undefined; error: ErrorInfo | undefined; reload(): void } {
  const [info, setInfo] = useState<CitusPlacementInfo>();
  const [error, setError] = useState<ErrorInfo>();
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    setInfo(undefined);
    setError(undefined);
    if (!target || !active) return;
    let current = true;
    void invoke('citus:placement', { target }).then((r) => {
      if (!current) return;
      if (r.ok) setInfo(r.value);
      // Not a Citus coordinator: no placement to show, and nothing wrong.
      else if (r.error.code !== 'CITUS_NOT_AVAILABLE') setError(r.error);
    });
    return () => {
      current = false;
    };
  }, [target, active, generation]);
  const placement = useMemo(() => {
    if (!info) return undefined;
    const byTenant = new Map(info.tenants.filter((t) => t.node !== undefined).map((t) => [t.tenant, t.node!] as const));
    return { info, nodeOf: (tenant: string) => byTenant.get(tenant) };
  }, [info]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { placement, error, reload };
}
