import { useEffect, useState } from 'react';
import { invoke } from '../../api/client';

export interface NameCheck {
  valid: boolean;
  quoted: string;
  message?: string;
}

/** The backend's verdict on one tenant name (the same check provisioning makes), re-asked as the name changes. */
export function useTenantNameCheck(name: string): NameCheck | undefined {
  const [check, setCheck] = useState<NameCheck>();
  useEffect(() => {
    if (!name) return setCheck(undefined);
    let live = true;
    void invoke('tenant:check-name', { name }).then((r) => live && setCheck(r.ok ? r.value : { valid: false, quoted: '', message: r.error.userMessage }));
    return () => {
      live = false;
    };
  }, [name]);
  return check;
}
