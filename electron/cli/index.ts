/** Process entry of the `tenantry` CLI (bin/tenantry.js loads the compiled file). */
import type { CliIo } from './command.js';
import { main } from './main.js';

// `tenantry render … | head` closes the pipe early: stop quietly, like other Unix tools, instead of a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const io: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
};
process.exitCode = await main(process.argv.slice(2), io);
