/**
 * Where the sandbox cluster lives, and the checks that keep it private.
 *
 * Preferred: `<dataDir>/sandbox`. When Tenantry runs as root and the
 * `postgres` OS user (who runs the server) cannot reach the data folder, a
 * directory Tenantry creates itself with mkdtemp under the temporary folder
 * (`/tmp/tenantry-sandbox-XXXXXX`); its path is recorded in
 * `<dataDir>/sandbox-location` so the cluster survives restarts. A directory
 * is used only when lstat shows a real directory (not a symbolic link) owned
 * by the server's OS user with no access for anyone else: a local user can
 * neither plant a directory of their own there nor make Tenantry follow a
 * link, because only root can create a directory owned by another user.
 */
import { closeSync, constants, fchmodSync, fchownSync, lchownSync, lstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { TenantryError } from '../../../core/errors.js';

export interface OsOwner {
  uid: number;
  gid: number;
}

const LOCATION_FILE = 'sandbox-location';
const TEMP_PREFIX = 'tenantry-sandbox-';
/** mkdtemp appends six random characters. */
const TEMP_NAME = /^tenantry-sandbox-[A-Za-z0-9]{6}$/;

/** Why a directory is not a private directory of `uid`, or undefined when it is. */
export function findPrivateDirectoryProblem(path: string, uid: number): string | undefined {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return 'does not exist';
  }
  if (stat.isSymbolicLink()) return 'is a symbolic link';
  if (!stat.isDirectory()) return 'is not a directory';
  if (stat.uid !== uid) return `belongs to user id ${stat.uid}, not ${uid}`;
  if ((stat.mode & 0o077) !== 0) return `is open to other users (mode ${(stat.mode & 0o777).toString(8)})`;
  return undefined;
}

function refuse(path: string, problem: string): never {
  throw new TenantryError('SANDBOX_FAILED', `The sandbox folder ${path} ${problem}, so the sandbox was not started there. Remove it (or give it to the right user with mode 700) and start the sandbox again.`);
}

/** Creates `path` as a private directory of `owner`, or checks the one that is already there. */
export function ensurePrivateDirectory(path: string, owner: OsOwner): void {
  let created = false;
  try {
    mkdirSync(path, { mode: 0o700 });
    created = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new TenantryError('SANDBOX_FAILED', `The sandbox folder ${path} could not be created.`, { detail: String(error), cause: error });
  }
  if (created) giveDirectory(path, owner);
  const problem = findPrivateDirectoryProblem(path, owner.uid);
  if (problem) refuse(path, problem);
}

/** lchown never follows a link; the directory was just created by us in a folder others cannot rename in. */
function giveDirectory(path: string, owner: OsOwner): void {
  const self = process.getuid?.();
  if (self !== undefined && self !== owner.uid) lchownSync(path, owner.uid, owner.gid);
}

function readRecordedLocation(dataDir: string): string | undefined {
  const file = join(dataDir, LOCATION_FILE);
  try {
    if (!lstatSync(file).isFile()) return undefined;
    const recorded = readFileSync(file, 'utf8').trim();
    return recorded.length > 0 ? recorded : undefined;
  } catch {
    return undefined;
  }
}

/** The recorded temporary directory, if it is still ours: a mkdtemp name in the temp folder, private to `owner`. */
export function findRecordedSandboxDirectory(dataDir: string, owner: OsOwner): string | undefined {
  const recorded = readRecordedLocation(dataDir);
  if (!recorded || dirname(recorded) !== tmpdir() || !TEMP_NAME.test(basename(recorded))) return undefined;
  return findPrivateDirectoryProblem(recorded, owner.uid) === undefined ? recorded : undefined;
}

/** A fresh private directory under the temp folder for `owner`, recorded in the data folder. */
export function createTemporarySandboxDirectory(dataDir: string, owner: OsOwner): string {
  const dir = mkdtempSync(join(tmpdir(), TEMP_PREFIX));
  giveDirectory(dir, owner);
  const problem = findPrivateDirectoryProblem(dir, owner.uid);
  if (problem) refuse(dir, problem);
  writeOwnedFile(join(dataDir, LOCATION_FILE), dir + '\n');
  return dir;
}

/** Where the sandbox lives: `<dataDir>/sandbox`, or (server user cannot reach it) a private temp directory. */
export function prepareSandboxDirectory(dataDir: string, owner: OsOwner, serverCanReachDataDir: boolean): string {
  if (serverCanReachDataDir) {
    const dir = join(dataDir, 'sandbox');
    ensurePrivateDirectory(dir, owner);
    return dir;
  }
  return findRecordedSandboxDirectory(dataDir, owner) ?? createTemporarySandboxDirectory(dataDir, owner);
}

/** The directory the sandbox will use, as far as it is known before the first start. */
export function describeSandboxDirectory(dataDir: string, owner: OsOwner, serverCanReachDataDir: boolean): string {
  if (serverCanReachDataDir) return join(dataDir, 'sandbox');
  return findRecordedSandboxDirectory(dataDir, owner) ?? join(tmpdir(), `${TEMP_PREFIX}XXXXXX (created on start)`);
}

/**
 * Writes a file mode 0600 without following a symbolic link at its name
 * (O_NOFOLLOW), then gives it to `owner` through the open descriptor.
 */
export function writeOwnedFile(path: string, text: string, owner?: OsOwner): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600);
  try {
    fchmodSync(fd, 0o600);
    if (owner && process.getuid?.() !== owner.uid) fchownSync(fd, owner.uid, owner.gid);
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
