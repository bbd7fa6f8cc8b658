// Whether dist/ is older than what it is built from, for `npm start`. A pull or
// checkout gives every changed file a new modification time, so "some input is
// newer than the last build" catches stale code that would otherwise run (and
// fail with ERR_MODULE_NOT_FOUND when a pulled change moved a module).
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The files `npm start` runs; a missing one means there is no build. */
export const BUILD_OUTPUTS = ['dist/electron/cli/index.js', 'dist/electron/main/index.js', 'dist/electron/preload/index.cjs', 'dist/renderer/index.html'];

/** Folders and files the build reads (tsc -b, esbuild for the preload, vite for the renderer). */
export const BUILD_INPUTS = ['core', 'electron', 'renderer', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.base.json'];

/** Written after a successful build started by `npm start`; its modification time is when that build started. */
export const BUILD_STAMP = 'dist/.start-build-stamp';

/** The newest modification time (ms) under path, or 0 when it does not exist; skips node_modules. */
function newestModification(path) {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs; // a deleted file shows only as its folder's new time
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    newest = Math.max(newest, newestModification(join(path, entry.name)));
  }
  return newest;
}

/** Why root's dist/ must be built before it runs, or undefined when it is up to date. */
export function findBuildReason(root) {
  const missing = BUILD_OUTPUTS.find((f) => !existsSync(join(root, f)));
  if (missing !== undefined) return `${missing} is missing`;
  const stamp = join(root, BUILD_STAMP);
  if (!existsSync(stamp)) return 'dist/ was not built by npm start';
  const builtAt = statSync(stamp).mtimeMs;
  for (const input of BUILD_INPUTS) {
    if (newestModification(join(root, input)) > builtAt) return `${input} changed since the last build`;
  }
  return undefined;
}

/** Records a successful build that started at startedAt (ms): inputs changed during the build count as newer. */
export function writeBuildStamp(root, startedAt) {
  const stamp = join(root, BUILD_STAMP);
  writeFileSync(stamp, 'Written by scripts/start.js after a build; dist/ is rebuilt when a build input is newer.\n');
  utimesSync(stamp, startedAt / 1000, startedAt / 1000);
}
