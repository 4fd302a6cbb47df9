/**
 * The step-through page (web/): `npm run web` (dev server), `npm run web:build` (web/dist),
 * `orc-sandbox serve`. The sandbox runs in the browser; the one Node-only module on its import
 * graph (runtime-aarch64/index.ts, which reads the runtime objects from disk), the native Unicorn
 * engine and the worker executor are swapped for browser stand-ins (src/shims/); the objects are
 * fetched as assets.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const webDir = fileURLToPath(new URL('.', import.meta.url));
const repoDir = fileURLToPath(new URL('..', import.meta.url));
const shim = (name: string): string => fileURLToPath(new URL(`./src/shims/${name}`, import.meta.url));

export default defineConfig({
  root: webDir,
  base: './',
  clearScreen: false,
  resolve: {
    alias: [
      // Reads the runtime objects with node:fs; the page fetches them instead.
      { find: /^.*\/runtime-aarch64\/index\.ts$/, replacement: shim('runtime-objects.ts') },
      // Native Unicorn (koffi), behind createEngine's dynamic import: not loadable in a page.
      { find: /^.*\/unicorn\/engine\.ts$/, replacement: shim('unicorn-engine.ts') },
      // The worker executor (node:worker_threads), behind openSession's dynamic import.
      { find: /^.*\/epc\/worker-epc\.ts$/, replacement: shim('worker-epc.ts') },
    ],
  },
  server: { host: '127.0.0.1', fs: { allow: [repoDir] } },
  preview: { host: '127.0.0.1' },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Objects are fetched; keep them as files (easier to inspect) rather than data: URLs.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2000,
  },
});
