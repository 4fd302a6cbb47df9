/**
 * Lazy corpus differential: every C corpus program run by `orc-sandbox run` (runCommand, the CLI's
 * code path) from its per-source-file objects `tests/programs/obj/<prog>/*.o` with objects marked
 * `-lazy`, compared with what ld.lld + qemu-aarch64 printed (`expected/<prog>.out` / `.status`), on
 * the ts and the unicorn engine. Two deterministic choices of lazy objects:
 *
 *  * `program`: every non-runtime object except the one defining the entry (`main`) is lazy.
 *    Only multi-file programs (interp, pie, qsort, strings, workloads) have such objects and run
 *    here; for the others this choice is the eager run, argument for argument, which
 *    tests/debug/parity.test.ts asserts against ld.lld + qemu on both engines.
 *  * `all`: every object except the entry's is lazy, the runtime's `rt-*.o` included, so printf,
 *    the string functions, malloc, the syscall wrappers and the 128-bit division helpers all link
 *    on their first call through a reentry.
 *
 * As in run-corpus.test.ts (eager): `main` is the entry, `hello` and `pie` need an ELF image
 * (`__ehdr_start`) and must fail naming it, `segv` and `trap` end on a signal with run's message.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/commands/run.ts';
import type { EngineKind } from '../../src/emu/engine.ts';
import { EngineUnavailable } from '../../src/emu/errors.ts';
import { createEngine } from '../../src/emu/factory.ts';
import { readElf } from '../../src/linker/elf/reader.ts';
import {
  CORPUS_DIR,
  type CorpusProgram,
  corpusPrograms,
  ELF_IMAGE_PROGRAMS,
  SIGNAL_MESSAGES,
} from '../programs/corpus.ts';
import { describeWithOracles } from '../support/oracles.ts';

const programs = corpusPrograms();
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const objDir = (p: string) => join(CORPUS_DIR, 'obj', p);
const objects = (p: string) =>
  readdirSync(objDir(p))
    .filter((f) => f.endsWith('.o'))
    .sort();

const ENTRY = 'main';

/** The object of `p` that defines the entry symbol (a global, defined). */
function entryObject(p: string): string {
  for (const f of objects(p)) {
    const o = readElf(new Uint8Array(readFileSync(join(objDir(p), f))), f);
    if (o.symbols.slice(o.firstGlobal).some((s) => s.name === ENTRY && s.shndx !== 0)) return f;
  }
  throw new Error(`${p}: no object defines ${ENTRY}`);
}

type Choice = 'program' | 'all';

/** Inputs in name order, `-lazy` before each object the choice makes lazy. */
function inputs(p: string, choice: Choice): { args: string[]; lazy: string[] } {
  const entry = entryObject(p);
  const lazy = objects(p).filter((f) => f !== entry && (choice === 'all' || !f.startsWith('rt-')));
  const args = objects(p).flatMap((f) => [...(lazy.includes(f) ? ['-lazy'] : []), join(objDir(p), f)]);
  return { args, lazy };
}

async function runLazy(p: CorpusProgram, engine: EngineKind, choice: Choice, extra: string[] = []) {
  let stdout = '';
  let stderr = '';
  let status: number;
  try {
    status = await runCommand(['--engine', engine, ...extra, ...inputs(p.name, choice).args, '--', ...p.args], {
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
    stderr += `orc-sandbox run: ${(e as Error).name}: ${(e as Error).message}\n`;
    status = 1;
  }
  return { stdout, stderr, status };
}

/** Programs whose choice has lazy objects: `program` without any is the eager run (see above). */
const lazyPrograms = (choice: Choice) => programs.filter((p) => inputs(p.name, choice).lazy.length > 0);

function suite(engine: EngineKind, choice: Choice, unavailable: () => string) {
  for (const p of lazyPrograms(choice)) {
    if (ELF_IMAGE_PROGRAMS.has(p.name)) {
      it(`${p.name}: needs an ELF image (__ehdr_start), the link fails naming the symbol`, async (ctx) => {
        if (unavailable()) ctx.skip(unavailable());
        const r = await runLazy(p, engine, choice);
        expect(r.status).toBe(1);
        expect(r.stdout).toBe('');
        expect(r.stderr).toContain('__ehdr_start');
      });
      continue;
    }
    it(`${p.name}: stdout and exit status match ld.lld + qemu`, async (ctx) => {
      if (unavailable()) ctx.skip(unavailable());
      const r = await runLazy(p, engine, choice);
      const signal = SIGNAL_MESSAGES[p.name];
      expect({ stdout: r.stdout, status: r.status, stderr: signal ? '' : r.stderr }).toEqual({
        stdout: text(p.expectedStdout),
        status: p.expectedStatus,
        stderr: '',
      });
      if (signal) expect(r.stderr).toMatch(signal);
    });
  }
}

describe('lazy corpus: the choice of lazy objects', () => {
  it('is deterministic: interp has lazy program objects; `all` makes every runtime object lazy', () => {
    expect(inputs('interp', 'program').lazy).toEqual(['parse.o', 'vm.o']);
    expect(entryObject('interp')).toBe('main.o');
    const all = inputs('crc', 'all').lazy;
    expect(all).toEqual(objects('crc').filter((f) => f !== 'crc.o'));
  });

  it('`program` makes objects lazy in the multi-file programs only; `all` in every program', () => {
    expect(lazyPrograms('program').map((p) => p.name)).toEqual(['interp', 'pie', 'qsort', 'strings', 'workloads']);
    expect(lazyPrograms('all').map((p) => p.name)).toEqual(programs.map((p) => p.name));
    // Without lazy objects the arguments are the eager run's: every object in name order.
    for (const p of programs.filter((q) => inputs(q.name, 'program').lazy.length === 0))
      expect(inputs(p.name, 'program').args).toEqual(objects(p.name).map((f) => join(objDir(p.name), f)));
  });

  it('lazy objects really link lazily (interp: parse.o and vm.o link after main runs)', async () => {
    const p = programs.find((q) => q.name === 'interp') as CorpusProgram;
    const r = await runLazy(p, 'ts', 'all', ['--show-linked-files', '--trace', 'lazy']);
    expect(r.status).toBe(p.expectedStatus);
    expect(r.stderr).toMatch(/^\[lazy\] trampoline 0x[0-9a-f]+: \w+ -> \w+\$orc_fnbody \(JITDylib main\) resolved /m);
    expect(r.stdout).toContain('Linking obj/interp/parse.o');
    expect(r.stdout).toContain('Linking obj/interp/vm.o');
  });
});

for (const choice of ['program', 'all'] as const) {
  describe(`lazy corpus (${choice}) on the ts engine`, () => suite('ts', choice, () => ''));

  describeWithOracles(['unicorn'], `lazy corpus (${choice}) on the unicorn engine`, () => {
    let why = '';
    beforeAll(async () => {
      try {
        (await createEngine('unicorn')).close();
      } catch (e) {
        if (!(e instanceof EngineUnavailable)) throw e;
        why = `unicorn engine unavailable: ${e.message}`;
      }
    });
    suite('unicorn', choice, () => why);
  });
}
