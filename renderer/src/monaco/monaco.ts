/**
 * Monaco, bundled from the local monaco-editor package (never a CDN): the core
 * editor with its contributions but no bundled languages, the editor worker
 * wired through Vite, and a PostgreSQL tokens provider (pgsql-language.ts).
 */
import type * as MonacoApi from 'monaco-editor';
import * as monacoCore from 'monaco-editor/esm/vs/editor/edcore.main.js';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker?worker';
import { registerPgsql } from './pgsql-language';
import { THEME_EVENT, isDarkTheme } from '../lib/theme';

self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

export const monaco = monacoCore as unknown as typeof MonacoApi;
export type { MonacoApi };

registerPgsql(monaco);

/** Follows the app's light/dark theme (the user's choice or the OS setting, lib/theme.ts). */
export function applyTheme(): void {
  monaco.editor.setTheme(isDarkTheme() ? 'tenantry-dark' : 'tenantry-light');
}
monaco.editor.defineTheme('tenantry-light', {
  base: 'vs',
  inherit: true,
  rules: [
    { token: 'keyword', foreground: '1f4fb0', fontStyle: 'bold' },
    { token: 'string', foreground: 'a3402a' },
    { token: 'string.dollar', foreground: '6b4a1f' },
    { token: 'comment', foreground: '6a737d', fontStyle: 'italic' },
    { token: 'number', foreground: '0b7a5a' },
    { token: 'identifier.quoted', foreground: '7a3e9d' },
    { token: 'meta', foreground: '8a6d00' },
  ],
  colors: {},
});
monaco.editor.defineTheme('tenantry-dark', {
  base: 'vs-dark',
  inherit: true,
  rules: [
    { token: 'keyword', foreground: '7fa7ff', fontStyle: 'bold' },
    { token: 'string', foreground: 'e8a27c' },
    { token: 'string.dollar', foreground: 'd7c08a' },
    { token: 'comment', foreground: '7d8799', fontStyle: 'italic' },
    { token: 'number', foreground: '7fd1b0' },
    { token: 'identifier.quoted', foreground: 'cf9be8' },
    { token: 'meta', foreground: 'e0c35a' },
  ],
  colors: { 'editor.background': '#1b1e24' },
});
window.addEventListener(THEME_EVENT, applyTheme);
applyTheme();
