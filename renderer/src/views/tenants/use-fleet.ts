/** Loads the register and census of one template of the chosen database (`fleet:tenants`), again on request. */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConnectionTarget, FleetInfo } from '../../../../core/api/contract';
import type { ErrorInfo } from '../../../../core/errors';
import { invoke } from '../../api/client';

export interface Fleet {
  info: FleetInfo | undefined;
  error: ErrorInfo | undefined;
  loading: boolean;
  reload(): void;
}

export function useFleet(target: ConnectionTarget | undefined, template: string | undefined, active: boolean): Fleet {
  const [info, setInfo] = useState<FleetInfo>();
  const [error, setError] = useState<ErrorInfo>();
  const [loading, setLoading] = useState(false);
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  const key = target ? `${target.connectionId ?? ''}/${target.database ?? ''}` : undefined;

  // Another database: what was shown belonged to the old one.
  useEffect(() => {
    setInfo(undefined);
    setError(undefined);
  }, [key]);

  useEffect(() => {
    if (!target || !active) return;
    const ticket = ++latest.current;
    setLoading(true);
    void invoke('fleet:tenants', { target, ...(template ? { template } : {}) }).then((r) => {
      if (ticket !== latest.current) return;
      setLoading(false);
      if (r.ok) {
        setInfo(r.value);
        setError(undefined);
      } else setError(r.error);
    });
    // target is rebuilt every render; its key says when it changed.
  }, [key, template, active, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { info, error, loading, reload };
}
