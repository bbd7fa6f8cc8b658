import { useEffect, useState } from 'react';
import { THEME_EVENT, readThemeChoice, setThemeChoice, type ThemeChoice } from '../lib/theme';

/** The light/dark choice in the sidebar: System (the OS setting), Light or Dark, kept across reloads. */
export function ThemeSelect() {
  const [choice, setChoice] = useState<ThemeChoice>(readThemeChoice);
  // The backend's choice can arrive after the first render (another port's page set it).
  useEffect(() => {
    const follow = () => setChoice(readThemeChoice());
    window.addEventListener(THEME_EVENT, follow);
    return () => window.removeEventListener(THEME_EVENT, follow);
  }, []);
  return (
    <label className="row tight">
      Theme
      <select
        aria-label="Theme"
        value={choice}
        onChange={(e) => {
          const next = e.target.value as ThemeChoice;
          setChoice(next);
          setThemeChoice(next);
        }}
      >
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  );
}
