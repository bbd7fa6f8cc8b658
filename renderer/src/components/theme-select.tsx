import { useSyncExternalStore } from 'react';
import { THEME_EVENT, readThemeChoice, setThemeChoice, type ThemeChoice } from '../lib/theme';

/** Follows every change of the stored choice, including the backend's answer that can arrive after the first render. */
function subscribe(onChange: () => void): () => void {
  window.addEventListener(THEME_EVENT, onChange);
  return () => window.removeEventListener(THEME_EVENT, onChange);
}

/**
 * The light/dark choice in the sidebar: System (the OS setting), Light or Dark, kept across reloads. The
 * stored choice is read as an external store: React reads it again once subscribed, so an answer that came
 * between the first render and the subscription is not missed (the select used to stay on System above a
 * dark page).
 */
export function ThemeSelect() {
  const choice = useSyncExternalStore(subscribe, readThemeChoice);
  return (
    <label className="row tight">
      Theme
      <select aria-label="Theme" value={choice} onChange={(e) => setThemeChoice(e.target.value as ThemeChoice)}>
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  );
}
