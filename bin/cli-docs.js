#!/usr/bin/env node
// `npm run docs:cli`: writes docs/cli.md from the commands' definitions (src/cli/help.ts), the same
// ones `--help` prints. `--check` only compares (exit 1 when docs/cli.md is out of date).
import { readFileSync, writeFileSync } from 'node:fs';

const { register } = await import('tsx/esm/api');
register();
const { loadCommands } = await import('../src/cli/main.ts');
const { cliMarkdown } = await import('../src/cli/help.ts');
const file = new URL('../docs/cli.md', import.meta.url);
const text = cliMarkdown(await loadCommands());
if (process.argv.includes('--check')) {
  let old = '';
  try {
    old = readFileSync(file, 'utf8');
  } catch {}
  if (old !== text) {
    process.stderr.write('docs/cli.md is out of date: run npm run docs:cli\n');
    process.exit(1);
  }
} else {
  writeFileSync(file, text);
  process.stderr.write('wrote docs/cli.md\n');
}
