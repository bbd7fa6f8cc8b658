/**
 * Light or dark: the user's choice (kept in localStorage), or the OS setting.
 * The choice is applied as `data-theme` on the root element, which the CSS
 * variables and the Monaco theme follow.
 */
export type ThemeChoice = 'system' | 'light' | 'dark';

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

/** Stores and applies a choice. */
export function setThemeChoice(choice: ThemeChoice): void {
  try {
    if (choice === 'system') window.localStorage.removeItem(KEY);
    else window.localStorage.setItem(KEY, choice);
  } catch {
    // Storage can be unavailable (private windows): the choice then lasts for this page only.
  }
  apply(choice);
}

/** Applies the stored choice and follows OS changes while the choice is "system". */
export function startTheme(): void {
  apply(readThemeChoice());
  systemDark.addEventListener('change', () => apply(readThemeChoice()));
}
