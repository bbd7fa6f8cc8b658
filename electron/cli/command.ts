/** One CLI command: its name, a one-line summary, its usage text and how to run it. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** Runs the command; returns an exit status from exit-status.ts. Throw UsageError for bad arguments. */
  run(argv: string[], io: CliIo): Promise<number>;
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Whether stderr is a terminal: progress lines are drawn only then (never into a pipe or file). */
  stderrIsTerminal?: boolean;
  /** The terminal's width, when stderr is one. */
  terminalColumns?: number;
  /**
   * For a command that can stop cleanly: from this call on, the first Ctrl+C
   * (SIGINT) or SIGTERM aborts the returned signal instead of ending the
   * process, so the command finishes what is in flight and reports; a second
   * one ends the process at once. The abort reason is the signal's name; a
   * command that stopped for it returns 128 + its number (130, 143) after
   * reporting. Absent where nothing delivers signals (in-process tests).
   */
  interrupts?: () => AbortSignal;
}

/** Bad command-line arguments: exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
