/** `tenantry ui`: serves the app in web mode on 127.0.0.1 and prints the address. */
import { spawn } from 'node:child_process';
import { UsageError, type CliCommand } from '../command.js';
import { startWebMode } from '../../server/web-mode.js';
import { parseOptions, stringOption } from './parse-options.js';

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
    'Serves the Tenantry UI on http://127.0.0.1 with a random access token and',
    'prints the address. Passwords stay in memory only in web mode.',
    '',
    '  --port N     listen on port N (default: a free port)',
    '  --no-open    do not open a browser',
  ].join('\n'),
  async run(argv, io) {
    const values = parseOptions(argv, { port: { type: 'string' }, 'no-open': { type: 'boolean' } });
    const port = Number(stringOption(values, 'port') ?? 0);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port needs a number from 0 to 65535.');
    const open = values['no-open'] !== true;
    const web = await startWebMode({ port, env: io.env });
    io.stdout(`Tenantry is running at ${web.server.url}\nData folder: ${web.dataDir}\nPress Ctrl+C to stop.\n`);
    if (open) openBrowser(web.server.url, io.env);
    const interrupted = io.interrupts?.();
    if (interrupted) await new Promise<void>((resolve) => interrupted.addEventListener('abort', () => resolve(), { once: true }));
    else await new Promise<void>((resolve) => void ['SIGINT', 'SIGTERM'].map((s) => process.once(s, resolve)));
    await web.close();
    return 0;
  },
};
