/** One CLI command: its name, a one-line summary, its usage text and how to run it. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** Runs the command; returns the exit status (0 ok, 1 failed). Throw UsageError for bad arguments. */
  run(argv: string[], io: CliIo): Promise<number>;
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Bad command-line arguments: exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
