/**
 * Source-level gdb on lazily linked -g objects through the GDB JIT interface: gdb-multiarch in
 * batch mode against `orc-sandbox run --gdb`, on a program no other test uses
 * (fixtures/jit: main.o eager, tally.o and label.o lazy, clang-16 -g). gdb loads the executor
 * file from the stub, finds `__jit_debug_register_code` / `__jit_debug_descriptor`, reads the
 * objects linked before it attached, and learns of each lazy body's object when the emulated CPU
 * calls `__jit_debug_register_code` on the way back from the JIT dispatch that linked it.
 *
 * Oracles: the line table of tally.o as llvm-dwarfdump-16 prints it (where line 6 starts), the
 * body's address from a free run of the same session, the program's own output and status.
 */
import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/commands/run.ts';
import { openRunSession, parseRunInvocation } from '../../src/cli/run-options.ts';
import { describeWithOracles } from '../support/oracles.ts';

const DIR = fileURLToPath(new URL('./fixtures/jit/', import.meta.url));
const OBJ = `${DIR}obj/`;
const INPUTS = [`${OBJ}main.o`, '-lazy', `${OBJ}tally.o`, '-lazy', `${OBJ}label.o`];
const STDOUT = 'total 23 (plenty)\n';

/** Where tally's body lands when the program runs freely (allocation is deterministic). */
async function tallyBody(engine: string): Promise<number> {
  const inv = parseRunInvocation(['--engine', engine, ...INPUTS], {}, { stdin: new Uint8Array(0) });
  const session = await openRunSession(inv, { write: () => {}, writeErr: () => {} });
  try {
    expect((await session.run('main', { argv: inv.argv })).status).toBe(2);
    return (await session.lookupOne('tally$orc_fnbody')).address;
  } finally {
    await session.close();
  }
}

/** The first row of `line` in an object's line table (llvm-dwarfdump-16 --debug-line). */
function lineStart(object: string, line: number): number {
  const text = execFileSync('llvm-dwarfdump-16', ['--debug-line', object], { encoding: 'utf8' });
  const row = new RegExp(`^0x([0-9a-f]{16})\\s+${line}\\s`, 'm').exec(text);
  if (!row) throw new Error(`line ${line} not in ${object}'s line table`);
  return Number.parseInt(row[1] as string, 16);
}

function gdb(port: number, commands: string[]): Promise<string> {
  const args = ['-nx', '-batch', '-ex', 'set pagination off', '-ex', 'set breakpoint pending on'];
  args.push('-ex', `target remote 127.0.0.1:${port}`);
  for (const c of commands) args.push('-ex', c);
  return new Promise((resolve, reject) => {
    // In the fixture's directory: the DWARF names ./src/*.c relative to it.
    execFile('gdb-multiarch', args, { cwd: DIR, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err?.killed) reject(new Error(`gdb-multiarch timed out:\n${stdout}${stderr}`));
      else resolve(stdout + stderr);
    });
  });
}

/** `run --gdb 127.0.0.1:0 …` in this process, gdb-multiarch attached with `commands`. */
async function underGdb(engine: string, commands: string[]) {
  let stdout = '';
  let gdbOut: Promise<string> | undefined;
  const status = await runCommand(['--engine', engine, '--gdb', '127.0.0.1:0', ...INPUTS], {
    write: (s) => {
      stdout += s;
    },
    writeErr: (s) => {
      const m = /waiting for gdb on 127\.0\.0\.1:(\d+)/.exec(s);
      if (m) gdbOut = gdb(Number(m[1]), commands);
    },
    stdin: new Uint8Array(0),
  });
  if (!gdbOut) throw new Error('run --gdb did not listen');
  return { out: await gdbOut, stdout, status };
}

describeWithOracles(['gdb-multiarch', 'llvm-dwarfdump'], 'gdb-multiarch and the GDB JIT interface (run --gdb)', () => {
  let line6 = 0;
  beforeAll(() => {
    line6 = lineStart(`${OBJ}tally.o`, 6);
    expect(line6).toBeGreaterThan(0); // after tally's prologue
  });

  for (const engine of ['ts', 'unicorn']) {
    it(`pending breakpoints on lazy functions hit after the lazy link, with source, bt and status (${engine})`, async () => {
      const body = await tallyBody(engine);
      const { out, stdout, status } = await underGdb(engine, [
        'break tally',
        'break label.c:3',
        'info breakpoints',
        'continue',
        'bt',
        'info registers x0',
        'p $pc',
        'delete 1',
        'continue',
        'bt',
        'finish',
        'continue',
      ]);
      // gdb loaded the executor file from the stub; main.o (eager) was registered before it attached.
      expect(out).toContain('Reading symbols from target:/orc-sandbox/executor...');
      expect(out).toMatch(/^main \(\) at \.\/src\/main\.c:7\n7\tint main\(void\) \{$/m);
      // Not linked yet: both breakpoints are pending.
      expect(out).toContain('Function "tally" not defined.');
      expect(out).toContain('Breakpoint 1 (tally) pending.');
      expect(out).toContain('Breakpoint 2 (label.c:3) pending.');
      // Hit in the body once its object is linked, at the line after the prologue.
      expect(out).toMatch(/^Breakpoint 1, tally \(n=1\) at \.\/src\/tally\.c:6\n6\t {2}int w = weight\(n\);$/m);
      expect(out).toMatch(
        /^#0 {2}tally \(n=1\) at \.\/src\/tally\.c:6\n#1 {2}0x[0-9a-f]{16} in main \(\) at \.\/src\/main\.c:10$/m,
      );
      expect(out).toMatch(/^x0 +0x1 +1$/m);
      expect(out).toContain(`$1 = (void (*)()) 0x${(body + line6).toString(16)} <tally+${line6}>`);
      expect(out).toMatch(/^Breakpoint 2, label \(total=23\) at \.\/src\/label\.c:3\n3\t {4}return "plenty";$/m);
      expect(out).toMatch(
        /^#0 {2}label \(total=23\) at \.\/src\/label\.c:3\n#1 {2}0x[0-9a-f]{16} in main \(\) at \.\/src\/main\.c:11$/m,
      );
      expect(out).toMatch(/^Value returned is \$2 = 0x[0-9a-f]+ "plenty"$/m);
      expect(out).toContain('[Inferior 1 (Remote target) exited with code 02]');
      expect(stdout).toBe(STDOUT);
      expect(status).toBe(2);
    }, 90_000);
  }

  it('bt at __jit_debug_register_code goes through the reentry routine to the lazy call in main', async () => {
    const { out, status } = await underGdb('ts', [
      'break __jit_debug_register_code',
      'continue',
      'bt',
      'delete',
      'continue',
    ]);
    expect(out).toMatch(/^Breakpoint 1, 0x000000000e400000 in __jit_debug_register_code \(\)$/m);
    expect(out).toMatch(
      new RegExp(
        [
          '#0 {2}0x000000000e400000 in __jit_debug_register_code \\(\\)',
          '#1 {2}0x[0-9a-f]{16} in __orc_rt_jit_debug_notify \\(\\)',
          '#2 {2}0x[0-9a-f]{16} in __orc_rt_resolve_implementation \\(\\)',
          '#3 {2}0x[0-9a-f]{16} in __orc_rt_sysv_resolve \\(\\)',
          '#4 {2}0x[0-9a-f]{16} in main \\(\\) at \\./src/main\\.c:10',
        ].join('\\n'),
      ),
    );
    expect(status).toBe(2);
  }, 90_000);

  it("next over a lazy function's first call links it and stops at the next line", async () => {
    const { out, stdout, status } = await underGdb('ts', [
      'break main.c:11',
      'continue',
      'next',
      'info symbol label',
      'continue',
    ]);
    expect(out).toMatch(/^Breakpoint 1, main \(\) at \.\/src\/main\.c:11\n11\t {2}printf/m);
    // Linked on the way: label now names the body (the stub is label$orc_stub).
    expect(out).toMatch(/^12\t {2}return total % 7;$/m);
    expect(out).toMatch(/^label in section \.text of <in-memory@0x[0-9a-f]+>$/m);
    expect(stdout).toBe(STDOUT);
    expect(status).toBe(2);
  }, 90_000);
});
