// Entry of a campaign worker thread (src/fuzz/campaign.ts). Compiled (dist/), the worker is plain
// JavaScript: the bundles the build writes to dist/cli/ (campaign-worker.js and the slice module's
// worker-<path>.js, sharing chunks: a few files instead of ~120 per-file modules; bin/build.js)
// when the slice module has one, else the per-file campaign-worker.js beside this file. The two
// never mix: a bundled worker with a per-file slice module would hold two copies of the modules
// both import (the V8 tuning of v8-tiering.ts among them). From the sources (vitest, tsx), it
// registers tsx first (a worker does not inherit the parent thread's loader hooks): the slice module
// it loads is a .ts file.
import { existsSync } from 'node:fs';
import { workerData } from 'node:worker_threads';

const compiled = new URL('./campaign-worker.js', import.meta.url);
const bundles = new URL('../../cli/', import.meta.url);
const perFileRoot = new URL('../', import.meta.url).href;

/** dist/src/fuzz/lazy/slices.js → dist/cli/worker-fuzz-lazy-slices.js, when the build wrote it. */
function bundleOf(module) {
  if (typeof module !== 'string' || !module.startsWith(perFileRoot) || !module.endsWith('.js')) return undefined;
  const name = `worker-${module.slice(perFileRoot.length, -'.js'.length).replaceAll('/', '-')}.js`;
  const url = new URL(name, bundles);
  return existsSync(url) ? url.href : undefined;
}

if (existsSync(compiled)) {
  const bundledModule = bundleOf(workerData.module);
  const bundledWorker = new URL('campaign-worker.js', bundles);
  if (bundledModule !== undefined && existsSync(bundledWorker)) {
    workerData.module = bundledModule;
    await import(bundledWorker.href);
  } else await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./campaign-worker.ts');
}
