/**
 * Process-level guards for the long-running processes (web mode and the
 * Electron main process): a failure that escapes a handler (an 'error' event
 * without a listener, a rejected promise nobody awaited) is logged and the
 * process keeps serving instead of dying with a running sandbox orphaned; and
 * however the process ends normally, the sandbox is stopped on the way out.
 * Every handler already turns its own errors into Results; reaching these
 * guards is a bug, so they log the stack.
 */

export interface ProcessGuardOptions {
  /** Where the stack of an escaped error goes (stderr in web mode). */
  log: (line: string) => void;
  /** Synchronous last-chance cleanup at process exit (stop the sandbox). */
  onExit: () => void;
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** Installs the guards; returns a function that removes them. */
export function installProcessGuards(options: ProcessGuardOptions): () => void {
  const onUncaught = (error: unknown) => options.log(`Tenantry caught an unexpected error and keeps running (this is a bug; please report it):\n${describe(error)}\n`);
  const onRejection = (reason: unknown) => options.log(`Tenantry caught an unhandled promise rejection and keeps running (this is a bug; please report it):\n${describe(reason)}\n`);
  const onExit = () => options.onExit();
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onRejection);
  process.on('exit', onExit);
  return () => {
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onRejection);
    process.off('exit', onExit);
  };
}
