import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer: React + Monaco, bundled from local packages only (no CDN),
// built into dist/renderer and loaded from app://tenantry (desktop) or
// http://127.0.0.1 (web mode) with relative asset paths. Paths are relative to
// the repository root, where `npm run build` runs.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 8000,
    sourcemap: false,
  },
});
