/**
 * `--trace lazy` under `--sysroot`: the Linux process's lazy reentries print the same `[lazy]`
 * lines as the host-function path prints for the same objects (reexport, body, instructions in
 * the reentry, caller's source line), only the addresses differ (the sysroot's start-up objects
 * are linked first). Oracle: our own run without --sysroot is the reference for the format only;
 * the program's output is checked against its sources.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { describeWithOracles } from '../support/oracles.ts';
import { runSandbox, SYSROOT } from './support.ts';

const demo = (n: string): string => fileURLToPath(new URL(join('../../examples/lazy-demo/obj', n), import.meta.url));
const inputs = [
  demo('main.o'),
  '-lazy',
  demo('greet.o'),
  '-lazy',
  demo('math.o'),
  '-lazy',
  demo('data.o'),
  '-lazy',
  demo('rarely.o'),
];
const lazyLines = (stderr: string): string[] =>
  stderr
    .split('\n')
    .filter((l) => l.startsWith('[lazy]'))
    .map((l) => l.replace(/0x[0-9a-f]{16}/g, '0x…'));

describeWithOracles(['aarch64-g++'], 'run --sysroot --trace lazy', () => {
  for (const engine of ['ts', 'unicorn'] as const)
    it(`${engine}: one [lazy] line per first call, as without --sysroot`, async () => {
      const plain = await runSandbox(['--engine', engine, '--trace', 'lazy', ...inputs]);
      const sys = await runSandbox(['--engine', engine, '--trace', 'lazy', '--sysroot', SYSROOT, ...inputs]);
      expect(sys.status).toBe(plain.status);
      expect(sys.stdout).toBe(plain.stdout);
      expect(sys.stdout).toContain('main: fib(20)=6765, square(12)=144\n');
      const want = lazyLines(plain.stderr);
      expect(want).toEqual([
        '[lazy] trampoline 0x…: greet -> greet$orc_fnbody (JITDylib main) resolved 0x…, 129 insns in reentry, called from examples/lazy-demo/src/main.c:14',
        '[lazy] trampoline 0x…: fib -> fib$orc_fnbody (JITDylib main) resolved 0x…, 129 insns in reentry, called from examples/lazy-demo/src/main.c:16',
        '[lazy] trampoline 0x…: square -> square$orc_fnbody (JITDylib main) resolved 0x…, 129 insns in reentry, called from examples/lazy-demo/src/main.c:17',
      ]);
      expect(lazyLines(sys.stderr)).toEqual(want);
    }, 120_000);
});
