/**
 * App settings kept by the backend in <data>/settings.json, so they outlive what a browser keeps per
 * origin: web mode's address changes port at every start, and localStorage is per origin, so a theme
 * kept only there was lost. Unknown or malformed values read as the defaults.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppSettings } from '../../../core/api/contract.js';

const DEFAULTS: AppSettings = { theme: 'system' };

function readTheme(value: unknown): AppSettings['theme'] {
  return value === 'light' || value === 'dark' || value === 'system' ? value : DEFAULTS.theme;
}

export class SettingsStore {
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'settings.json');
  }

  read(): AppSettings {
    if (!existsSync(this.file)) return { ...DEFAULTS };
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<Record<keyof AppSettings, unknown>>;
      return { theme: readTheme(parsed.theme) };
    } catch {
      return { ...DEFAULTS };
    }
  }

  /** Applies the given settings over the stored ones and returns the result. */
  write(patch: Partial<AppSettings>): AppSettings {
    const next = { ...this.read(), ...patch };
    // Written aside and renamed, so a crash mid-write never leaves half a file.
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(next, null, 1) + '\n', { mode: 0o600 });
    renameSync(temporary, this.file);
    return next;
  }
}
