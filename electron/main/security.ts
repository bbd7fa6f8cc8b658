/**
 * Decisions of the Electron main process that the security checklist asks
 * for, as plain functions (testable in Node without the Electron binary):
 * where passwords may be kept, whether this launch may run at all, and which
 * file an app:// request may read.
 */
import { join, normalize, sep } from 'node:path';

/** Where saved connection passwords go. */
export type PasswordStorage = { kind: 'encrypted' } | { kind: 'memory'; reason: string };

export interface PasswordStorageFacts {
  platform: string;
  /** safeStorage.isEncryptionAvailable() */
  encryptionAvailable: boolean;
  /** Linux only: safeStorage.getSelectedStorageBackend(). */
  linuxBackend?: string;
}

/**
 * Encrypted with the OS keychain, or (no keychain) in memory only, as in web
 * mode. On Linux without Secret Service or KWallet, Electron falls back to
 * `basic_text`: a key hard-coded in Chromium, so the "encrypted" file would be
 * readable by anyone who can read it. That backend (and an undetermined one)
 * is refused.
 */
export function choosePasswordStorage(facts: PasswordStorageFacts): PasswordStorage {
  if (!facts.encryptionAvailable) {
    return { kind: 'memory', reason: 'No OS keychain is available to encrypt passwords, so Tenantry keeps them in memory only (as in web mode): a saved connection asks for its password again after a restart.' };
  }
  if (facts.platform === 'linux' && (facts.linuxBackend === undefined || facts.linuxBackend === 'basic_text' || facts.linuxBackend === 'unknown')) {
    return {
      kind: 'memory',
      reason: `No keychain (Secret Service or KWallet) was found, and Electron's fallback (${facts.linuxBackend ?? 'unknown'}) encrypts with a fixed key, so Tenantry keeps passwords in memory only (as in web mode): a saved connection asks for its password again after a restart.`,
    };
  }
  return { kind: 'encrypted' };
}

/**
 * Why the desktop app must not start, if it must not: as root Chromium's
 * sandbox cannot work and would have to be switched off (--no-sandbox), which
 * would leave the renderer (and whatever a snapshot or server message could
 * make it show) running as root without its sandbox.
 */
export function findLaunchRefusal(facts: { uid: number | undefined; argv: readonly string[] }): string | undefined {
  if (facts.uid === 0) return 'Tenantry does not run as root: Chromium\'s sandbox would have to be switched off. Run it as your own user (or use web mode: tenantry ui).';
  if (facts.argv.includes('--no-sandbox')) return 'Tenantry does not run with --no-sandbox: the window\'s sandbox is part of its protection. Start it without that switch.';
  return undefined;
}

/**
 * The file under `rendererDir` that an app:// request names, or undefined
 * (404) for another host, a malformed percent-encoding, or a path that leaves
 * the folder (`..`, encoded or not).
 */
export function resolveRendererFile(rendererDir: string, requestUrl: string, host = 'tenantry'): string | undefined {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return undefined;
  }
  if (url.host !== host) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  if (path.includes('\0')) return undefined;
  const relative = path === '/' ? 'index.html' : path.replace(/^\/+/, '');
  const file = normalize(join(rendererDir, relative));
  return file.startsWith(rendererDir + sep) ? file : undefined;
}

/**
 * `npm start`'s choice (scripts/start.js): the desktop window when an Electron
 * binary and a display are there, else web mode. As root it is web mode, with
 * the reason: the desktop app refuses root rather than run without Chromium's
 * sandbox (it used to be started with --no-sandbox).
 */
export function chooseLaunch(facts: { hasElectron: boolean; hasDisplay: boolean; forceWeb: boolean; uid: number | undefined }): { mode: 'desktop' } | { mode: 'web'; why: string } {
  if (facts.forceWeb) return { mode: 'web', why: 'web mode requested' };
  if (!facts.hasElectron) return { mode: 'web', why: 'no Electron binary installed' };
  if (!facts.hasDisplay) return { mode: 'web', why: 'no display' };
  if (facts.uid === 0) return { mode: 'web', why: "running as root: the desktop app does not run as root, since Chromium's sandbox would have to be switched off" };
  return { mode: 'desktop' };
}
