/**
 * Starts the real app in web mode (`tenantry ui`) as a child process on a free
 * port with its own data folder, and stops it (with its sandbox) afterwards.
 * Shared by the e2e journeys, the web-mode fault tests and the bench's browser
 * sections (bench/in-browser.ts), so none keeps its own copy.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './repo-root.js';

export interface WebApp {
  /** The printed address: its one-time code works for one page load (then use newUrl). */
  url: string;
  origin: string;
  /** Another one-time address, as pressing Enter in the terminal prints it. */
  newUrl(): Promise<string>;
  dataDir: string;
  output(): string;
  stop(): Promise<void>;
}

const root = repoRoot();
const cli = join(root, 'dist', 'electron', 'cli', 'index.js');

/** Whether the app has been built (`npm run build`). */
export function isBuilt(): boolean {
  return existsSync(cli) && existsSync(join(root, 'dist', 'renderer', 'index.html'));
}

/** Starts `tenantry ui --no-open --port 0` and waits for its address. */
export async function startWebApp(env: Record<string, string> = {}): Promise<WebApp> {
  if (!isBuilt()) throw new Error('The app is not built: run `npm run build` before the e2e tests.');
  const dataDir = mkdtempSync(join(tmpdir(), 'tenantry-e2e-'));
  // As root, the sandbox's server runs as the postgres OS user, which must reach this folder.
  chmodSync(dataDir, 0o755);
  const child: ChildProcess = spawn(process.execPath, [cli, 'ui', '--no-open', '--port', '0'], {
    env: { ...process.env, TENANTRY_DATA_DIR: dataDir, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const fail = (error: Error) => {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`tenantry ui did not print its address:\n${output}`)), 30_000);
    const check = () => {
      const match = /running at (http:\/\/127\.0\.0\.1:\d+\/\?code=\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`tenantry ui exited with ${code}:\n${output}`));
    });
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    async newUrl() {
      const seen = output.length;
      child.stdin?.write('\n');
      for (;;) {
        const match = /New address: (\S+)/.exec(output.slice(seen));
        if (match?.[1]) return match[1];
        await new Promise((r) => child.stdout?.once('data', r));
      }
    },
    dataDir,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timeout = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timeout);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
