// Entry of the executor worker thread: registers tsx (this thread does not inherit the parent's
// loader hooks), then loads the TypeScript entry. Works under `node bin/orc-sandbox.js` and vitest.
import { register } from 'tsx/esm/api';

register();
await import('./entry.ts');
