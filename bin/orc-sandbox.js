#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so the command works right after `npm install`.
import { register } from 'tsx/esm/api';

// A closed pipe (`orc-sandbox … | head`) ends the command as SIGPIPE would end a native program.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(141);
    throw error;
  });
}

register();
const { main } = await import('../src/cli/main.ts');
const status = await main(process.argv.slice(2));
process.exitCode = status;
