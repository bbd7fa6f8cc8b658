/** App settings kept by the backend (electron/services/storage/settings-store.ts). */
import type { Handlers } from '../../core/api/contract.js';
import type { SettingsStore } from '../services/storage/settings-store.js';

/** Builds the settings handlers. */
export function createSettingsHandlers(settings: SettingsStore): Pick<Handlers, 'settings:read' | 'settings:write'> {
  return {
    'settings:read': async () => settings.read(),
    'settings:write': async (patch) => settings.write(patch),
  };
}
