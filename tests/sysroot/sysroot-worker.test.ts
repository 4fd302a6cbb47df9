/**
 * `run --sysroot --executor worker`: the Linux process runs in the worker thread next to the
 * engine, the controller (linker, ORC) in this thread, lazy first calls parked at the dispatch gate
 * across the worker boundary. Oracle: the static build of the same objects under qemu-aarch64;
 * the in-process executor gives the same bytes too.
 *
 * tests/sysroot/worker/obj: a lazy body that throws at its first call and one whose first call
 * reads its thread_local, run with a mounted host folder and a syscall trace. Both bodies need the controller's patches for the graph the call linked (the
 * unwinder's object list, the TLS block) written before the answer lets the body run: across the
 * worker boundary, without the dispatch barrier, `bump` read 1 instead of 6.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { describeWithOracles } from '../support/oracles.ts';
import { type Outcome, obj, runQemu, runSandbox, SYSROOT } from './support.ts';

const first = (n: string): string => fileURLToPath(new URL(`./worker/obj/${n}`, import.meta.url));

describeWithOracles(['qemu', 'aarch64-g++'], 'run --sysroot --executor worker: C on glibc', () => {
  let reference: Outcome;
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'sysroot-worker-c-'));
    const exe = join(dir, 'c.elf');
    execFileSync('aarch64-linux-gnu-gcc', ['-static', '-o', exe, obj('cmain.o'), obj('clib.o'), '-lm']);
    reference = runQemu(exe, ['xyz']);
    expect(reference.status).toBe(5);
    expect(reference.stdout).toContain('median=5 sorted: 1 2 3 4 5 6 7 8 9\n');
  });

  for (const engine of ['ts', 'unicorn'] as const)
    it(`${engine}, clib.o lazy: stdout, stderr and status equal qemu's`, async () => {
      const r = await runSandbox([
        '--executor',
        'worker',
        '--engine',
        engine,
        '--sysroot',
        SYSROOT,
        obj('cmain.o'),
        '-lazy',
        obj('clib.o'),
        '--',
        'xyz',
      ]);
      expect(r).toEqual(reference);
    }, 120_000);
});

// C++ (libstdc++, exceptions, thread_local) in the worker: first-*.o; cxxmain.o/cxxlib.o would
// cover the same paths at three times the cost.
describeWithOracles(['qemu', 'aarch64-g++'], 'run --sysroot --executor worker: C++ on libstdc++', () => {
  it('first calls that throw and read TLS, a mounted file, --trace-syscalls, --trace lazy: worker = in-process = qemu', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sysroot-worker-first-'));
    const exe = join(dir, 'first.elf');
    const objects = ['first-main.o', 'first-throw.o', 'first-tls.o'].map(first);
    execFileSync('aarch64-linux-gnu-g++', ['-static', '-o', exe, ...objects]);
    const input = join(dir, 'input.txt');
    writeFileSync(input, 'bytes from the host\n');
    // The guest sees the folder at the same path as qemu (which shows the whole host).
    const reference = runQemu(exe, [input]);
    expect(reference).toEqual({
      stdout: 'caught: thrown at the first call of a lazy body\nbump: 6 7\nread 20 bytes: bytes from the host\n',
      stderr: 'done\n',
      status: 4,
    });
    const args = (executor: string) => [
      '--executor',
      executor,
      '--trace-syscalls',
      '--trace',
      'lazy',
      '--mount',
      `${dir}:${dir}`,
      '--sysroot',
      SYSROOT,
      objects[0] as string,
      '-lazy',
      objects[1] as string,
      '-lazy',
      objects[2] as string,
      '--',
      input,
    ];
    const worker = await runSandbox(args('worker'));
    const inProcess = await runSandbox(args('in-process'));
    expect(worker.stdout).toBe(reference.stdout);
    expect(worker.status).toBe(4);
    // Each lazy first call, with the reentry's instruction count measured up to the body.
    for (const f of ['_Z4boomi', '_Z4bumpv'])
      expect(worker.stderr).toMatch(
        new RegExp(
          `\\[lazy\\] trampoline 0x[0-9a-f]+: ${f} -> ${f}\\$orc_fnbody \\(JITDylib main\\) resolved 0x[0-9a-f]+, 129 insns in reentry\n`,
        ),
      );
    // The syscall trace: one line per system call, in order with the program's own stderr.
    expect(worker.stderr).toMatch(/^syscall |\nsyscall /);
    expect(worker.stderr).toContain(`openat(`);
    expect(worker.stderr).toMatch(/\ndone\n[\s\S]*exit_group\(0x4\)/);
    // Same calls, results and output; pointer arguments may differ: graphs the two executors link
    // concurrently reach the allocator in another order (ORC's link order follows when each
    // executor answers), so JIT'd data sits elsewhere.
    const calls = (s: string): string => s.replace(/0x[0-9a-f]{8,}/g, '<address>');
    expect(calls(worker.stderr)).toBe(calls(inProcess.stderr));
    expect({ ...worker, stderr: '' }).toEqual({ ...inProcess, stderr: '' });
  }, 180_000);
});
