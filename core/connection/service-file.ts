/**
 * pg_service.conf: INI-style sections of libpq `keyword=value` lines.
 * Pure parsing; the service layer finds and reads the files.
 */
import { TenantryError } from '../errors.js';
import { setConnectionParameter } from './parameters.js';
import type { ConnectionProfile } from './profile.js';

/**
 * Finds service `name` in the text of a pg_service.conf and returns its
 * parameters as a partial profile, or undefined when the file does not define it.
 */
export function findServiceInFile(text: string, name: string, fileName: string): ConnectionProfile | undefined {
  let inSection = false;
  let found: ConnectionProfile | undefined;
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      if (found) break;
      const end = line.indexOf(']');
      if (end < 0) throw syntax(fileName, index + 1, 'a section header without "]"');
      inSection = line.slice(1, end) === name;
      if (inSection) found = {};
      continue;
    }
    if (!inSection || !found) continue;
    const eq = line.indexOf('=');
    if (eq < 0) throw syntax(fileName, index + 1, `"${line}" is not keyword=value`);
    const keyword = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (keyword === 'service') throw syntax(fileName, index + 1, 'nested service specifications are not supported');
    try {
      setConnectionParameter(found, keyword, value);
    } catch (error) {
      if (error instanceof TenantryError) {
        throw new TenantryError(error.code, `${error.userMessage} (in ${fileName}, line ${index + 1}, service "${name}")`, { cause: error });
      }
      throw error;
    }
  }
  return found;
}

function syntax(fileName: string, line: number, what: string): TenantryError {
  return new TenantryError('CONNECTION_PARAMETER_INVALID', `The service file ${fileName} has a syntax error on line ${line}: ${what}.`);
}
