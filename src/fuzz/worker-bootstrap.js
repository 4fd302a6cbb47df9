// Entry of a campaign worker thread (src/fuzz/campaign.ts). Compiled, it runs the worker entry that
// matches the slice module it is given (workerData.module), so that the worker holds one copy of
// each module: the command's bundle (dist/cli/campaign-worker.js, sharing chunks with the slice
// module's dist/cli/worker-<path>.js: a few files instead of ~120 per-file modules; bin/build.js)
// for a bundled slice module, the per-file campaign-worker.js beside this file for a per-file one
// (the package's API). From the sources (vitest, tsx), it registers tsx first (a worker does not
// inherit the parent thread's loader hooks): the slice module it loads is a .ts file.
import { existsSync } from 'node:fs';
import { workerData } from 'node:worker_threads';

const perFile = new URL('./campaign-worker.js', import.meta.url);
const bundles = new URL('../../cli/', import.meta.url);
const bundled = new URL('campaign-worker.js', bundles);

if (typeof workerData.module === 'string' && workerData.module.startsWith(bundles.href) && existsSync(bundled)) {
  await import(bundled.href);
} else if (existsSync(perFile)) {
  await import(perFile.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./campaign-worker.ts');
}
