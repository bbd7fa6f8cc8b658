/** The SQL console: one statement on the chosen connection and database, as a job so it can be cancelled. */
import type { Handlers } from '../../core/api/contract.js';
import { runConsoleStatement } from '../services/console/run-console-statement.js';
import type { JobRegistry } from './jobs.js';
import type { ResolveTarget } from './resolve-target.js';

/** Builds the console handler. */
export function createConsoleHandlers(deps: { jobs: JobRegistry; resolveTarget: ResolveTarget }): Pick<Handlers, 'sql:run'> {
  return {
    async 'sql:run'(request) {
      const { profile } = await deps.resolveTarget(request.target);
      const jobId = deps.jobs.start('console', (ctx) => runConsoleStatement(profile, request, { signal: ctx.signal }));
      return { jobId };
    },
  };
}
