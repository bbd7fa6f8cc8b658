/**
 * Web mode after the session is gone (`tenantry ui` restarted, the cookie
 * cleared): the app cannot do anything, so it says so and how to get a working
 * address, instead of showing views whose every request fails.
 */
import { useEffect, useState } from 'react';
import { onSessionLost } from '../api/client';

/** Whether the web-mode session has been lost. */
export function useSessionLost(): boolean {
  const [lost, setLost] = useState(false);
  useEffect(() => onSessionLost(() => setLost(true)), []);
  return lost;
}

export function SessionLostPage() {
  return (
    <main className="session-lost">
      <h1>This page’s session has ended</h1>
      <p>
        The Tenantry server no longer accepts this page: <code>tenantry ui</code> was restarted or stopped, or the browser dropped its session cookie. Nothing was changed by the request that
        found this out.
      </p>
      <p>
        Press <kbd>Enter</kbd> in the terminal where <code>tenantry ui</code> is running and open the address it prints. If it is no longer running, start it again with <code>tenantry ui</code> (or{' '}
        <code>npm start</code>).
      </p>
    </main>
  );
}
