/**
 * Source-level debugging in `orc-sandbox debug` against gdb-multiarch's output shapes: the same
 * commands on the same lazily linked -g objects (tests/gdb/fixtures/jit: tally.o and label.o
 * lazy), gdb driving `run --gdb` through the GDB JIT interface, ours reading each linked object's
 * DWARF. Addresses are the same in both (one session layout); output is compared command by
 * command after normalising what differs on purpose: gdb prints argument values (`tally (n=1)`),
 * we print `tally ()`; our backtrace ends with the host's return gate and notes how a frame was
 * found (`[x30]`); the inferior's name; how finish shows the returned value.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runCommand } from '../../src/cli/commands/run.ts';
import { describeWithOracles } from '../support/oracles.ts';
import { blocks, session } from './support.ts';

const DIR = fileURLToPath(new URL('../gdb/fixtures/jit/', import.meta.url));
const INPUTS = [`${DIR}obj/main.o`, '-lazy', `${DIR}obj/tally.o`, '-lazy', `${DIR}obj/label.o`];
/** After the first two (break, and run/continue), the same command for both debuggers. */
const COMMANDS = [
  'bt',
  'info line',
  'step',
  'bt',
  'finish',
  'next',
  'step',
  'next',
  'list tally.c:5',
  'info line tally.c:7',
  'delete',
  'continue',
];

function shape(text: string, ours: boolean): string {
  let lines = text.replace(/\n+$/, '').split('\n');
  if (ours)
    lines = lines
      .filter((l) => !/ in <return to host> \(\)/.test(l) && !/^total \d+/.test(l))
      // Our frame notes (how a frame was found: `[x30]`).
      .map((l) => l.replace(/ {2}\[[^\]]*\]$/, ''));
  return lines
    .filter((l) => !l.startsWith('Run till exit from')) // gdb -batch prints it only from a terminal
    .map((l) =>
      l
        .replace(/ \((?:\w+=[^,()]*(?:, )?)+\)/g, ' ()')
        .replace(/0x[0-9a-f]+/g, '0xH')
        .replace(/\[Inferior 1 \((?:Remote target|process \d+)\)/, '[Inferior 1')
        // gdb: `Value returned is $1 = 2`; ours: `Value returned in x0: 2 (0x2)`.
        .replace(/^Value returned .*$/, 'Value returned'),
    )
    .join('\n');
}

function gdbTranscript(port: number): Promise<string[]> {
  const args = ['-nx', '-batch', '-ex', 'set pagination off', '-ex', 'set breakpoint pending on'];
  args.push('-ex', `target remote 127.0.0.1:${port}`, '-ex', 'break tally.c:6', '-ex', 'continue');
  for (const c of COMMANDS) args.push('-ex', 'echo @@@\\n', '-ex', c);
  return new Promise((resolve, reject) => {
    // gdb's messages go to stderr: one stream keeps them in order.
    const sh = ['-c', 'exec gdb-multiarch "$@" 2>&1', 'gdb', ...args];
    execFile('sh', sh, { cwd: DIR, timeout: 60_000 }, (err, stdout) => {
      if (err?.killed) reject(new Error(`gdb-multiarch timed out:\n${stdout}`));
      else resolve(stdout.split('@@@\n').slice(1));
    });
  });
}

describeWithOracles(['gdb-multiarch'], 'source lines in orc-sandbox debug, against gdb-multiarch', () => {
  it('stop lines, bt, info line, next, step into a lazy body, finish, list: gdb shapes', async () => {
    let gdbOut: Promise<string[]> | undefined;
    const status = await runCommand(['--gdb', '127.0.0.1:0', ...INPUTS], {
      write: () => {},
      writeErr: (s) => {
        const m = /waiting for gdb on 127\.0\.0\.1:(\d+)/.exec(s);
        if (m) gdbOut = gdbTranscript(Number(m[1]));
      },
      stdin: new Uint8Array(0),
    });
    expect(status).toBe(2);
    const theirs = await gdbOut!;
    const cwd = process.cwd();
    process.chdir(DIR); // the DWARF names ./src/*.c
    let ours: [string, string][];
    try {
      ours = blocks((await session(INPUTS, ['break tally.c:6', 'run', ...COMMANDS])).text).slice(2);
    } finally {
      process.chdir(cwd);
    }
    expect(ours.map((b) => b[0])).toEqual(COMMANDS);
    expect(theirs.length).toBe(COMMANDS.length);
    for (let i = 0; i < COMMANDS.length; i++)
      expect(`${COMMANDS[i]}:\n${shape(ours[i]![1], true)}`).toBe(`${COMMANDS[i]}:\n${shape(theirs[i]!, false)}`);
    // Concrete facts.
    expect(ours[2]![1]).toBe('weight () at ./src/tally.c:2\n2\t  return n * n + 1;\n'); // step into weight
    expect(ours[6]![1]).toBe('main () at ./src/main.c:9\n9\t  for (int i = 1; i <= 3; i++)\n'); // step out
    expect(ours[1]![1]).toMatch(/^Line 6 of "\.\/src\/tally\.c" starts at address 0x[0-9a-f]+ <tally\+16> and ends at/);
  }, 90_000);

  it('--trace lazy names the source line of each lazy call (in process and in a worker)', async () => {
    const source = readFileSync(`${DIR}src/main.c`, 'utf8').split('\n');
    const lineOf = (text: string): number => source.findIndex((l) => l.includes(text)) + 1;
    for (const executor of ['in-process', 'worker']) {
      let stderr = '';
      const status = await runCommand(['--executor', executor, '--trace', 'lazy', ...INPUTS], {
        write: () => {},
        writeErr: (s) => {
          stderr += s;
        },
        stdin: new Uint8Array(0),
      });
      expect(status).toBe(2);
      const lines = stderr.trim().split('\n');
      expect(lines.length).toBe(2);
      expect(lines[0]).toMatch(
        new RegExp(
          `^\\[lazy\\] trampoline 0x[0-9a-f]+: tally -> tally\\$orc_fnbody .*, called from \\./src/main\\.c:${lineOf('tally(i)')}$`,
        ),
      );
      expect(lines[1]).toMatch(
        new RegExp(
          `^\\[lazy\\] trampoline 0x[0-9a-f]+: label -> label\\$orc_fnbody .*, called from \\./src/main\\.c:${lineOf('label(total)')}$`,
        ),
      );
    }
  }, 60_000);
});
