/**
 * `run --sysroot`: what is linked after start-up behaves as the static link would have it.
 *
 * * Late objects (tests/sysroot/programs/src/late*.c, latecxx*.cpp): liblate.a's member is first
 *   needed by a lazily linked body, after a thread was created. Its constructor must have run (with argc,
 *   argv, envp) before that body, its thread-local data must be initialised in the thread that
 *   existed, in the main thread and in a thread created later, and its destructor runs at exit.
 *   liblatecxx.a's C++ member (a static object, a thread_local with a dynamic initializer, an
 *   exception) is needed by a lazy body only. Oracle: the static builds under qemu-aarch64
 *   (stdout, stderr, status).
 * * glibc's stdio vtable check (fileio*.c, iocheck.c): the jump tables of every linked graph lie
 *   between __start___libc_IO_vtables and __stop___libc_IO_vtables, so glibc's range test passes
 *   for them without reaching _IO_vtable_check (counted by a block hook there), and a FILE whose
 *   jump table lies elsewhere reaches it. In a static glibc 2.36 build dlopen is always linked
 *   (gettext's gconv pulls it), which makes _IO_vtable_check return: the bad FILE then crashes as
 *   in the static build under qemu.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import type { OrcSession } from '../../src/orc/session/session.ts';
import { STARTUP_REGION } from '../../src/orc/sysroot/index.ts';
import { describeWithOracles } from '../support/oracles.ts';
import { type Outcome, obj, runSandbox, SYSROOT } from './support.ts';

function staticBuild(name: string, inputs: string[]): string {
  const exe = join(mkdtempSync(join(tmpdir(), `sysroot-${name}-`)), `${name}.elf`);
  execFileSync('aarch64-linux-gnu-gcc', ['-static', '-o', exe, ...inputs.map(obj), '-lpthread']);
  return exe;
}

/** qemu's outcome, a signal as the shell reports it (128 + number). */
function qemu(exe: string, args: string[]): Outcome {
  const r = spawnSync('qemu-aarch64', [exe, ...args], { encoding: 'utf8', input: '' });
  const sig = r.signal ? constants.signals[r.signal] : undefined;
  return { stdout: r.stdout, stderr: r.stderr, status: sig === undefined ? (r.status ?? -1) : 128 + sig };
}

describeWithOracles(['qemu', 'aarch64-g++'], 'run --sysroot: objects linked after start-up', () => {
  let reference: Outcome;
  beforeAll(() => {
    reference = qemu(staticBuild('late', ['latemain.o', 'lateuse.o', 'liblate.a']), ['a', 'b']);
  });

  it('the static build prints what the sources say', () => {
    // ready = 40 + argc (3) + argv[argc] == NULL (1) + envp != NULL (1); one constructor call.
    expect(reference).toEqual({
      stdout:
        'use_late=4501 argc=3\nthread created before the link: 60 71\nmain thread: 60 71\n' +
        'thread created after the link: 60 71\nlate destructor: ready=45\n',
      stderr: '',
      status: 0,
    });
  });

  for (const [engine, lazyArchive] of [
    ['ts', false],
    ['unicorn', false],
    ['ts', true],
  ] as const)
    it(`${engine}${lazyArchive ? ', -lazy liblate.a' : ''}: constructor, destructor and TLS on every thread equal qemu's`, async () => {
      const linked: string[] = [];
      let started = false;
      const r = await runSandbox(
        [
          '--engine',
          engine,
          '--sysroot',
          SYSROOT,
          obj('latemain.o'),
          '-lazy',
          obj('lateuse.o'),
          ...(lazyArchive ? ['-lazy'] : []),
          obj('liblate.a'),
          '--',
          'a',
          'b',
        ],
        (session) =>
          session.layer.addPlugin({
            notifyEmitted: (_mr, result) => {
              if (result.symbols.has('main')) started = true;
              else if (started) linked.push(result.graph.name);
            },
          }),
      );
      expect(r).toEqual(reference);
      // The member really was linked after start-up (after main's graph, by the lazy body).
      expect(linked.some((n) => n.endsWith('liblate.a[0](late.o)'))).toBe(true);
    }, 120_000);
});

describeWithOracles(['qemu', 'aarch64-g++'], 'run --sysroot: a C++ member linked after start-up', () => {
  let reference: Outcome;
  beforeAll(() => {
    const exe = join(mkdtempSync(join(tmpdir(), 'sysroot-latecxx-')), 'latecxx.elf');
    execFileSync('aarch64-linux-gnu-g++', [
      '-static',
      '-o',
      exe,
      ...['latecxxmain.o', 'latecxxuse.o', 'liblatecxx.a'].map(obj),
    ]);
    reference = qemu(exe, []);
  });

  it('the static build prints what the sources say', () => {
    expect(reference).toEqual({
      stdout:
        'use(late-registry:8:tl-42+)\nuse(late-registry:9:tl-42++)\nthread: use(late-registry:10:tl-42+)\n' +
        'caught: negative in late member\n',
      stderr: '',
      status: 0,
    });
  });

  // The static object is constructed before the lazy body runs (else its name prints empty).
  for (const engine of ['ts', 'unicorn'] as const)
    it(`${engine}: static object, thread_local and exception of the late member equal qemu's`, async () => {
      const r = await runSandbox([
        '--engine',
        engine,
        '--sysroot',
        SYSROOT,
        obj('latecxxmain.o'),
        '-lazy',
        obj('latecxxuse.o'),
        obj('liblatecxx.a'),
      ]);
      expect(r).toEqual(reference);
    }, 180_000);
});

interface VtableRun extends Outcome {
  /** Times _IO_vtable_check was entered. */
  checks: number;
  /** The `__libc_IO_vtables` blocks linked: graph, address, size. */
  tables: { graph: string; address: number; size: number }[];
}

async function runCounting(engine: 'ts' | 'unicorn', args: string[]): Promise<VtableRun> {
  let checks = 0;
  const tables: VtableRun['tables'] = [];
  const out = await runSandbox(['--engine', engine, '--sysroot', SYSROOT, ...args], (session: OrcSession) => {
    const e = session.local?.engine;
    session.layer.addPlugin({
      notifyEmitted: (_mr, result) => {
        for (const b of result.graph.section('__libc_IO_vtables')?.blocks ?? [])
          tables.push({ graph: result.graph.name, address: b.address, size: b.size });
        const check = result.symbols.get('_IO_vtable_check');
        if (check && e)
          e.hookAdd(
            'block',
            () => {
              checks++;
            },
            { begin: check.address, end: check.address },
          );
      },
    });
  });
  return { ...out, checks, tables };
}

const VTABLES = { begin: STARTUP_REGION.base + 0x90000, end: STARTUP_REGION.base + 0x98000 };

describeWithOracles(['qemu', 'aarch64-g++'], "run --sysroot: glibc's stdio vtable check", () => {
  let fileio: Outcome;
  let iocheck: Outcome;
  beforeAll(() => {
    fileio = qemu(staticBuild('fileio', ['fileio-main.o', 'fileio.o']), []);
    iocheck = qemu(staticBuild('iocheck', ['iocheck.o']), ['bad']);
  });

  it('the static builds print what the sources say', () => {
    expect(fileio).toEqual({
      stdout:
        'main starts\nopen_memstream: [pi=3.14159 n=42 s=memstream!] len=28\n' +
        'fmemopen read: n=3 a=12 d=34.5 w=word pos=12\nfmemopen write: [00042|ab    |beef]\nsnprintf-7 len=10\n',
      stderr: 'stderr via fprintf 5\n',
      status: 3,
    });
    expect(iocheck.stdout).toBe('before: snprintf-2\n');
    expect(iocheck.status).toBe(139);
  });

  for (const engine of ['ts', 'unicorn'] as const)
    it(`${engine}: FILE I/O linked lazily equals qemu's, every jump table passes the range test`, async () => {
      const r = await runCounting(engine, [obj('fileio-main.o'), '-lazy', obj('fileio.o')]);
      expect({ stdout: r.stdout, stderr: r.stderr, status: r.status }).toEqual(fileio);
      expect(r.checks).toBe(0);
      // Start-up tables and those of members the lazy body pulled in (memstream, fmemopen's cookies).
      const members = r.tables.map((t) => /\(([^)]*)\)$/.exec(t.graph)?.[1]);
      for (const m of ['fileops.o', 'memstream.o', 'iofopncook.o', 'vsnprintf.o']) expect(members).toContain(m);
      for (const t of r.tables) {
        expect(t.address, t.graph).toBeGreaterThanOrEqual(VTABLES.begin);
        expect(t.address + t.size, t.graph).toBeLessThanOrEqual(VTABLES.end);
      }
    }, 120_000);

  it('ts: a FILE with a foreign jump table reaches _IO_vtable_check, then fails as in qemu', async () => {
    const good = await runCounting('ts', [obj('iocheck.o')]);
    expect(good.stdout).toBe('before: snprintf-1\nafter\n');
    expect(good.checks).toBe(0);
    const bad = await runCounting('ts', [obj('iocheck.o'), '--', 'bad']);
    expect(bad.checks).toBe(1);
    expect(bad.stdout).toBe(iocheck.stdout);
    expect(bad.status).toBe(iocheck.status);
    expect(bad.stderr).toContain('program killed by SIGSEGV');
  }, 120_000);
});
