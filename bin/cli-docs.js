#!/usr/bin/env node
// `npm run docs:cli`: writes docs/cli.md from the commands' definitions (src/cli/help.ts), the same
// ones `--help` prints, and docs/libc-fallbacks.md from a session's Process JITDylib
// (src/cli/libc-doc.ts). `--check` only compares (exit 1 when one is out of date).
import { readFileSync, writeFileSync } from 'node:fs';

const { register } = await import('tsx/esm/api');
register();
const { loadCommands } = await import('../src/cli/main.ts');
const { cliMarkdown } = await import('../src/cli/help.ts');
const { fallbackSymbols, libcMarkdown } = await import('../src/cli/libc-doc.ts');
const docs = [
  ['docs/cli.md', cliMarkdown(await loadCommands())],
  ['docs/libc-fallbacks.md', libcMarkdown(await fallbackSymbols())],
];
let stale = 0;
for (const [name, text] of docs) {
  const file = new URL(`../${name}`, import.meta.url);
  if (process.argv.includes('--check')) {
    let old = '';
    try {
      old = readFileSync(file, 'utf8');
    } catch {}
    if (old !== text) {
      process.stderr.write(`${name} is out of date: run npm run docs:cli\n`);
      stale++;
    }
  } else {
    writeFileSync(file, text);
    process.stderr.write(`wrote ${name}\n`);
  }
}
process.exitCode = stale > 0 ? 1 : 0;
