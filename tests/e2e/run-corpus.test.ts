/**
 * Eager corpus differential: every C corpus program, linked by our linker (ObjectLinkingLayer, eager)
 * from its per-source-file objects `obj/<prog>/*.o` and run by `orc-sandbox run` (runCommand, the
 * code path of the CLI), prints exactly what ld.lld + qemu-aarch64 printed and ends with the same
 * status (`expected/<prog>.out` / `.status`), on the ts engine and on the unicorn engine. That run
 * is asserted in tests/debug/parity.test.ts (the in-process rows), which makes the very same run
 * to compare `debug` with it: one run of each program per engine instead of two. This file keeps
 * the check that the corpus is complete and the host-libc variant below.
 *
 * Entry point: `main` (run's default), not the runtime's `_start`. `_start` expects the kernel's
 * initial stack (argc at [sp], then argv, envp, auxv), which `run` does not build; `run` calls
 * main(argc, argv, envp) with argv = [argv0, …program args] and an empty envp, exactly what
 * `__rt_start` would pass (qemu ran with an empty environment), and the status is main's return value
 * or the exit_group syscall's argument (the runtime's exit()), as under qemu. What `_start` adds on
 * top — `environ` and the auxiliary vector for getauxval — only `hello` and `pie` look at; both also
 * read the ELF header through `__ehdr_start` (ld.lld defines it for an executable image; JIT-linked
 * code has no ELF image), so they cannot be linked by `run` and are checked to fail with that precise
 * reason instead.
 *
 * Second variant: the programs linked against the Process JITDylib's host functions (printf, malloc,
 * strings, …) instead of the runtime objects `rt-*.o` (only `rt-int128.o`, the compiler's 128-bit
 * division helpers, stays). A program qualifies when every symbol its own objects leave undefined
 * is a host function; the others are listed with the symbols the host lacks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/commands/run.ts';
import type { EngineKind } from '../../src/emu/engine.ts';
import { EngineUnavailable } from '../../src/emu/errors.ts';
import { createEngine } from '../../src/emu/factory.ts';
import { ProcessHost } from '../../src/executor/host/process.ts';
import { readElf } from '../../src/linker/elf/reader.ts';
import { CORPUS_DIR, type CorpusProgram, corpusPrograms, SIGNAL_MESSAGES } from '../programs/corpus.ts';
import { describeWithOracles } from '../support/oracles.ts';

const programs = corpusPrograms();
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const objDir = (p: string) => join(CORPUS_DIR, 'obj', p);
const objects = (p: string) =>
  readdirSync(objDir(p))
    .filter((f) => f.endsWith('.o'))
    .sort();

interface RunOutcome {
  stdout: string;
  stderr: string;
  status: number;
}

async function runCorpus(p: CorpusProgram, engine: EngineKind, files: string[]): Promise<RunOutcome> {
  let stdout = '';
  let stderr = '';
  let status: number;
  try {
    status = await runCommand(['--engine', engine, ...files.map((f) => join(objDir(p.name), f)), '--', ...p.args], {
      write: (s) => {
        stdout += s;
      },
      writeErr: (s) => {
        stderr += s;
      },
      stdin: p.stdin,
      displayName: (f) => f.slice(CORPUS_DIR.length + 1),
    });
  } catch (e) {
    // As the CLI reports it (main.ts): name, message, status 1.
    stderr += `orc-sandbox run: ${(e as Error).name}: ${(e as Error).message}\n`;
    status = 1;
  }
  return { stdout, stderr, status };
}

describe('corpus under orc-sandbox run (eager)', () => {
  it('covers every program of the corpus', () => {
    expect(programs.map((p) => p.name)).toEqual(
      readdirSync(join(CORPUS_DIR, 'obj'))
        .filter((d) => objects(d).length > 0)
        .sort(),
    );
  });
});

// ---- variant: libc from the Process JITDylib's host functions instead of rt-*.o ---------------------

/** Symbols a program's own objects (plus rt-int128.o) leave undefined. */
function undefinedSymbols(p: string, files: string[]): string[] {
  const defined = new Set<string>();
  const undef = new Set<string>();
  for (const f of files) {
    const o = readElf(new Uint8Array(readFileSync(join(objDir(p), f))), f);
    for (const s of o.symbols.slice(o.firstGlobal)) (s.shndx === 0 ? undef : defined).add(s.name);
  }
  return [...undef].filter((n) => !defined.has(n)).sort();
}

const hostFiles = (p: string) => objects(p).filter((f) => !f.startsWith('rt-') || f === 'rt-int128.o');

async function hostSymbolNames(): Promise<Set<string>> {
  const engine = await createEngine('ts');
  try {
    return new Set(new ProcessHost(engine).install().symbols.keys());
  } finally {
    engine.close();
  }
}

/** What each program needs beyond the Process JITDylib's host functions (asserted below). */
const HOST_LACKS: Record<string, string[]> = {
  hello: ['__ehdr_start', 'getauxval'],
  memory: ['clock_gettime', 'getrandom', 'mmap', 'mprotect', 'munmap', 'rt_brk', 'rt_syscall'],
  pie: ['_DYNAMIC', '__ehdr_start', '_start', 'getauxval'],
};

function hostVariantSuite(engine: EngineKind, unavailable: () => string) {
  let host = new Set<string>();
  beforeAll(async () => {
    host = await hostSymbolNames();
  });
  it('at least 12 programs need nothing but host functions; the others name what the host lacks', () => {
    const lacking = Object.fromEntries(
      programs
        .map((p) => [p.name, undefinedSymbols(p.name, hostFiles(p.name)).filter((n) => !host.has(n))] as const)
        .filter(([, missing]) => missing.length > 0),
    );
    // Syscall wrappers, va_list formatting, the auxiliary vector and the ELF image: not libc
    // functions the Process JITDylib offers.
    expect(lacking).toEqual(HOST_LACKS);
    expect(programs.length - Object.keys(lacking).length).toBeGreaterThanOrEqual(15);
  });
  for (const p of programs.filter((q) => !(q.name in HOST_LACKS))) {
    it(`${p.name}: with host libc, stdout and exit status match ld.lld + qemu`, async (ctx) => {
      if (unavailable()) ctx.skip(unavailable());
      const files = hostFiles(p.name);
      expect(undefinedSymbols(p.name, files).filter((n) => !host.has(n))).toEqual([]);
      const r = await runCorpus(p, engine, files);
      expect({ stdout: r.stdout, status: r.status }).toEqual({
        stdout: text(p.expectedStdout),
        status: p.expectedStatus,
      });
      const signal = SIGNAL_MESSAGES[p.name];
      if (signal) expect(r.stderr).toMatch(signal);
      else expect(r.stderr).toBe('');
    });
  }
}

describe('corpus with host libc under orc-sandbox run on the ts engine', () => hostVariantSuite('ts', () => ''));

describeWithOracles(['unicorn'], 'corpus with host libc under orc-sandbox run on the unicorn engine', () => {
  let why = '';
  beforeAll(async () => {
    try {
      (await createEngine('unicorn')).close();
    } catch (e) {
      if (!(e instanceof EngineUnavailable)) throw e;
      why = `unicorn engine unavailable: ${e.message}`;
    }
  });
  hostVariantSuite('unicorn', () => why);
});
