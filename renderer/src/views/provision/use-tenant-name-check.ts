import { useEffect, useState } from 'react';
import type { ConnectionTarget } from '../../../../core/api/contract';
import { invoke } from '../../api/client';

export interface NameCheck {
  valid: boolean;
  quoted: string;
  message?: string;
}

/** How long typing pauses before the target database is asked (each ask is a short connection). */
const ASK_AFTER_MS = 250;

/**
 * The backend's verdict on one tenant name (the same check provisioning makes, plus whether the schema already
 * exists in the target database), re-asked as the name or the target changes, and after tenants were created
 * (`revision`). Until the answer for the current
 * name arrives there is no verdict, so the hint never says "Will be created as" for a name it has not checked.
 */
export function useTenantNameCheck(name: string, target: ConnectionTarget | undefined, revision: unknown): NameCheck | undefined {
  const [check, setCheck] = useState<{ name: string; key: string; result: NameCheck }>();
  const key = JSON.stringify(target ?? null);
  useEffect(() => {
    if (!name) return setCheck(undefined);
    let live = true;
    const timer = setTimeout(() => {
      void invoke('tenant:check-name', { name, ...(target?.connectionId ? { target } : {}) }).then(
        (r) => live && setCheck({ name, key, result: r.ok ? r.value : { valid: false, quoted: '', message: r.error.userMessage } }),
      );
    }, ASK_AFTER_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [name, key, revision]);
  return check && check.name === name && check.key === key ? check.result : undefined;
}
