#!/usr/bin/env node
// `npm start`: builds when dist/ is missing or older than its inputs
// (scripts/build-state.js), then opens the desktop window when an
// Electron binary is installed (and there is a display); otherwise serves the
// UI in web mode on 127.0.0.1, prints the address and opens a browser when
// there is one. `npm start -- --web` forces web mode; other arguments go to
// `tenantry ui` (e.g. `npm start -- --port 8080 --no-open`). As root it starts
// web mode: the desktop app never runs as root or with --no-sandbox
// (chooseLaunch in electron/main/security.ts).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBuildReason, writeBuildStamp } from './build-state.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const reason = findBuildReason(root);
if (reason !== undefined) {
  console.log(`Building Tenantry (${reason})…`);
  const startedAt = Date.now();
  const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  writeBuildStamp(root, startedAt);
}

// Never require('electron') here: without its binary it would try to download one.
function findElectronBinary() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const exe = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, process.platform === 'win32' ? 'electron.exe' : 'electron');
    return existsSync(exe) ? exe : undefined;
  }
  const pathFile = join(root, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const exe = join(root, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(exe) ? exe : undefined;
}

const args = process.argv.slice(2);
const forceWeb = args.includes('--web');
const uiArgs = args.filter((a) => a !== '--web');
const electron = findElectronBinary();
const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
// Compiled by the build above; plain Node, no Electron.
const { chooseLaunch } = await import('../dist/electron/main/security.js');
const launch = chooseLaunch({ hasElectron: Boolean(electron), hasDisplay, forceWeb, uid: process.getuid?.() });

let child;
if (launch.mode === 'desktop') {
  console.log('Opening the Tenantry desktop app…');
  child = spawn(electron, [root], { stdio: 'inherit' });
} else {
  console.log(`Starting Tenantry in web mode (${launch.why}).`);
  child = spawn(process.execPath, [join(root, 'bin', 'tenantry.js'), 'ui', ...uiArgs], { stdio: 'inherit' });
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
