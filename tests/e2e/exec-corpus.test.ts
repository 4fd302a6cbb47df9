/**
 * Every corpus program under Linux user mode (the API behind `orc-sandbox exec`) gives exactly
 * the stdout and exit status qemu-aarch64 gave, on the ts engine and on the unicorn engine.
 * The committed binaries match a rebuild, and qemu still agrees with the committed outputs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ENV } from '../../src/cli/commands/exec.ts';
import type { Engine } from '../../src/emu/engine.ts';
import { EngineUnavailable } from '../../src/emu/errors.ts';
import { createEngine } from '../../src/emu/factory.ts';
import { execElfCaptured } from '../../src/emu/linux/process.ts';
import { CORPUS_DIR, corpusPrograms } from '../programs/corpus.ts';
import { describeWithOracles } from '../support/oracles.ts';

const programs = corpusPrograms();
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('corpus', () => {
  it('has at least 12 programs with committed binaries and expectations', () => {
    expect(programs.length).toBeGreaterThanOrEqual(12);
  });
});

describe('exec corpus on the ts engine', () => {
  for (const p of programs) {
    it(`${p.name}: stdout and exit status match qemu`, async () => {
      const r = await execElfCaptured(p.elf, p.argv0, { engine: 'ts', args: p.args, stdin: p.stdin, seed: 1 });
      const why = r.termination.kind === 'signal' ? r.termination.reason : '';
      expect({ stdout: text(r.stdout), status: r.status, why }).toEqual({
        stdout: text(p.expectedStdout),
        status: p.expectedStatus,
        why: r.status === p.expectedStatus ? why : '',
      });
    });
  }
});

describeWithOracles(['unicorn'], 'exec corpus on the unicorn engine', () => {
  let why = '';
  beforeAll(async () => {
    try {
      (await createEngine('unicorn')).close();
    } catch (e) {
      if (!(e instanceof EngineUnavailable)) throw e;
      why = e.message;
    }
  });
  for (const p of programs) {
    it(`${p.name}: stdout and exit status match qemu`, async (ctx) => {
      if (why) ctx.skip(`unicorn engine unavailable: ${why}`);
      const r = await execElfCaptured(p.elf, p.argv0, { engine: 'unicorn', args: p.args, stdin: p.stdin, seed: 1 });
      expect({ stdout: text(r.stdout), status: r.status }).toEqual({
        stdout: text(p.expectedStdout),
        status: p.expectedStatus,
      });
    });
  }
});

describe('exec determinism', () => {
  it('same inputs and seed: same instruction count and output, on a fresh engine each time', async () => {
    const p = programs.find((q) => q.name === 'memory');
    if (!p) throw new Error('memory program missing');
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const engine: Engine = await createEngine('ts');
      runs.push(await execElfCaptured(p.elf, p.argv0, { engine, seed: 7 }));
    }
    expect(runs[0]?.instructions).toBe(runs[1]?.instructions);
    expect(runs[0]?.stdout).toEqual(runs[1]?.stdout);
    expect(runs[0]?.instructions).toBeGreaterThan(1000);
  });
});

describe('orc-sandbox exec (the command)', () => {
  const bin = join(CORPUS_DIR, '..', '..', 'bin', 'orc-sandbox.js');
  const run = (args: string[], input = '') =>
    spawnSync(process.execPath, [bin, 'exec', ...args], { cwd: CORPUS_DIR, input, encoding: 'utf8' });

  it('passes arguments after -- and returns the exit status', () => {
    const r = run(['bin/intmath.elf']);
    expect(r.status).toBe(3);
    expect(r.stdout).toBe(readFileSync(join(CORPUS_DIR, 'expected', 'intmath.out'), 'utf8'));
    const h = run(['bin/hello.elf', '--', 'alpha', 'beta gamma', '', '--not-an-option']);
    expect(h.status).toBe(0);
    // qemu ran it with an empty environment; the command passes its small default one.
    const expected = readFileSync(join(CORPUS_DIR, 'expected', 'hello.out'), 'utf8');
    expect(h.stdout).toBe(expected.replace('envc=0', `envc=${DEFAULT_ENV.length}`));
  });

  it('feeds stdin to the program', () => {
    const r = run(['bin/stdin.elf'], readFileSync(join(CORPUS_DIR, 'stdin', 'stdin.in'), 'utf8'));
    expect(r.stdout).toBe(readFileSync(join(CORPUS_DIR, 'expected', 'stdin.out'), 'utf8'));
    expect(r.status).toBe(6);
  });

  it('reports a fault as SIGSEGV with status 139', () => {
    const r = run(['bin/segv.elf']);
    expect(r.status).toBe(139);
    expect(r.stdout).toBe('before the fault\n');
    expect(r.stderr).toMatch(
      /killed by SIGSEGV \(status 139\): unmapped write fault at 0x0 \(size 4\) by instruction at 0x/,
    );
  });

  it('stops a runaway program at --max-insns with InstructionBudgetExceeded', () => {
    const r = run(['--max-insns', '5000', 'asm/bin/spin.elf']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/InstructionBudgetExceeded: instruction budget of 5000 exhausted at pc 0x40000/);
  });

  it('traces unimplemented syscalls with --trace syscalls', () => {
    const r = run(['--trace', 'syscalls', 'asm/bin/syscalls.elf']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('syscall 1000(0x1, 0x2, 0x3, 0x22, 0x0, 0x0) = -ENOSYS (unimplemented)\n');
    expect(r.stderr).toContain('syscall exit_group(0x0) = ?\n');
  });

  it('rejects a non-executable with a typed error naming the file and field', () => {
    const r = run(['obj/hello/hello.o']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('ElfLoadError: obj/hello/hello.o: e_type: a relocatable object (ET_REL)');
  });
});

describeWithOracles(['clang', 'lld', 'llvm-mc'], 'corpus build is reproducible', () => {
  it('build.sh --no-expected reproduces the committed objects and binaries byte for byte', () => {
    const out = mkdtempSync(join(tmpdir(), 'corpus-'));
    try {
      execFileSync('bash', [join(CORPUS_DIR, 'build.sh'), '--out', out, '--no-expected'], { stdio: 'pipe' });
      const compare = (sub: string) => {
        const files = (dir: string): string[] =>
          readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
            d.isDirectory() ? files(join(dir, d.name)).map((f) => `${d.name}/${f}`) : [d.name],
          );
        const ours = files(join(CORPUS_DIR, sub)).sort();
        expect(files(join(out, sub)).sort()).toEqual(ours);
        for (const f of ours) {
          const same = readFileSync(join(out, sub, f)).equals(readFileSync(join(CORPUS_DIR, sub, f)));
          expect(same, `${sub}/${f} differs from a rebuild`).toBe(true);
        }
      };
      compare('bin');
      compare('obj');
      compare(join('asm', 'bin'));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describeWithOracles(['qemu'], 'qemu-aarch64 agrees with the committed expectations', () => {
  for (const p of programs) {
    it(`${p.name}`, () => {
      const r = spawnSync('qemu-aarch64', [p.argv0, ...p.args], {
        cwd: CORPUS_DIR,
        input: p.stdin,
        env: {},
        maxBuffer: 1 << 24,
      });
      const signals: Record<string, number> = { SIGSEGV: 11, SIGILL: 4, SIGTRAP: 5, SIGBUS: 7, SIGABRT: 6 };
      const status = r.status ?? 128 + (signals[r.signal ?? ''] ?? 0);
      expect(status).toBe(p.expectedStatus);
      expect(text(new Uint8Array(r.stdout))).toBe(text(p.expectedStdout));
    });
  }
});
