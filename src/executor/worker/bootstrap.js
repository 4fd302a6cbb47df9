// Entry of the executor worker thread. Compiled, the worker runs the bundle the build writes beside
// the command's (dist/cli/executor-worker.js: the entry and its imports in a few files, which start
// ~40% cheaper than the ~100 per-file modules; bin/build.js), or the per-file entry.js beside this
// file when the bundle is absent. From the sources (vitest, tsx), the checkout's dist/ is used when
// it is fresh (bin/stale.js), since the worker starts ~0.3 s faster than through tsx; otherwise tsx
// is registered first (this thread does not inherit the parent's loader hooks).
// ORC_SANDBOX_USE_SOURCES=1 forces the sources.
import { existsSync } from 'node:fs';

const bundleBeside = new URL('../../../cli/executor-worker.js', import.meta.url);
const beside = new URL('./entry.js', import.meta.url);
const bundleBuilt = new URL('../../../dist/cli/executor-worker.js', import.meta.url);
const built = new URL('../../../dist/src/executor/worker/entry.js', import.meta.url);
const stale = new URL('../../../bin/stale.js', import.meta.url);
const fresh = async () =>
  process.env.ORC_SANDBOX_USE_SOURCES !== '1' &&
  existsSync(built) &&
  existsSync(stale) &&
  !(await import(stale.href)).isStale();
if (existsSync(beside)) {
  await import((existsSync(bundleBeside) ? bundleBeside : beside).href);
} else if (await fresh()) {
  await import((existsSync(bundleBuilt) ? bundleBuilt : built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./entry.ts');
}
