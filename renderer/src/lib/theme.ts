/**
 * Light or dark: the user's choice, or the OS setting. The choice is kept by
 * the backend (settings:read/settings:write), because web mode's address
 * changes port at every start and localStorage is per origin; localStorage
 * holds a copy so the first paint has the right colours before the backend
 * answers. The choice is applied as `data-theme` on the root element, which
 * the CSS variables and the Monaco theme follow.
 */
import type { AppSettings } from '../../../core/api/contract';
import { invoke } from '../api/client';

export type ThemeChoice = AppSettings['theme'];

const KEY = 'tenantry-theme';
export const THEME_EVENT = 'tenantry-theme';
const systemDark = window.matchMedia('(prefers-color-scheme: dark)');

/** The stored choice ('system' when none or unreadable). */
export function readThemeChoice(): ThemeChoice {
  try {
    const value = window.localStorage.getItem(KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

/** Whether the page is dark now. */
export function isDarkTheme(): boolean {
  return document.documentElement.dataset.theme === 'dark';
}

function apply(choice: ThemeChoice): void {
  const dark = choice === 'dark' || (choice === 'system' && systemDark.matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  window.dispatchEvent(new Event(THEME_EVENT));
}

function storeLocally(choice: ThemeChoice): void {
  try {
    if (choice === 'system') window.localStorage.removeItem(KEY);
    else window.localStorage.setItem(KEY, choice);
  } catch {
    // Storage can be unavailable (private windows): the backend's copy still holds the choice.
  }
}

/** Stores (locally and in the backend's settings) and applies a choice. */
export function setThemeChoice(choice: ThemeChoice): void {
  storeLocally(choice);
  apply(choice);
  void invoke('settings:write', { theme: choice });
}

/** Applies the local copy at once, then the backend's choice; follows OS changes while the choice is "system". */
export function startTheme(): void {
  apply(readThemeChoice());
  systemDark.addEventListener('change', () => apply(readThemeChoice()));
  void invoke('settings:read', {}).then((r) => {
    if (!r.ok || r.value.theme === readThemeChoice()) return;
    storeLocally(r.value.theme);
    apply(r.value.theme);
  });
}
