/**
 * `orc-sandbox debug --sysroot`: the CLI debugger on a program started at glibc's `_start` as a
 * Linux process (the kernel's loop stops for breakpoints, steps and the exit), in process and in a
 * worker. A breakpoint on the lazily linked body `sorted_median$orc_fnbody` is pending until the
 * first call links clib.o; bt walks from the body through main and __libc_start_main to _start;
 * stepi and finish work in the body (its return value is the median, 5); continue runs to the
 * program's exit. The program's output is that of its static build under qemu-aarch64.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { debugCommand } from '../../src/cli/commands/debug.ts';
import { describeWithOracles } from '../support/oracles.ts';
import { type Outcome, obj, runQemu, SYSROOT } from './support.ts';

const COMMANDS = [
  'break sorted_median$orc_fnbody',
  'run',
  'info registers x1',
  'x/9dw $x0',
  'bt',
  'stepi 3',
  'finish',
  'continue',
];

describeWithOracles(['qemu', 'aarch64-g++'], 'debug --sysroot', () => {
  let reference: Outcome;
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'sysroot-debug-'));
    const exe = join(dir, 'c.elf');
    execFileSync('aarch64-linux-gnu-gcc', ['-static', '-o', exe, obj('cmain.o'), obj('clib.o'), '-lm']);
    reference = runQemu(exe, ['xyz']);
    expect(reference.status).toBe(5);
  });

  for (const executor of ['in-process', 'worker'])
    it(`${executor}: pending breakpoint on a lazy body, bt to _start, stepi, finish, continue to the exit`, async () => {
      let transcript = '';
      let stdout = '';
      let stderr = '';
      const status = await debugCommand(
        ['--executor', executor, '--sysroot', SYSROOT, obj('cmain.o'), '-lazy', obj('clib.o'), '--', 'xyz'],
        {
          commands: COMMANDS,
          write: (s) => {
            transcript += s;
          },
          programStdout: (s) => {
            stdout += s;
          },
          writeErr: (s) => {
            stderr += s;
          },
          stdin: new Uint8Array(0),
        },
      );
      expect(transcript).toContain(
        'Breakpoint 1 (sorted_median$orc_fnbody) pending: not linked yet, armed when it gets an address\n',
      );
      const armed = /Breakpoint 1 \(sorted_median\$orc_fnbody\) armed at (0x[0-9a-f]+) \(.*clib\.o\)\n/.exec(
        transcript,
      );
      expect(armed).not.toBeNull();
      const body = Number(armed?.[1]);
      expect(transcript).toContain(
        `\nBreakpoint 1, 0x${body.toString(16).padStart(16, '0')} in sorted_median$orc_fnbody ()\n=> 0x${body.toString(16)} <sorted_median$orc_fnbody>:\tstp\tx29, x30, [sp, #-0x20]!\n`,
      );
      // sorted_median(v, 9): the count in x1, the unsorted array at x0.
      expect(transcript).toMatch(/\(orc\) info registers x1\nx1 +0x9 +9\n/);
      expect(transcript).toMatch(/:\t9\t4\t7\t1\n[^\n]*:\t8\t2\t6\t3\n[^\n]*:\t5\n/);
      expect(transcript).toMatch(
        new RegExp(
          [
            '\\(orc\\) bt',
            '#0  0x[0-9a-f]+ in sorted_median\\$orc_fnbody \\(\\) from .*clib\\.o',
            '#1  0x[0-9a-f]+ in main \\(\\) from .*cmain\\.o  \\[x30\\]',
            '#2  0x[0-9a-f]+ in \\?\\? \\(\\)',
            '#3  0x[0-9a-f]+ in __libc_start_main \\(\\) from /usr/aarch64-linux-gnu/lib/libc\\.a\\[\\d+\\]\\(libc-start\\.o\\)',
            '#4  0x[0-9a-f]+ in _start \\(\\) from /usr/aarch64-linux-gnu/lib/crt1\\.o',
            '',
          ].join('\n'),
        ),
      );
      expect(transcript).toContain(
        `(orc) stepi 3\n0x${(body + 12).toString(16).padStart(16, '0')} in sorted_median$orc_fnbody ()\n`,
      );
      expect(transcript).toMatch(
        /\(orc\) finish\nRun till exit from [^\n]*\n0x[0-9a-f]+ in main \(\)\n[^\n]*\nValue returned in x0: 5 \(0x5\)\n/,
      );
      expect(transcript).toContain('[Inferior 1 (process 1) exited with code 05]\n');
      expect(stdout).toBe(reference.stdout);
      expect(stderr).toBe(reference.stderr);
      expect(status).toBe(5);
    }, 120_000);
});
