/**
 * gdb-multiarch drives `orc-sandbox exec --gdb` on static -g programs (clang-16 + lld, gcc-12 +
 * GNU ld), on both engines. The same batch script against qemu-aarch64 -g on the same binary is
 * the oracle: the transcripts must match once stack addresses (qemu's stack lives elsewhere) and
 * the inferior's description are normalised. What qemu-user cannot do (hardware watchpoints) is
 * checked against concrete values.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { describeWithOracles, oracle } from '../support/oracles.ts';
import { FIXTURES, ROOT, runGdb, startQemu, startSandbox } from './support.ts';

const SCRIPT = [
  'break greet',
  'continue',
  'bt',
  'next',
  'info registers x0 x1 sp',
  'p $pc',
  'x/2i $pc',
  'p who',
  'finish',
  'delete',
  'stepi',
  'info line *$pc',
  'p/x $cpsr',
  'continue',
];

/** Stack addresses differ between qemu's layout and ours; everything else must not. */
function normalise(transcript: string): string {
  return transcript
    .replace(/0x(?:ffff|5500)[0-9a-f]{6,8}/g, '<stack>')
    .replace(/\b(?:28147497|36508)\d{7,}\b/g, '<stack>')
    .replace(/\[Inferior 1 \((?:Remote target|process \d+)\)/g, '[Inferior 1')
    .replace(/^orc-sandbox: waiting for gdb.*\n/m, '')
    .replace(/ {2,}/g, ' ');
}

const engines = (['ts', 'unicorn'] as const).filter((e) => e === 'ts' || oracle('unicorn').available);

describeWithOracles(['gdb-multiarch', 'qemu'], 'gdb-multiarch against exec --gdb', () => {
  for (const variant of ['clang5', 'gcc5']) {
    const elf = join(FIXTURES, 'bin', `${variant}.elf`);
    let reference = '';
    beforeAll(async () => {
      const q = await startQemu(elf, ['bob']);
      reference = await runGdb(q.port, elf, SCRIPT);
      const r = await q.done;
      expect(r.status).toBe(7);
    });

    for (const engine of engines) {
      it(`${variant} on the ${engine} engine: same transcript as qemu-aarch64 -g, exit status 7`, async () => {
        const s = await startSandbox(engine, elf, ['bob']);
        const out = await runGdb(s.port, elf, SCRIPT);
        const r = await s.done;
        expect(normalise(out)).toBe(normalise(reference));
        // Concrete facts, whatever qemu says.
        expect(out).toMatch(/Breakpoint 1, greet \(who=0x[0-9a-f]+ "bob"\) at \.\/src\/greet\.c:10\n/);
        expect(out).toMatch(/#1 {2}0x[0-9a-f]+ in main \(argc=2, argv=0x[0-9a-f]+\) at \.\/src\/main\.c:10\n/);
        expect(out).toMatch(/^11\t {2}put_str\("hello, "\);$/m);
        expect(out).toMatch(/^\$2 = 0x[0-9a-f]+ "bob"$/m);
        expect(out).toContain('Value returned is $3 = 924');
        expect(out).toContain('[Inferior 1 (Remote target) exited with code 07]');
        expect(r.status).toBe(7);
        expect(r.stdout).toBe('hello, bob\nhello, again\ntotal 2465\n');
      });
    }
  }

  for (const engine of engines) {
    it(`hardware write and read watchpoints on globals, on the ${engine} engine`, async () => {
      const elf = join(FIXTURES, 'bin', 'clang5.elf');
      const s = await startSandbox(engine, elf, ['bob']);
      const out = await runGdb(s.port, elf, [
        'watch greet_count',
        'continue',
        'bt 1',
        'continue',
        'delete',
        'rwatch total',
        'continue',
        'delete',
        'continue',
      ]);
      const r = await s.done;
      expect(out).toContain('Hardware watchpoint 1: greet_count');
      expect(out).toMatch(/Old value = 0\nNew value = 1\n/);
      expect(out).toMatch(/#0 {2}0x[0-9a-f]+ in greet \(who=0x[0-9a-f]+ "bob"\) at \.\/src\/greet\.c:17\n/);
      expect(out).toMatch(/Old value = 1\nNew value = 2\n/);
      expect(out).toMatch(/Hardware read watchpoint 2: total\n\nValue = 2465\n/);
      expect(out).toContain('[Inferior 1 (Remote target) exited with code 07]');
      expect(r.status).toBe(7);
    });
  }

  for (const engine of engines) {
    it(`Ctrl-C in gdb interrupts a program that never ends, on the ${engine} engine`, async () => {
      const elf = join(ROOT, 'tests', 'programs', 'asm', 'bin', 'spin.elf');
      const s = await startSandbox(engine, elf, []);
      const args = ['-nx', '-batch', '-ex', `target remote 127.0.0.1:${s.port}`, '-ex', 'continue'];
      for (const c of ['p $pc', 'kill']) args.push('-ex', c);
      const gdb = spawn('gdb-multiarch', [...args, elf], { cwd: FIXTURES });
      let out = '';
      const attached = new Promise<void>((resolve) => {
        const onData = (b: Buffer): void => {
          out += b.toString();
          if (out.includes('in _start ()')) resolve();
        };
        gdb.stdout.on('data', onData);
        gdb.stderr.on('data', onData);
      });
      const ended = new Promise<void>((resolve) => gdb.on('close', () => resolve()));
      await attached;
      // gdb sends `continue` right after attaching; give the program time to run, then ^C.
      await new Promise((r) => setTimeout(r, 400));
      gdb.kill('SIGINT');
      await ended;
      const r = await s.done;
      expect(out).toContain('Program received signal SIGINT, Interrupt.');
      expect(out).toMatch(/\$1 = \(void \(\*\)\(\)\) 0x40000[04] <_start(\+4)?>/);
      expect(out).toContain('[Inferior 1 (Remote target) killed]');
      expect(r.status).toBe(137);
      expect(r.stderr).toContain('killed by SIGKILL (status 137): killed by the debugger');
    });
  }
});
