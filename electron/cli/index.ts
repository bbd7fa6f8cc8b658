/** Process entry of the `tenantry` CLI (bin/tenantry.js loads the compiled file). */
import type { CliIo } from './command.js';
import { main } from './main.js';

const io: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
};
process.exitCode = await main(process.argv.slice(2), io);
