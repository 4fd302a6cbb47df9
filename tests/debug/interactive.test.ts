/**
 * The interactive prompt, driven through streams with terminal semantics (no pty needed): tab
 * completion of commands and symbols, Ctrl-C at the prompt doing nothing (as in gdb), an empty
 * line repeating the last command, the exit status of the program.
 */
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { debugCommand } from '../../src/cli/commands/debug.ts';

const SVC = fileURLToPath(new URL('./fixtures/svc-libc/obj/', import.meta.url));

describe('debug: interactive prompt', () => {
  it('completes with Tab, ignores Ctrl-C at the prompt, repeats on Enter, ends with the status', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let screen = '';
    output.on('data', (d: Buffer) => {
      screen += d.toString();
    });
    let text = '';
    const done = debugCommand([`${SVC}mlc.o`, `${SVC}main.o`, '-lazy', `${SVC}greet.o`, '-lazy', `${SVC}math.o`], {
      write: (s) => {
        text += s;
      },
      terminal: { input, output, isTTY: true },
    });
    const type = async (s: string) => {
      input.write(s);
      await new Promise((r) => setTimeout(r, 50));
    };
    await new Promise((r) => setTimeout(r, 300));
    await type('tbre\t');
    await type(' squ\t');
    await type('\r');
    await type('\x03');
    await type('ru\t\r');
    await type('stepi\r');
    await type('\r');
    await type('info registers pc\r');
    await type('c\r');
    await type('q\r');
    const status = await done;
    expect(status).toBe(7);
    // Tab completed `tbre` to `tbreak`, `squ` to the symbols starting with it, `ru` to `run`.
    expect(screen).toContain('tbreak square');
    expect(text).toMatch(/Temporary breakpoint 1 at 0x[0-9a-f]+ <square> /);
    expect(text).toContain('Starting program:');
    expect(text).toMatch(/\nTemporary breakpoint 1, 0x[0-9a-f]{16} in square \(\)\n/);
    // stepi, then Enter repeats it: two steps into the stub.
    expect(text).toMatch(
      /in square \(\)\n=> 0x[0-9a-f]+ <square\+4>:\tldr\tx16, \[x16\]\n0x[0-9a-f]{16} in square \(\)\n=> 0x[0-9a-f]+ <square\+8>:\tbr\tx16\n/,
    );
    expect(text).toMatch(/pc {13}0x[0-9a-f]+ +0x[0-9a-f]+ <square\+8>\n/);
    expect(text).toContain('[Inferior 1 (process 1) exited with code 07]');
  });
});

const WORKLOADS = fileURLToPath(new URL('../programs/obj/workloads/', import.meta.url));

describe('debug: Ctrl-C interrupts the running program', () => {
  for (const executor of ['in-process', 'worker']) {
    it(`stops it with SIGINT, continue finishes it (${executor} executor)`, async () => {
      const input = new PassThrough();
      const output = new PassThrough();
      output.resume();
      let text = '';
      let out = '';
      // 40 rounds of the workloads (143 M instructions): running for seconds, so the Ctrl-C lands
      // while it runs however fast the engine gets (a program of a few tenths of a second, here
      // before, had ended by then once loops became WebAssembly early).
      const objs = ['main', 'bytecode', 'crc', 'fsm', 'lists', 'matrix', 'strings'];
      const rt = ['rt-crt0', 'rt-int128', 'rt-malloc', 'rt-printf', 'rt-string', 'rt-syscall'];
      const paths = [...objs, ...rt].map((o) => `${WORKLOADS}${o}.o`);
      const done = debugCommand(['--executor', executor, ...paths, '--', '40'], {
        write: (s) => {
          text += s;
        },
        programStdout: (s) => {
          out += s;
        },
        terminal: { input, output, isTTY: true },
      });
      input.write('run\r');
      // Wait until the program runs (its first output: the first workload's 40 rounds), then Ctrl-C.
      for (let i = 0; i < 3000 && out.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      input.write('\x03');
      for (let i = 0; i < 1000 && !text.includes('SIGINT'); i++) await new Promise((r) => setTimeout(r, 10));
      input.write('info registers pc\r');
      input.write('c\r');
      input.write('q\r');
      const status = await done;
      expect(text).toMatch(/\nProgram received signal SIGINT, Interrupt\.\n0x[0-9a-f]{16} in \S+ \(\)\n/);
      expect(text).toMatch(/\npc {13}0x[0-9a-f]+ /);
      expect(text).toContain('[Inferior 1 (process 1) exited normally]');
      expect(status).toBe(0);
      expect(out.length).toBeGreaterThan(0);
    }, 60_000);
  }
});
