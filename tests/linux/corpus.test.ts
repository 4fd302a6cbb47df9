/**
 * Our static glibc/libstdc++ and musl programs (tests/linux-programs) under Linux user mode on both engines,
 * compared with qemu-aarch64 run on the same bytes, arguments, environment and stdin: stdout,
 * stderr and exit status must be identical. Covers stdio, C++ iostream and exceptions, pthreads
 * (mutex, condvar, barrier, TLS), signals (handlers, masks, siglongjmp out of SIGSEGV, EPIPE,
 * abort → 134), pipes + fork + wait, files in a mount and a large stdin.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineKind } from '../../src/emu/engine.ts';
import { describeWithOracles } from '../support/oracles.ts';
import { PROGRAMS, type RunSpec, runOurs, runQemu } from './support.ts';

const bigInput = Array.from({ length: 20000 }, (_, i) => `line ${i * 7919}`).join('\n');

const CASES: { name: string; spec: () => RunSpec; engines: EngineKind[] }[] = [
  { name: 'hello', spec: () => ({ exe: join(PROGRAMS, 'hello.elf'), args: ['arg'] }), engines: ['ts', 'unicorn'] },
  { name: 'cxx', spec: () => ({ exe: join(PROGRAMS, 'cxx.elf') }), engines: ['ts', 'unicorn'] },
  { name: 'threads', spec: () => ({ exe: join(PROGRAMS, 'threads.elf') }), engines: ['ts', 'unicorn'] },
  { name: 'signals', spec: () => ({ exe: join(PROGRAMS, 'signals.elf') }), engines: ['ts', 'unicorn'] },
  { name: 'faults', spec: () => ({ exe: join(PROGRAMS, 'faults.elf') }), engines: ['ts', 'unicorn'] },
  { name: 'forkpipe', spec: () => ({ exe: join(PROGRAMS, 'forkpipe.elf') }), engines: ['ts', 'unicorn'] },
  { name: 'stdin', spec: () => ({ exe: join(PROGRAMS, 'stdin.elf'), stdin: bigInput }), engines: ['ts'] },
  // musl: its own pthread_create (clone flags), sigaction with SA_RESTORER, fork and stdio.
  { name: 'hello-musl', spec: () => ({ exe: join(PROGRAMS, 'hello-musl.elf'), args: ['arg'] }), engines: ['ts'] },
  { name: 'threads-musl', spec: () => ({ exe: join(PROGRAMS, 'threads-musl.elf') }), engines: ['ts', 'unicorn'] },
  { name: 'signals-musl', spec: () => ({ exe: join(PROGRAMS, 'signals-musl.elf') }), engines: ['ts'] },
  { name: 'forkpipe-musl', spec: () => ({ exe: join(PROGRAMS, 'forkpipe-musl.elf') }), engines: ['ts'] },
  { name: 'stdin-musl', spec: () => ({ exe: join(PROGRAMS, 'stdin-musl.elf'), stdin: bigInput }), engines: ['ts'] },
];

describeWithOracles(['qemu', 'unicorn'], 'linux-programs corpus vs qemu-aarch64', () => {
  for (const c of CASES) {
    for (const engine of c.engines) {
      it(`${c.name} on ${engine}: stdout, stderr and status as qemu`, async () => {
        const spec = c.spec();
        const q = runQemu(spec);
        const o = await runOurs(spec, engine);
        expect({ stdout: o.stdout, stderr: o.stderr, status: o.status }).toEqual(q);
      }, 60_000);
    }
  }

  it('files: create, read, rename, list, symlink, unlink inside a read-write mount, as qemu', async () => {
    const runIn = async (engine: EngineKind | 'qemu') => {
      const dir = mkdtempSync(join(tmpdir(), 'linux-files-'));
      try {
        const spec: RunSpec = { exe: join(PROGRAMS, 'files.elf'), args: [dir], mounts: [dir] };
        return engine === 'qemu' ? runQemu(spec) : await runOurs(spec, engine);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    const q = await runIn('qemu');
    expect(q.stdout).toContain('entry b.txt\nentry link\nentry sub\n');
    const o = await runIn('ts');
    expect({ stdout: o.stdout, stderr: o.stderr, status: o.status }).toEqual(q);
  }, 60_000);
});

describe('execve (qemu-user cannot exec AArch64 programs without binfmt_misc: fixed expectations)', () => {
  it('runs /proc/self/exe in the child with new argv and envp; a missing path is ENOENT', async () => {
    const o = await runOurs({ exe: join(PROGRAMS, 'execve.elf'), argv0: '/bin/execve' }, 'ts');
    expect(o.stdout).toBe(
      "exec'd child: argc=3 arg2=two env0=K=V\nexec child exited=1 code=7\nexecve of a missing file: -1\n",
    );
    expect(o.status).toBe(0);
  }, 60_000);
});

describe('deterministic scheduling', () => {
  it('same seed: same instruction count and output for a threaded program; threads really interleave', async () => {
    const spec: RunSpec = { exe: join(PROGRAMS, 'threads.elf'), seed: 5 };
    const a = await runOurs(spec, 'ts');
    const b = await runOurs(spec, 'ts');
    const c = await runOurs({ ...spec, seed: 6 }, 'ts');
    expect(a.stdout).toBe('counter=8000 joined=604\nconsumed total=5050\nmain tls=0\n');
    expect(b.instructions).toBe(a.instructions);
    expect(c.stdout).toBe(a.stdout);
    expect(c.instructions).not.toBe(a.instructions);
  }, 60_000);
});
