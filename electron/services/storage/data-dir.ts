/**
 * The app's data folder: Electron's userData in the desktop app, otherwise
 * $XDG_DATA_HOME/tenantry (~/.local/share/tenantry). TENANTRY_DATA_DIR wins
 * over both (the tests point it at a temporary directory).
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Resolves and creates the data folder. */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env, electronUserData?: string): string {
  const dir = findDataDir(env, electronUserData);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Where the data folder is, without creating it (for commands that only read it). */
export function findDataDir(env: NodeJS.ProcessEnv = process.env, electronUserData?: string): string {
  // HOME from the given environment (the CLI's), so a run with another HOME uses that home's folder.
  return env.TENANTRY_DATA_DIR || electronUserData || join(env.XDG_DATA_HOME || join(env.HOME || homedir(), '.local', 'share'), 'tenantry');
}
