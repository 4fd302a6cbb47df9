// Entry of a campaign worker thread (src/fuzz/campaign.ts). Compiled (dist/), the worker is plain
// JavaScript beside this file. From the sources (vitest, tsx), it registers tsx first (a worker
// does not inherit the parent thread's loader hooks): the slice module it loads is a .ts file.
import { existsSync } from 'node:fs';

const compiled = new URL('./campaign-worker.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./campaign-worker.ts');
}
