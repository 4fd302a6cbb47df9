/**
 * The command's entry: `--help` (from the build's manifest when compiled, without loading the
 * command modules) lists every command with the summary its module defines, and
 * `--version` prints package.json's version.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { COMMAND_NAMES, describeCommands, packageVersion } from '../../src/cli/main.ts';
import { mainCapturingStdout } from '../support/stdout.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'bin/orc-sandbox.js'), ...args], { encoding: 'utf8' });

it('--help lists every command with its own summary', async () => {
  const r = cli('--help');
  expect(r.status).toBe(0);
  const commands = await describeCommands();
  expect(commands.map((c) => c.name)).toEqual(COMMAND_NAMES);
  for (const c of commands) {
    expect(c.summary).not.toBe('(not available in this build)');
    expect(r.stdout).toContain(`  ${c.name.padEnd(10)} ${c.summary}\n`);
  }
});

it('--version prints the package version', () => {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  expect(packageVersion()).toBe(version);
  const r = cli('--version');
  expect(r.status).toBe(0);
  expect(r.stdout).toBe(`orc-sandbox ${version}\n`);
});

it("a command's --help prints its summary, usage and options; after -- it belongs to the program", async () => {
  const help = await mainCapturingStdout(['disasm', '--help']);
  expect(help.status).toBe(0);
  expect(help.out).toMatch(
    /^orc-sandbox disasm: disassemble .*\n\nusage: orc-sandbox disasm .*\n[\s\S]*\noptions:\n {2}--address A /,
  );
  const word = await mainCapturingStdout(['disasm', 'd503201f', '--', '--help']);
  expect(word.status).toBe(0);
  expect(word.out).toBe('       0: nop\n');
});
