/**
 * `orc-sandbox run --gdb`: gdb-multiarch in batch mode against the session's debug primitives, on
 * the lazily linked objects of examples/lazy-demo. The program stops before main; a breakpoint on
 * greet's body (linked only at greet's first call) is hit with the body's address in pc and the
 * first argument in x0; the run then ends with the program's own status. (Source-level debugging
 * of lazily linked -g objects through the GDB JIT interface: jit-interface.test.ts.)
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { debugCommand } from '../../src/cli/commands/debug.ts';
import { runCommand } from '../../src/cli/commands/run.ts';
import { openRunSession, parseRunInvocation } from '../../src/cli/run-options.ts';
import { describeWithOracles } from '../support/oracles.ts';

const OBJ = fileURLToPath(new URL('../../examples/lazy-demo/obj/', import.meta.url));
const INPUTS = ['main.o', '-lazy', 'greet.o', '-lazy', 'math.o', '-lazy', 'data.o', '-lazy', 'rarely.o'].map((a) =>
  a.endsWith('.o') ? `${OBJ}${a}` : a,
);
const EXPECTED_STDOUT =
  'main: counter=42, motto="link what you call, when you call it"\n' +
  'greet: hello, lazy world! (call 1, counter=43)\n' +
  'greet: hello, again! (call 2, counter=44)\n' +
  'main: fib(20)=6765, square(12)=144\n' +
  'main: fib(25)=75025\n';

/** Where main and greet's body land when the program runs freely (allocation is deterministic). */
async function addresses(engine: string): Promise<{ main: number; body: number }> {
  const inv = parseRunInvocation(['--engine', engine, ...INPUTS], {}, { stdin: new Uint8Array(0) });
  const session = await openRunSession(inv, { write: () => {}, writeErr: () => {} });
  try {
    expect((await session.run('main', { argv: inv.argv })).status).toBe(0);
    const r = await session.es.lookupAsync([session.main], ['main', 'greet$orc_fnbody']);
    return { main: r.get('main')!.address, body: r.get('greet$orc_fnbody')!.address };
  } finally {
    await session.close();
  }
}

function gdb(port: number, commands: string[]): Promise<string> {
  const args = ['-nx', '-batch', '-ex', 'set pagination off', '-ex', 'set architecture aarch64'];
  args.push('-ex', `target remote 127.0.0.1:${port}`);
  for (const c of commands) args.push('-ex', c);
  return new Promise((resolve, reject) => {
    execFile('gdb-multiarch', args, { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err?.killed) reject(new Error(`gdb-multiarch timed out:\n${stdout}${stderr}`));
      else resolve(stdout + stderr);
    });
  });
}

describeWithOracles(['gdb-multiarch'], 'run --gdb with gdb-multiarch', () => {
  for (const engine of ['ts', 'unicorn']) {
    it(`stops at greet's lazily linked body and exits with the program's status (${engine})`, async () => {
      const { main, body } = await addresses(engine);
      expect(body).not.toBe(main);
      let stdout = '';
      let stderr = '';
      let gdbOut: Promise<string> | undefined;
      const status = await runCommand(['--engine', engine, '--gdb', '127.0.0.1:0', ...INPUTS], {
        write: (s) => {
          stdout += s;
        },
        writeErr: (s) => {
          stderr += s;
          const m = /waiting for gdb on 127\.0\.0\.1:(\d+)/.exec(s);
          if (m)
            gdbOut = gdb(Number(m[1]), [
              `break *0x${body.toString(16)}`,
              'continue',
              'info registers x0',
              'p/x $pc',
              'x/s $x0',
              'delete',
              'continue',
            ]);
        },
        stdin: new Uint8Array(0),
      });
      expect(gdbOut).toBeDefined();
      const out = await gdbOut!;
      expect(stderr).toMatch(/^orc-sandbox: waiting for gdb on 127\.0\.0\.1:\d+\n$/);
      // The entry stop: main's first line (the demo's objects carry DWARF, registered through the
      // GDB JIT interface); greet's body is then found by its source line and its argument.
      expect(out).toMatch(
        new RegExp(
          `\\nmain \\(argc=1, argv=0x[0-9a-f]+\\) at examples/lazy-demo/src/main\\.c:11\\n11\\tint main\\(int argc, char \\*\\*argv\\) \\{\\nBreakpoint 1 at 0x${body.toString(16)}\\n`,
        ),
      );
      expect(out).toContain(
        'Breakpoint 1, greet (who=0x1000101e "lazy world") at examples/lazy-demo/src/greet.c:8\n8\t  counter++;\n',
      );
      expect(out).toContain(`$1 = 0x${body.toString(16)}`);
      expect(out).toMatch(/x0 +0x[0-9a-f]+ +\d+/);
      expect(out).toMatch(/:\s+"lazy world"/);
      expect(out).toContain('[Inferior 1 (Remote target) exited normally]');
      expect(stdout).toBe(EXPECTED_STDOUT);
      expect(status).toBe(0);
    }, 60_000);
  }

  it("debug --gdb serves gdb too; the status is the program's (7, archive fixture)", async () => {
    const fix = fileURLToPath(new URL('../orc/fixtures/archive/', import.meta.url));
    let stdout = '';
    let gdbOut: Promise<string> | undefined;
    const status = await debugCommand(['--gdb', '127.0.0.1:0', `${fix}main.o`, '-lazy', `${fix}libfoo.a`], {
      write: (s) => {
        stdout += s;
      },
      writeErr: (s) => {
        const m = /waiting for gdb on 127\.0\.0\.1:(\d+)/.exec(s);
        if (m) gdbOut = gdb(Number(m[1]), ['stepi', 'continue']);
      },
      stdin: new Uint8Array(0),
    });
    const out = await gdbOut!;
    expect(out).toContain('[Inferior 1 (Remote target) exited with code 07]');
    expect(stdout).toBe('foo_twice(20) = 40\n');
    expect(status).toBe(7);
  }, 60_000);

  it('a malformed --gdb address is a usage error', async () => {
    await expect(runCommand(['--gdb', 'host:port', `${OBJ}main.o`], { stdin: new Uint8Array(0) })).rejects.toThrow(
      "--gdb wants [HOST:]PORT, got 'host:port'",
    );
  });
});
