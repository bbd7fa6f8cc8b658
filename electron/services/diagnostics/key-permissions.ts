/**
 * libpq's rule for a client key's permissions (fe-secure-openssl.c): a key
 * owned by root may be 0640 or stricter (group read for system-wide keys), any
 * other key 0600 or stricter; Windows is not checked. Used by files:inspect and
 * by the diagnostics' file checks, so the form and the diagnosis agree.
 */

/** Whether libpq loads a key file with this mode (the permission bits) and owner. */
export function isKeyModeAcceptable(mode: number, ownedByRoot: boolean, platform: NodeJS.Platform = process.platform): boolean {
  if (platform === 'win32') return true;
  // Root: no group write or execute, nothing for others (S_IWGRP | S_IXGRP | S_IRWXO); otherwise nothing for group or others.
  return (mode & (ownedByRoot ? 0o037 : 0o077)) === 0;
}

/** A mode's permission bits as ls -l's octal, e.g. '0600'. */
export function modeText(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, '0');
}
