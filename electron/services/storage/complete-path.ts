/**
 * Completion of a typed path for the certificate and key fields in web mode
 * (where the browser has no file dialog): names of readable files and of
 * directories under the user's home, never their contents, and nothing
 * outside home, whether reached by "..", an absolute path or a symbolic link.
 */
import { constants } from 'node:fs';
import { access, readdir, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export interface PathCompletion {
  /** The home directory completions stay under, as "~" expands. */
  home: string;
  /** Matches, directories first (ending in "/"), at most `limit`. */
  entries: { path: string; dir: boolean }[];
  /** Why nothing is offered (outside home, no such folder), when that is the reason. */
  note?: string;
}

const LIMIT = 50;

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Completes `typed` ("~/.postgresql/ro", or an absolute path under home). */
export async function completePath(typed: string, options: { home?: string; limit?: number } = {}): Promise<PathCompletion> {
  const home = await realpath(options.home ?? homedir()).catch(() => resolve(options.home ?? homedir()));
  const limit = options.limit ?? LIMIT;
  // Joined as text, not normalised: "~/." must keep its dot (the start of a hidden name).
  const expanded = typed === '~' ? `${home}${sep}` : typed.startsWith('~/') ? `${home}${sep}${typed.slice(2)}` : typed;
  if (!expanded || !isAbsolute(expanded)) return { home, entries: [], note: 'Type a path starting with ~/ (your home folder).' };
  const endsInSlash = expanded.endsWith('/');
  const folder = resolve(endsInSlash ? expanded : dirname(expanded));
  const stem = endsInSlash ? '' : basename(expanded);
  const outside = { home, entries: [], note: `Only files under your home folder (${home}) are offered.` };
  if (!inside(home, folder)) return outside;
  // A symbolic link inside home may point outside it: judged by where it really leads.
  const real = await realpath(folder).catch(() => undefined);
  if (real === undefined) return { home, entries: [], note: 'No such folder.' };
  if (!inside(home, real)) return outside;
  const names = await readdir(real).catch(() => [] as string[]);
  const entries: { path: string; dir: boolean }[] = [];
  for (const name of names.sort()) {
    if (!name.startsWith(stem)) continue;
    // Hidden entries only when asked for by a leading dot, as shells complete.
    if (name.startsWith('.') && !stem.startsWith('.')) continue;
    const shown = join(folder, name);
    const target = await realpath(join(real, name)).catch(() => undefined);
    if (target === undefined || !inside(home, target)) continue;
    const info = await stat(target).catch(() => undefined);
    if (!info) continue;
    const readable = await access(target, info.isDirectory() ? constants.R_OK | constants.X_OK : constants.R_OK).then(() => true, () => false);
    if (!readable || !(info.isDirectory() || info.isFile())) continue;
    entries.push({ path: info.isDirectory() ? `${shown}/` : shown, dir: info.isDirectory() });
  }
  entries.sort((a, b) => Number(b.dir) - Number(a.dir) || a.path.localeCompare(b.path));
  return { home, entries: entries.slice(0, limit) };
}
