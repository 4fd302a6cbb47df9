/**
 * run/debug parity: for every program of the C corpus (tests/programs) and every lazy scenario
 * (tests/lazy-scenarios), `orc-sandbox debug … --commands [continue]` gives the program exactly the
 * stdout and stderr `orc-sandbox run` gives it, and ends with the same status — on both engines and
 * both executors. In-process calls of both commands (runCommand, debugCommand), no spawns; the run
 * side is tests/support/run-parity.ts.
 *
 * The in-process run of each corpus program is also the eager corpus differential (formerly in
 * tests/e2e/run-corpus.test.ts, which made the same run a second time): its stdout and status are
 * those of ld.lld + qemu-aarch64 (`tests/programs/expected`), `hello` and `pie` fail naming
 * `__ehdr_start` (no ELF image), `segv` and `trap` end with run's signal message, the same on both
 * engines. Likewise the ts engine's worker runs (WORKER_CASES) are the worker differential of
 * tests/remote/corpus-worker.test.ts for those programs (eager) and scenarios.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { debugCommand } from '../../src/cli/commands/debug.ts';
import { type CorpusProgram, corpusPrograms, ELF_IMAGE_PROGRAMS, SIGNAL_MESSAGES } from '../programs/corpus.ts';
import { describeWithOracles } from '../support/oracles.ts';
import {
  PARITY_CONFIGS,
  type ParityCase,
  type ParityConfig,
  parityCases,
  type RunOutcome,
  runParityCase,
  WORKER_CASES,
} from '../support/run-parity.ts';

/** `debug` with `continue`; the program's stdout apart from the debugger's transcript. */
async function debugParityCase(c: ParityCase, config: ParityConfig): Promise<RunOutcome & { transcript: string }> {
  const o = { stdout: '', stderr: '', status: 0, transcript: '' };
  try {
    o.status = await debugCommand(['--engine', config.engine, '--executor', config.executor, ...c.args], {
      write: (s) => {
        o.transcript += s;
      },
      programStdout: (s) => {
        o.stdout += s;
      },
      writeErr: (s) => {
        o.stderr += s;
      },
      stdin: c.stdin,
      displayName: c.displayName,
      // A fault first stops the program (as gdb: `Program received signal …`); the second
      // continue lets it die (or, after an exit, says the program is not being run).
      commands: ['continue', 'continue'],
    });
  } catch (e) {
    // As the CLI reports it (main.ts), under run's name for the comparison.
    o.stderr += `orc-sandbox run: ${(e as Error).name}: ${(e as Error).message}\n`;
    o.status = 1;
  }
  return o;
}

const CORPUS = new Map(corpusPrograms().map((p) => [`corpus/${p.name}`, p]));
const text = (b: Uint8Array) => new TextDecoder().decode(b);
/** Signal messages on the ts engine, compared with unicorn's (same pc, same reason). */
const tsSignalMessages = new Map<string, string>();

/** The eager corpus differential: `run`'s outcome against ld.lld + qemu-aarch64. */
function expectRunMatchesQemu(p: CorpusProgram, r: RunOutcome, config: ParityConfig): void {
  if (ELF_IMAGE_PROGRAMS.has(p.name)) {
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Symbols not found: [ __ehdr_start ]');
    return;
  }
  const signal = SIGNAL_MESSAGES[p.name];
  expect({ stdout: r.stdout, status: r.status, stderr: signal ? '' : r.stderr }).toEqual({
    stdout: text(p.expectedStdout),
    status: p.expectedStatus,
    stderr: '',
  });
  if (signal) {
    expect(r.stderr).toMatch(signal);
    if (config.engine === 'ts') tsSignalMessages.set(p.name, r.stderr);
    else if (tsSignalMessages.has(p.name)) expect(r.stderr).toBe(tsSignalMessages.get(p.name));
  }
}

const SCENARIO_DIR = fileURLToPath(new URL('../lazy-scenarios/', import.meta.url));
/** stderr of lazy/undefined: the runtime's message naming the symbol bad.o lacks (names from the repo root). */
const UNDEFINED_STDERR =
  /^error resolving implementation for stub 0x[0-9a-f]+: Failed to materialize symbols: \{ \(main, \{ bad\$orc_fnbody \}\) \}: In tests\/lazy-scenarios\/undefined\/obj\/bad\.o: Symbols not found: \[ this_symbol_is_nowhere \]\n$/;

/**
 * The worker differential: `run --executor worker` gives the stdout and status of ld.lld + qemu
 * (tests/programs/expected, tests/lazy-scenarios/expected), a fatal signal with the in-process
 * executor's message (reason, faulting pc), no other stderr but the undefined scenario's message.
 */
async function expectWorkerRunMatchesQemu(c: ParityCase, r: RunOutcome): Promise<void> {
  const program = CORPUS.get(c.id);
  if (program) {
    if (ELF_IMAGE_PROGRAMS.has(program.name)) {
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('__ehdr_start');
      return;
    }
    expect({ stdout: r.stdout, status: r.status }).toEqual({
      stdout: text(program.expectedStdout),
      status: program.expectedStatus,
    });
    const signal = SIGNAL_MESSAGES[program.name];
    if (!signal) expect(r.stderr).toBe('');
    else {
      expect(r.stderr).toMatch(signal);
      const inProcess =
        tsSignalMessages.get(program.name) ?? (await runParityCase(c, { engine: 'ts', executor: 'in-process' })).stderr;
      expect(r.stderr).toBe(inProcess);
    }
    return;
  }
  const name = c.id.slice('lazy/'.length);
  expect({ stdout: r.stdout, status: r.status }).toEqual({
    stdout: readFileSync(join(SCENARIO_DIR, 'expected', `${name}.out`), 'utf8'),
    status: Number(readFileSync(join(SCENARIO_DIR, 'expected', `${name}.status`), 'utf8').trim()),
  });
  if (name === 'undefined') expect(r.stderr).toMatch(UNDEFINED_STDERR);
  else expect(r.stderr).toBe('');
}

function paritySuite(config: ParityConfig): void {
  const all = parityCases();
  const chosen = config.executor === 'worker' ? (WORKER_CASES[config.engine] ?? []) : all.map((c) => c.id);
  it('chooses cases that exist', () => {
    for (const id of chosen) expect(all.map((c) => c.id)).toContain(id);
  });
  for (const c of all.filter((x) => chosen.includes(x.id))) {
    const workerDifferential = config.engine === 'ts' && config.executor === 'worker';
    const qemu =
      (CORPUS.has(c.id) && config.executor === 'in-process') || workerDifferential ? 'run matches ld.lld + qemu; ' : '';
    it(`${c.id}: ${qemu}debug + continue prints what run prints, same status`, async () => {
      const r = await runParityCase(c, config);
      const program = CORPUS.get(c.id);
      if (program && config.executor === 'in-process') expectRunMatchesQemu(program, r, config);
      if (workerDifferential) await expectWorkerRunMatchesQemu(c, r);
      const d = await debugParityCase(c, config);
      expect({ stdout: d.stdout, stderr: d.stderr, status: d.status }).toEqual(r);
      // The debugger's own lines: the echo and gdb's end-of-program line (none when linking failed).
      if (r.status === 1 && r.stderr.startsWith('orc-sandbox run:')) expect(d.transcript).toBe('');
      else
        expect(d.transcript).toMatch(
          r.status > 128
            ? /^\(orc\) continue\n(\nProgram received signal SIG[A-Z]+, .*\.\n(.*\n)*\(orc\) continue\n)?\nProgram terminated with signal SIG[A-Z]+, .*\.\nThe program no longer exists\.\n(\(orc\) continue\nThe program is not being run\.\n)?$/
            : /^\(orc\) continue\n\[Inferior 1 \(process 1\) exited (normally|with code [0-7]+)\]\n\(orc\) continue\nThe program is not being run\.\n$/,
        );
    });
  }
}

for (const config of PARITY_CONFIGS) {
  const title = `run/debug parity (${config.engine} engine, ${config.executor} executor)`;
  if (config.engine === 'unicorn') describeWithOracles(['unicorn'], title, () => paritySuite(config));
  else describe(title, () => paritySuite(config));
}
