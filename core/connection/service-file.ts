/**
 * pg_service.conf: INI-style sections of libpq `keyword=value` lines.
 * Pure parsing; the service layer finds and reads the files.
 */
import { TenantryError } from '../errors.js';
import { PARAMETERS, setConnectionParameter } from './parameters.js';
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

/** Formats a profile as a pg_service.conf section (no password unless asked; values cannot be quoted there). */
export function formatServiceEntry(name: string, profile: ConnectionProfile, options: { includePassword?: boolean } = {}): string {
  if (!/^[^\]\r\n]+$/.test(name)) throw new TenantryError('CONNECTION_PARAMETER_INVALID', `"${name}" cannot be a service name: it must be one line without "]".`);
  const lines = [`[${name}]`];
  for (const spec of PARAMETERS) {
    if (spec.key === 'service' || spec.key === 'passfile') continue;
    if ((spec.key === 'password' || spec.key === 'sslpassword') && !options.includePassword) continue;
    const value = profile[spec.key];
    if (value === undefined) continue;
    const text = String(value);
    if (/[\r\n]/.test(text) || text !== text.trim()) {
      throw new TenantryError('CONNECTION_PARAMETER_INVALID', `The value of "${spec.keyword}" has line breaks or surrounding spaces, which a service file cannot hold.`);
    }
    lines.push(`${spec.keyword}=${text}`);
  }
  return lines.join('\n') + '\n';
}
