/**
 * `run --sysroot /usr/aarch64-linux-gnu`: JIT'd objects linked against Debian's AArch64 glibc
 * (libc.a, libm.a, crt files) and started at _start as a Linux process, so printf/strtod/qsort/
 * setjmp are glibc's own, emulated. Oracle: the same objects linked statically by
 * aarch64-linux-gnu-gcc and run under qemu-aarch64 (stdout, stderr and status must be identical),
 * eager and with an object linked lazily, on both engines.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { describeWithOracles } from '../support/oracles.ts';
import { type Outcome, obj, runQemu, runSandbox, SYSROOT } from './support.ts';

describeWithOracles(['qemu', 'aarch64-g++'], 'run --sysroot: C on glibc', () => {
  let reference: Outcome;
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'sysroot-c-'));
    const exe = join(dir, 'c.elf');
    execFileSync('aarch64-linux-gnu-gcc', ['-static', '-o', exe, obj('cmain.o'), obj('clib.o'), '-lm']);
    reference = runQemu(exe, ['xyz']);
  });

  it('the static build prints what the sources say (the oracle itself is sane)', () => {
    expect(reference.status).toBe(5);
    expect(reference.stdout).toContain('strtod(0x1p-2) = 0.25');
    expect(reference.stdout).toContain('median=5 sorted: 1 2 3 4 5 6 7 8 9');
    expect(reference.stderr).toBe('to stderr\n');
  });

  for (const engine of ['ts', 'unicorn'] as const)
    for (const lazy of engine === 'ts' ? [false, true] : [true])
      it(`${engine}, ${lazy ? 'clib.o lazy' : 'eager'}: stdout, stderr and status equal qemu's`, async () => {
        const r = await runSandbox([
          '--engine',
          engine,
          '--sysroot',
          SYSROOT,
          obj('cmain.o'),
          ...(lazy ? ['-lazy'] : []),
          obj('clib.o'),
          '--',
          'xyz',
        ]);
        // argv[0] differs (path of the first input vs the executable): the program does not print it.
        expect(r).toEqual(reference);
      }, 120_000);
});

describeWithOracles(['qemu', 'aarch64-g++'], 'run --sysroot: C++ on libstdc++/glibc', () => {
  let reference: Outcome;
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'sysroot-cxx-'));
    const exe = join(dir, 'cxx.elf');
    execFileSync('aarch64-linux-gnu-g++', ['-static', '-o', exe, obj('cxxmain.o'), obj('cxxlib.o')]);
    reference = runQemu(exe, []);
  });

  it('the static build prints what the sources say', () => {
    expect(reference.status).toBe(0);
    expect(reference.stdout).toContain('caught domain_error: division by zero in cxxlib\n');
    expect(reference.stdout).toContain('thread_local: 123 tl_main=106 tl_local_uses=11\n');
    expect(reference.stdout.endsWith('destruct global-in-main\n')).toBe(true);
  });

  // cxxlib.o lazy: the exception is thrown in a lazily linked body and unwinds through its frame.
  // unicorn lazily and eagerly (ts eagerly is the C case's path): libstdc++ makes ~560 linked
  // graphs (about three mappings each), which the unicorn engine's region table holds since it
  // coarsens crowded regions.
  for (const engine of ['ts', 'unicorn'] as const)
    for (const lazy of engine === 'ts' ? [true] : [true, false])
      it(`${engine}, ${lazy ? 'cxxlib.o lazy' : 'eager'}: std::string/map, iostream, exceptions, constructors, thread_local equal qemu's`, async () => {
        const r = await runSandbox([
          '--engine',
          engine,
          '--sysroot',
          SYSROOT,
          obj('cxxmain.o'),
          ...(lazy ? ['-lazy'] : []),
          obj('cxxlib.o'),
        ]);
        expect(r).toEqual(reference);
      }, 180_000);
});

it('--sysroot names what is missing', async () => {
  await expect(runSandbox(['--sysroot', '/nonexistent-sysroot', obj('cmain.o')])).rejects.toThrow(
    "--sysroot: '/nonexistent-sysroot' does not exist",
  );
});

it('without --sysroot, a missing libc function names the fallback functions and --sysroot', async () => {
  const err = await runSandbox([obj('cmain.o'), obj('clib.o')]).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(err?.message).toMatch(/Symbols not found: \[ [^\]]*strtod/);
  expect(err?.message).toContain('host-function fallback, which has only: _exit, abort, abs,');
  expect(err?.message).toContain('--sysroot /usr/aarch64-linux-gnu links the real AArch64 C runtime');
});
