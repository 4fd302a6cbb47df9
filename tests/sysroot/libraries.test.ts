/**
 * Real libraries under `run --sysroot`: Debian's arm64 Lua 5.4 interpreter (liblua5.4.a) and
 * SQLite 3 (libsqlite3.a), fetched by tests/sysroot/fetch.sh, with our small mains; every archive
 * member is linked lazily (`-lazy lib.a`). Oracle: the same objects linked statically by
 * aarch64-linux-gnu-gcc and run under qemu-aarch64 (stdout, stderr and status must be identical).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { describeWithOracles } from '../support/oracles.ts';
import { describeWithSysrootLib, type Outcome, obj, runQemu, runSandbox, SYSROOT, SYSROOT_LIBS } from './support.ts';

function staticBuild(name: string, main: string, archive: string, libs: string[]): string {
  const exe = join(mkdtempSync(join(tmpdir(), `sysroot-${name}-`)), `${name}.elf`);
  // The archives' dlopen/getpwuid calls make the static link warn on stderr: not the test's business.
  execFileSync('aarch64-linux-gnu-gcc', ['-static', '-o', exe, obj(main), join(SYSROOT_LIBS, archive), ...libs], {
    stdio: 'pipe',
  });
  return exe;
}

describeWithOracles(['qemu', 'aarch64-g++'], 'run --sysroot: Lua 5.4', () => {
  describeWithSysrootLib('liblua5.4.a', 'Debian liblua5.4.a, members lazy', () => {
    let reference: Outcome;
    beforeAll(() => {
      reference = runQemu(staticBuild('lua', 'lua-main.o', 'liblua5.4.a', ['-lm']), []);
    });

    it('the static build prints what the scripts say', () => {
      expect(reference.status).toBe(1);
      expect(reference.stderr).toBe('');
      expect(reference.stdout).toContain('Hello, Lua 5.4\t14\tHELLO, LUA 5.4\t');
      expect(reference.stdout).toContain('closures\t3\t1\nfib(20)\t6765\ncoroutine\t20\t15\n');
      expect(reference.stdout).toContain('false\ttable\t42\n');
      expect(reference.stdout).toContain('0.1 1e+20 1.23457e+08 1.41421\n');
      expect(reference.stdout).toContain('1.4142135623731\t0.8414709848079\t2.718281828459\t2.0\t1\n');
      expect(reference.stdout).toMatch(/error: \[string ".*"\]:3: script failed on purpose\n/);
      expect(reference.stdout.endsWith('gc count positive: 1\nfailures: 1\n')).toBe(true);
    });

    for (const engine of ['ts', 'unicorn'] as const)
      it(`${engine}: stdout, stderr and status equal qemu's`, async () => {
        const r = await runSandbox([
          '--engine',
          engine,
          '--sysroot',
          SYSROOT,
          obj('lua-main.o'),
          '-lazy',
          join(SYSROOT_LIBS, 'liblua5.4.a'),
        ]);
        expect(r).toEqual(reference);
      }, 120_000);
  });
});

const SQLITE_LIBS = ['-lpthread', '-ldl', '-lm'];

describeWithOracles(['qemu', 'aarch64-g++'], 'run --sysroot: SQLite 3', () => {
  describeWithSysrootLib('libsqlite3.a', 'Debian libsqlite3.a, members lazy', () => {
    let reference: Outcome;
    beforeAll(() => {
      reference = runQemu(staticBuild('sqlite', 'sqlite-main.o', 'libsqlite3.a', SQLITE_LIBS), []);
    });

    it('the static build prints what the SQL says', () => {
      expect(reference.status).toBe(0);
      expect(reference.stderr).toBe('');
      expect(reference.stdout).toMatch(/^sqlite 3\.\d+\.\d+\nchanges=7 last_rowid=7\n/);
      expect(reference.stdout).toContain('aggregate: n=7 total=60 mean=1.15 first=apple dearest=3.75 value=39.5\n');
      expect(reference.stdout).toContain('grouped: colour=red n=2 names=apple+cherry value=12.500\n');
      expect(reference.stdout).toContain('cte: s=55 squares=1,4,9,16,25,36,49,64,81,100\n');
      expect(reference.stdout).toContain('bad: error 1: no such table: missing_table\n');
      expect(reference.stdout.endsWith('prepared: kiwi 60\nclose=0\n')).toBe(true);
    });

    // The static link's -l flags, found in the sysroot's library folders as the compiler driver
    // finds them (glibc 2.34+ keeps libpthread.a and libdl.a as empty archives).
    for (const engine of ['ts', 'unicorn'] as const)
      it(`${engine}: stdout, stderr and status equal qemu's`, async () => {
        const r = await runSandbox([
          '--engine',
          engine,
          '--sysroot',
          SYSROOT,
          obj('sqlite-main.o'),
          '-lazy',
          join(SYSROOT_LIBS, 'libsqlite3.a'),
          ...SQLITE_LIBS,
        ]);
        expect(r).toEqual(reference);
      }, 120_000);
  });
});
