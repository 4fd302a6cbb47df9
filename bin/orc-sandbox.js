#!/usr/bin/env node
// The `orc-sandbox` command. Runs the compiled JavaScript in dist/ (built by `npm install`'s
// prepare step, or `npm run build`) with plain node. In a source checkout whose dist/ is missing or
// older than the sources, it runs the TypeScript sources through tsx instead (slower start-up,
// same behaviour), so an edit is never hidden behind a stale build.
import { existsSync } from 'node:fs';

// A closed pipe (`orc-sandbox … | head`) ends the command as SIGPIPE would end a native program.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(141);
    throw error;
  });
}

const compiled = new URL('../dist/cli/main.js', import.meta.url);

async function useCompiled() {
  if (!existsSync(compiled)) return false;
  // An installed package ships no sources: nothing can be newer than its build.
  if (!existsSync(new URL('../src/cli/main.ts', import.meta.url))) return true;
  if (process.env.ORC_SANDBOX_USE_SOURCES === '1') return false;
  const { isStale } = await import('./stale.js');
  return !isStale();
}

let main;
if (await useCompiled()) {
  ({ main } = await import(compiled.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
