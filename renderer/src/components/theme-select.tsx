import { useState } from 'react';
import { readThemeChoice, setThemeChoice, type ThemeChoice } from '../lib/theme';

/** The light/dark choice in the sidebar: System (the OS setting), Light or Dark, kept across reloads. */
export function ThemeSelect() {
  const [choice, setChoice] = useState<ThemeChoice>(readThemeChoice);
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
