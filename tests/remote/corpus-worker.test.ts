/**
 * `--executor worker` runs everything `run` runs in process: the C corpus (tests/programs, raw `svc`
 * syscalls from the runtime objects rt-*.o, stdin, exit_group, fatal signals) eagerly and lazily,
 * and the lazy scenarios (tests/lazy-scenarios), with the stdout, stderr and status of ld.lld + qemu
 * (tests/programs/expected, tests/lazy-scenarios/expected). Signal messages (SIGSEGV 139, SIGTRAP 133)
 * are compared with the in-process run's. One worker per run: the ts engine runs every case, the
 * unicorn engine the lazy (`all`) corpus.
 *
 * The ts worker's eager runs of segv, trap and stdin and its runs of the scenarios args, callback,
 * chain20 and undefined are made (and asserted the same way) by tests/debug/parity.test.ts, whose
 * worker rows run them anyway (WORKER_CASES in tests/support/run-parity.ts): not repeated here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { EngineKind } from '../../src/emu/engine.ts';
import { readElf } from '../../src/linker/elf/reader.ts';
import { CORPUS_DIR, type CorpusProgram, corpusPrograms } from '../programs/corpus.ts';
import { describeWithOracles } from '../support/oracles.ts';
import { WORKER_CASES } from '../support/run-parity.ts';
import { runCli } from './support.ts';

const programs = corpusPrograms();
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const objDir = (p: string) => join(CORPUS_DIR, 'obj', p);
const objects = (p: string) =>
  readdirSync(objDir(p))
    .filter((f) => f.endsWith('.o'))
    .sort();
const ELF_IMAGE_PROGRAMS = new Set(['hello', 'pie']);
const SIGNALS = new Set(['segv', 'trap']);

function entryObject(p: string): string {
  for (const f of objects(p)) {
    const o = readElf(new Uint8Array(readFileSync(join(objDir(p), f))), f);
    if (o.symbols.slice(o.firstGlobal).some((s) => s.name === 'main' && s.shndx !== 0)) return f;
  }
  throw new Error(`${p}: no object defines main`);
}

type Choice = 'eager' | 'program' | 'all';
/** As run-corpus.test.ts (eager) and lazy-corpus.test.ts (`program`, `all`) choose lazy objects. */
function corpusArgs(p: string, choice: Choice): string[] {
  const entry = entryObject(p);
  const lazy = (f: string) =>
    choice !== 'eager' && f !== entry && (choice === 'all' || !f.startsWith('rt-')) ? ['-lazy'] : [];
  return objects(p).flatMap((f) => [...lazy(f), join(objDir(p), f)]);
}

async function corpusCase(p: CorpusProgram, engine: EngineKind, choice: Choice): Promise<void> {
  const args = ['--engine', engine, ...corpusArgs(p.name, choice), '--', ...p.args];
  const opts = { stdin: p.stdin, displayName: (f: string) => f.slice(CORPUS_DIR.length + 1) };
  const r = await runCli(['--executor', 'worker', ...args], opts);
  if (ELF_IMAGE_PROGRAMS.has(p.name)) {
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('__ehdr_start');
    return;
  }
  expect({ stdout: r.stdout, status: r.status }).toEqual({
    stdout: text(p.expectedStdout),
    status: p.expectedStatus,
  });
  if (SIGNALS.has(p.name)) {
    expect(r.stderr).toMatch(/^orc-sandbox run: program killed by SIG(SEGV|TRAP) \(status 1[33][39]\): .+\n$/);
    // The same message (reason, faulting pc) as the in-process executor's.
    expect(r.stderr).toBe((await runCli(args, opts)).stderr);
  } else expect(r.stderr).toBe('');
}

/** Worker runs on ts that tests/debug/parity.test.ts makes and asserts (see above). */
const IN_PARITY = new Set(WORKER_CASES.ts);

const multiFile = (p: CorpusProgram) => objects(p.name).filter((f) => !f.startsWith('rt-')).length > 1;

describe('corpus with --executor worker (ts)', () => {
  for (const p of programs) {
    const eager = !IN_PARITY.has(`corpus/${p.name}`);
    const title = eager ? "eager and lazy (all objects but main's) match" : "lazy (all objects but main's) matches";
    it(`${p.name}: ${title} ld.lld + qemu`, async () => {
      if (eager) await corpusCase(p, 'ts', 'eager');
      await corpusCase(p, 'ts', 'all');
      // Lazy program objects only (runtime eager): differs from eager only for multi-file programs.
      if (multiFile(p)) await corpusCase(p, 'ts', 'program');
    });
  }
});

describeWithOracles(['unicorn'], 'corpus with --executor worker (unicorn)', () => {
  for (const p of programs)
    it(`${p.name}: lazy (all objects but main's) matches ld.lld + qemu`, () => corpusCase(p, 'unicorn', 'all'));
});

// ---- lazy scenarios ----------------------------------------------------------------------------

const SCENARIO_DIR = join(dirname(fileURLToPath(import.meta.url)), '../lazy-scenarios');
const SCENARIOS = ['args', 'fnptr', 'mutual', 'data', 'chain20', 'fpheavy', 'callback', 'weakhidden', 'undefined'];
const UNDEFINED_STDERR =
  /^error resolving implementation for stub 0x[0-9a-f]+: Failed to materialize symbols: \{ \(main, \{ bad\$orc_fnbody \}\) \}: In undefined\/obj\/bad\.o: Symbols not found: \[ this_symbol_is_nowhere \]\n$/;

describe('lazy scenarios with --executor worker (ts)', () => {
  it('covers every scenario directory', () => {
    const dirs = readdirSync(SCENARIO_DIR, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !['expected', 'shim'].includes(d.name))
      .map((d) => d.name)
      .sort();
    expect(dirs).toEqual([...SCENARIOS].sort());
  });
  it('the scenarios the parity test runs on the worker exist', () => {
    for (const id of IN_PARITY) if (id.startsWith('lazy/')) expect(SCENARIOS).toContain(id.slice('lazy/'.length));
  });
  for (const name of SCENARIOS.filter((n) => !IN_PARITY.has(`lazy/${n}`))) {
    it(`${name}: main.o eager, every other object -lazy, matches ld.lld + qemu`, async () => {
      const dir = join(SCENARIO_DIR, name, 'obj');
      const others = readdirSync(dir)
        .filter((f) => f.endsWith('.o') && f !== 'main.o')
        .sort();
      const r = await runCli(
        ['--executor', 'worker', join(dir, 'main.o'), ...others.flatMap((o) => ['-lazy', join(dir, o)])],
        {
          displayName: (f) => f.slice(SCENARIO_DIR.length + 1),
        },
      );
      expect({ stdout: r.stdout, status: r.status }).toEqual({
        stdout: readFileSync(join(SCENARIO_DIR, 'expected', `${name}.out`), 'utf8'),
        status: Number(readFileSync(join(SCENARIO_DIR, 'expected', `${name}.status`), 'utf8').trim()),
      });
      if (name === 'undefined') expect(r.stderr).toMatch(UNDEFINED_STDERR);
      else expect(r.stderr).toBe('');
    });
  }
});
