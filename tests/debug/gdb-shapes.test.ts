/**
 * `orc-sandbox debug` against gdb itself: the svc-libc program linked statically by ld.lld (with a
 * _start) runs under `qemu-aarch64 -g PORT`, gdb-multiarch drives it in batch mode with a command
 * list, and the same commands drive `orc-sandbox debug` on the same objects (main.o eager, bodies
 * lazy). Addresses and stack contents differ, so both transcripts are reduced to their shapes —
 * hex numbers, long decimals, immediates and runs of spaces normalised — and must then be equal,
 * command by command, after removing what the sandbox adds on purpose (program output interleaved
 * in the transcript, the current instruction after a stop, where a breakpoint landed).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithOracles } from '../support/oracles.ts';
import { freePort } from '../support/ports.ts';
import { blocks, session } from './support.ts';

const SVC = fileURLToPath(new URL('./fixtures/svc-libc/obj/', import.meta.url));
const run = promisify(execFile);

const COMMANDS = [
  'break *main',
  'continue',
  'info registers x0 x1 sp pc',
  'p $x0',
  'p $sp',
  'p $pc',
  'p $w0 + 3 * (2 + 1)',
  'p/x 255',
  'p 10 / 3',
  'p -1',
  'p/x -1',
  'p sizeof(long)',
  'p main',
  'p &total',
  'p *(long*)&total',
  'x/4wx $sp',
  'x/2gx $sp',
  'x/8xb $sp',
  'x/s &banner',
  'x/2i $pc',
  'tbreak *square',
  'continue',
  'watch *(long*)&total',
  'continue',
  'info breakpoints',
  'delete',
  'continue',
];

/** One command's output reduced to its shape. */
function shape(command: string, text: string, ours: boolean): string {
  let lines = text.split('\n');
  if (ours) {
    // Program output (gdb's inferior writes to qemu's stdout, not into gdb's transcript).
    lines = lines.filter((l) => !/^(main|greet): /.test(l));
    // The current instruction shown after every stop (gdb shows it only with display/i $pc).
    if (command === 'continue') lines = lines.filter((l) => !l.startsWith('=> '));
    // Where a breakpoint landed: `at 0x… <sym> (object)`.
    lines = lines.map((l) => l.replace(/^((Temporary )?[Bb]reakpoint \d+ at 0x[0-9a-f]+) <.*$/, '$1'));
    // qemu-user has no hardware watchpoints, so gdb's are software ones (same stops and values).
    lines = lines.map((l) =>
      l.replace('Hardware watchpoint', 'Watchpoint').replace('hw watchpoint  ', 'watchpoint     '),
    );
  }
  return lines
    .map((l) =>
      l
        .replace(/\t+\/\/ .*$/, '') // gdb's disassembler comments (`// #2`)
        .replace(/#-?(0x[0-9a-f]+|\d+)/g, '#I')
        .replace(/0x[0-9a-f]+/g, '0xH')
        .replace(/\b\d{4,}\b/g, 'D')
        .replace(/\(process \d+\)/, '(process N)')
        .replace(/ {2,}/g, ' '),
    )
    .join('\n');
}

describeWithOracles(
  ['gdb-multiarch', 'qemu', 'lld'],
  'debug output has gdb-multiarch shapes (svc-libc, gdb on qemu-aarch64)',
  () => {
    let dir = '';
    let qemu: ChildProcess | undefined;
    let gdbBlocks: [string, string][] = [];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'orc-gdb-'));
      const elf = join(dir, 'svc.elf');
      await run('ld.lld-16', [
        '-static',
        '-e',
        '_start',
        ...['start', 'mlc', 'main', 'greet', 'math'].map((o) => `${SVC}${o}.o`),
        '-o',
        elf,
      ]);
      const port = await freePort();
      qemu = spawn('qemu-aarch64', ['-g', String(port), elf], { stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, 300));
      const args = [
        '-nx',
        '-batch',
        '-ex',
        'set pagination off',
        '-ex',
        'set can-use-hw-watchpoints 0',
        '-ex',
        `target remote 127.0.0.1:${port}`,
      ];
      for (const c of COMMANDS) args.push('-ex', `echo (orc) ${c}\\n`, '-ex', c);
      const { stdout } = await run('gdb-multiarch', [...args, elf], { timeout: 60_000 });
      gdbBlocks = blocks(stdout);
    }, 90_000);

    afterAll(() => {
      qemu?.kill();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('every command prints what gdb prints, up to addresses and stack contents', async () => {
      expect(gdbBlocks.map((b) => b[0])).toEqual(COMMANDS);
      const ours = blocks(
        (await session([`${SVC}mlc.o`, `${SVC}main.o`, '-lazy', `${SVC}greet.o`, '-lazy', `${SVC}math.o`], COMMANDS))
          .text,
      );
      expect(ours.map((b) => b[0])).toEqual(COMMANDS);
      const diff = COMMANDS.map((c, i) => ({
        command: c,
        gdb: shape(c, gdbBlocks[i]?.[1] ?? '', false),
        ours: shape(c, ours[i]?.[1] ?? '', true),
      })).filter((d) => d.gdb !== d.ours);
      expect(diff).toEqual([]);
    });
  },
);
