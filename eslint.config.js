import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeOnly = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'net', 'tls', 'electron', 'pg', 'execa', 'react', 'react-dom', 'monaco-editor', '@monaco-editor/react'];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', '.test-results/**', 'bench-results/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // core/ is pure: no Node, Electron, driver, DOM or UI modules.
    files: ['core/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', { patterns: nodeOnly.map((group) => ({ group: [group], message: 'core/ is pure TypeScript: pass facts in, keep I/O in electron/services.' })) }],
    },
  },
  {
    // The renderer reaches the backend only through the contract.
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/electron/**', 'node:*', 'pg', 'execa'], message: 'renderer/ talks to the backend through core/api/contract only.' }] }],
    },
  },
);
