#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so the command works right after `npm install`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const status = await main(process.argv.slice(2));
process.exitCode = status;
