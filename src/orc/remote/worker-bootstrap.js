// Entry of the executor worker thread. Compiled (dist/), the entry is plain JavaScript; from the
// sources it registers tsx first (this thread does not inherit the parent's loader hooks), which
// works under `node bin/orc-sandbox.js` and vitest alike.
import { existsSync } from 'node:fs';

const compiled = new URL('./worker-entry.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./worker-entry.ts');
}
