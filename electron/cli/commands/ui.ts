/** `tenantry ui`: serves the app in web mode on 127.0.0.1 and prints the address. */
import { spawn } from 'node:child_process';
import { UsageError, type CliCommand } from '../command.js';
import { startWebMode } from '../../server/web-mode.js';
import { parseOptions, stringOption } from './parse-options.js';

/**
 * Opens the browser on an address with a one-time code. Every local user can
 * read the opener's argument list (ps, /proc/PID/cmdline), so it never holds
 * the session token: the code is spent by the browser's first request.
 */
function openBrowser(url: string, env: NodeJS.ProcessEnv): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  if (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return;
  try {
    const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no browser: the printed address is enough
  }
}

export const uiCommand: CliCommand = {
  name: 'ui',
  summary: 'Open the app in a browser (web mode on 127.0.0.1)',
  usage: [
    'Usage: tenantry ui [--port N] [--no-open]',
    '',
    'Serves the Tenantry UI on http://127.0.0.1 and prints an address to open.',
    'Each address holds a one-time code: the first browser to open it gets the',
    'session (an HttpOnly cookie) and the address stops working. Press Enter for',
    'a new address. Passwords stay in memory only in web mode.',
    '',
    '  --port N     listen on port N (default: a free port)',
    '  --no-open    do not open a browser',
  ].join('\n'),
  async run(argv, io) {
    const values = parseOptions(argv, { port: { type: 'string' }, 'no-open': { type: 'boolean' } });
    const port = Number(stringOption(values, 'port') ?? 0);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port needs a number from 0 to 65535.');
    const open = values['no-open'] !== true;
    const web = await startWebMode({ port, env: io.env, guardProcess: true });
    io.stdout(`Tenantry is running at ${web.server.newAddress()}\nData folder: ${web.dataDir}\nEach address works once: press Enter for a new one, Ctrl+C to stop.\n`);
    // The browser gets its own code, so the printed address still works for the person at the terminal.
    if (open) openBrowser(web.server.newAddress(), io.env);
    const onLine = () => io.stdout(`New address: ${web.server.newAddress()}\n`);
    process.stdin.on('data', onLine);
    try {
      const interrupted = io.interrupts?.();
      if (interrupted) await new Promise<void>((resolve) => interrupted.addEventListener('abort', () => resolve(), { once: true }));
      else await new Promise<void>((resolve) => void ['SIGINT', 'SIGTERM'].map((s) => process.once(s, resolve)));
    } finally {
      process.stdin.off('data', onLine);
      process.stdin.pause();
    }
    await web.close();
    return 0;
  },
};
