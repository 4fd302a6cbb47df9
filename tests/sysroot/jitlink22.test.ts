/**
 * `run --sysroot` against the real ORC stack: `llvm-jitlink-22 -lazy -orc-runtime=liborc_rt-aarch64.a
 * -oop-executor=<Debian's arm64 llvm-jitlink-executor under qemu-aarch64>` on the same objects and
 * archives. There the JIT'd code resolves libc/libm from the executor process (Debian's dynamic
 * arm64 glibc 2.36); ours links the sysroot's static glibc. Both use LLVM's unmodified ORC runtime.
 *
 * Which of the tests/sysroot programs llvm-jitlink-22 runs (checked below, so a change shows):
 * - C (cmain.o, clib.o lazy): runs. Two differences that are llvm-jitlink's, not the program's:
 *   its ELFNix platform aliases `atexit` to the ORC runtime's `__orc_rt_elfnix_atexit` (glibc's
 *   atexit lives in libc_nonshared.a, not in the executor's libc.so.6), and the registered handler
 *   never runs before the executor exits (status 0), so "atexit handler ran" is missing from its
 *   output; and with -oop-executor it passes the -args list as the whole argv (no program name:
 *   without -args, main gets argc=0), so we pass the program name ourselves.
 * - SQLite (sqlite-main.o, libsqlite3.a members lazy): runs, output identical.
 * - C++ (cxxmain.o, cxxlib.o): cannot run, the thread_local accesses are non-PIC local-exec TLS:
 *   `llvm-jitlink error: Unsupported aarch64 relocation:549: R_AARCH64_TLSLE_ADD_TPREL_HI12`
 *   (eager and lazy alike). The same sources built with -fPIC (TLS descriptors) run there: the
 *   program's whole output is identical (exceptions thrown through the lazy body, static
 *   constructors and the destructor, thread_local); then the executor often (not always) dies of
 *   SIGABRT while it shuts down ("qemu: uncaught target signal 6 (Aborted)", "llvm-jitlink-22: disconnecting",
 *   status 1), after the program has ended; we compare stdout, and our status is the program's 0.
 * - Lua (lua-main.o, liblua5.4.a): cannot run, Debian builds Lua's internal functions (LUAI_FUNC)
 *   with visibility("internal"), which JITLink's ELF reader rejects:
 *   `llvm-jitlink error: Unrecognized symbol visibility 1 for luaE_setdebt`
 *   (lazily: the stub of lua_newstate dies in `__orc_rt_resolve`, "Failed to materialize symbols").
 * The three that run are compared on both engines, with --orc-runtime (the anchor's runtime); our
 * default runtime is compared with the static builds under qemu in sysroot.test.ts/libraries.test.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARM64_EXECUTOR, describeWithArtifact, ORC_RT_ARCHIVE } from '../orc-rt/support.ts';
import { describeWithOracles } from '../support/oracles.ts';
import { describeWithSysrootLib, type Outcome, obj, runSandbox, SYSROOT, SYSROOT_LIBS } from './support.ts';

/**
 * llvm-jitlink-22 with the qemu'd executor (spawnSync waits until the executor closes stdout too).
 * In full suite runs (2026-12-05, Lua's rejection), llvm-jitlink-22 itself was killed by a signal
 * after printing its error (status null), once, and later twice in a row; never in 40 runs alone
 * or under two CPU-bound loops: its teardown races ("Resource tracker ... became defunct"). Such a
 * run is made once more; a second death is reported with its signal (status -1).
 */
function jitlink22(inputs: string[]): Outcome {
  const once = () =>
    spawnSync('llvm-jitlink-22', [`-oop-executor=${ARM64_EXECUTOR}`, `-orc-runtime=${ORC_RT_ARCHIVE}`, ...inputs], {
      encoding: 'utf8',
      timeout: 120_000,
    });
  let r = once();
  if (r.signal !== null && r.error === undefined) r = once();
  const signal = r.signal === null ? '' : `(killed by ${r.signal})\n`;
  return { stdout: r.stdout, stderr: r.stderr + signal, status: r.status ?? -1 };
}

const ENGINES = ['ts', 'unicorn'] as const;

/** `run --sysroot --orc-runtime` (llvm-jitlink's runtime) on `engine` with these inputs. */
function runOurs(engine: (typeof ENGINES)[number], inputs: string[]): Promise<Outcome> {
  return runSandbox(['--engine', engine, '--sysroot', SYSROOT, '--orc-runtime', ORC_RT_ARCHIVE, ...inputs]);
}
const SOURCES = fileURLToPath(new URL('programs/src/', import.meta.url));

describeWithArtifact('llvm-jitlink-executor', 'run --sysroot agrees with llvm-jitlink-22 -lazy', () => {
  describeWithOracles(['llvm-jitlink-22', 'qemu', 'aarch64-g++'], 'llvm-jitlink-22 with the arm64 executor', () => {
    describe('C: stdio, strtod, libm, qsort, setjmp (clib.o lazy)', () => {
      let anchor: Outcome;
      beforeAll(() => {
        anchor = jitlink22([obj('cmain.o'), '-lazy', obj('clib.o'), '-args', 'cmain', 'xyz']);
      });

      it('llvm-jitlink-22 runs it (and drops the atexit handler)', () => {
        expect(anchor.status).toBe(5);
        expect(anchor.stderr).toBe('to stderr\n');
        expect(anchor.stdout).toMatch(/^hello from glibc, constructed=42 argc=2 argv\[1\]=xyz\n/);
        expect(anchor.stdout).toContain('strtod(0x1p-2) = 0.25');
        expect(anchor.stdout.endsWith('longjmp returned 7\nsnprintf-003.1-z len=16\n')).toBe(true);
        expect(anchor.stdout).not.toContain('atexit');
      });

      for (const engine of ENGINES)
        it(`${engine}, --orc-runtime: llvm-jitlink-22's output plus the atexit line`, async () => {
          const ours = await runOurs(engine, [obj('cmain.o'), '-lazy', obj('clib.o'), '--', 'xyz']);
          expect(ours).toEqual({ ...anchor, stdout: `${anchor.stdout}atexit handler ran\n` });
        }, 180_000);
    });

    describeWithSysrootLib('libsqlite3.a', 'SQLite: libsqlite3.a members lazy', () => {
      let anchor: Outcome;
      beforeAll(() => {
        anchor = jitlink22([obj('sqlite-main.o'), '-lazy', join(SYSROOT_LIBS, 'libsqlite3.a')]);
      });

      it('llvm-jitlink-22 runs it', () => {
        expect(anchor.status).toBe(0);
        expect(anchor.stderr).toBe('');
        expect(anchor.stdout).toMatch(/^sqlite 3\.\d+\.\d+\nchanges=7 last_rowid=7\n/);
        expect(anchor.stdout).toContain('cte: s=55 squares=1,4,9,16,25,36,49,64,81,100\n');
        expect(anchor.stdout.endsWith('prepared: kiwi 60\nclose=0\n')).toBe(true);
      });

      for (const engine of ENGINES)
        it(`${engine}, --orc-runtime: identical stdout, stderr and status`, async () => {
          const ours = await runOurs(engine, [
            obj('sqlite-main.o'),
            '-lazy',
            join(SYSROOT_LIBS, 'libsqlite3.a'),
            '-lpthread',
            '-ldl',
            '-lm',
          ]);
          expect(ours).toEqual(anchor);
        }, 180_000);
    });

    describeWithOracles(['clang'], 'C++ built with -fPIC: string, map, iostream, exceptions, thread_local', () => {
      let pic: { main: string; lib: string };
      let anchor: Outcome;
      beforeAll(() => {
        const dir = mkdtempSync(join(tmpdir(), 'jitlink22-cxx-'));
        pic = { main: join(dir, 'cxxmain-pic.o'), lib: join(dir, 'cxxlib-pic.o') };
        for (const [src, out] of [
          ['cxxmain.cpp', pic.main],
          ['cxxlib.cpp', pic.lib],
        ] as const)
          execFileSync('clang++-16', [
            '--target=aarch64-linux-gnu',
            `--sysroot=${SYSROOT}`,
            '-O2',
            '-fPIC',
            '-fno-ident',
            '-c',
            '-o',
            out,
            join(SOURCES, src),
          ]);
        anchor = jitlink22([pic.main, '-lazy', pic.lib, '-args', 'cxx']);
      });

      it('llvm-jitlink-22 runs it to the end (its executor may then abort while shutting down)', () => {
        // The two objects' constructors run in either order under llvm-jitlink-22 (it varied between
        // CI runs; C++ leaves the order across translation units unspecified).
        expect(leadingCtorsSorted(anchor.stdout)).toMatch(
          /^construct global-in-main\nconstruct registry in lib\napple=3 fig=1 pear=2 \n/,
        );
        expect(anchor.stdout).toContain('caught domain_error: division by zero in cxxlib\n');
        expect(anchor.stdout).toContain('thread_local: 123 tl_main=106 tl_local_uses=11\n');
        expect(anchor.stdout.endsWith('destruct global-in-main\n')).toBe(true);
        // After the program's last line the qemu'd executor sometimes dies of SIGABRT in its own
        // shutdown (2 of 6 runs here), sometimes exits cleanly with status 0.
        if (anchor.status === 0) expect(anchor.stderr).toBe('');
        else
          expect({
            status: anchor.status,
            disconnecting: anchor.stderr.includes('llvm-jitlink-22: disconnecting'),
          }).toEqual({ status: 1, disconnecting: true });
      });

      for (const engine of ENGINES)
        it(`${engine}, --orc-runtime: identical stdout, status 0`, async () => {
          const ours = await runOurs(engine, [pic.main, '-lazy', pic.lib]);
          expect({ ...ours, stdout: leadingCtorsSorted(ours.stdout) }).toEqual({
            stdout: leadingCtorsSorted(anchor.stdout),
            stderr: '',
            status: 0,
          });
        }, 180_000);
    });

    // The programs llvm-jitlink-22 cannot run: its errors, checked so that the header stays true.
    it('C++: rejected for its local-exec TLS relocations', () => {
      const r = jitlink22([obj('cxxmain.o'), '-lazy', obj('cxxlib.o')]);
      expect(r.stderr).toContain(
        'llvm-jitlink error: Unsupported aarch64 relocation:549: R_AARCH64_TLSLE_ADD_TPREL_HI12',
      );
      expect(r.status).toBe(1);
    }, 120_000);

    describeWithSysrootLib('liblua5.4.a', 'Lua', () => {
      it('rejected for the internal visibility of its LUAI_FUNC symbols', () => {
        const r = jitlink22([obj('lua-main.o'), join(SYSROOT_LIBS, 'liblua5.4.a')]);
        // Its materializing threads report the error once per Lua object, and under load their
        // lines interleave ('llvm-jitlink error: llvm-jitlink error: Unrecognized ...', seen in a
        // full CI run) and its teardown may add more (a defunct resource tracker, 'Bad file
        // descriptor', a signal): the first error and the reason are what this test checks.
        expect(r.stderr).toMatch(/^llvm-jitlink error: /);
        expect(r.stderr).toMatch(/Unrecognized symbol visibility 1 for lua[A-Z_]\w*\n/);
        expect(r.stdout).toBe('');
        expect(r.status).not.toBe(0);
      }, 120_000);
    });
  });
});

/** stdout with its leading `construct …` lines (one per object's constructor) in sorted order. */
function leadingCtorsSorted(stdout: string): string {
  const lines = stdout.split('\n');
  let n = 0;
  while (n < lines.length && (lines[n] as string).startsWith('construct ')) n++;
  return [...lines.slice(0, n).sort(), ...lines.slice(n)].join('\n');
}
