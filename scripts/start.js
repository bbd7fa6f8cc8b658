#!/usr/bin/env node
// `npm start`: builds if needed, then opens the desktop window when an Electron
// binary is installed, otherwise serves the UI in web mode on 127.0.0.1.
// Until the app lands (issue 5) it prints the CLI help.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('dist/electron/cli/index.js')) {
  const build = spawnSync('npm', ['run', 'build:node'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const r = spawnSync(process.execPath, ['bin/tenantry.js', '--help'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
