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
 * engines.
 */
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

/**
 * Cases on the worker executor: every worker start costs about a second (a thread loading the
 * executor's sources), so the worker runs a chosen subset — every lazy scenario kind that crosses
 * the executor boundary differently (reentries, callbacks, a failed lookup, chains), a fault and a
 * trap (the stop, then the signal status), and a program reading stdin — while the in-process
 * executor runs every case.
 */
const WORKER_CASES: Readonly<Record<string, readonly string[]>> = {
  ts: ['lazy/args', 'lazy/callback', 'lazy/chain20', 'lazy/undefined', 'corpus/segv', 'corpus/trap', 'corpus/stdin'],
  unicorn: ['lazy/callback', 'corpus/segv'],
};

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

function paritySuite(config: ParityConfig): void {
  const all = parityCases();
  const chosen = config.executor === 'worker' ? (WORKER_CASES[config.engine] ?? []) : all.map((c) => c.id);
  it('chooses cases that exist', () => {
    for (const id of chosen) expect(all.map((c) => c.id)).toContain(id);
  });
  for (const c of all.filter((x) => chosen.includes(x.id))) {
    const qemu = CORPUS.has(c.id) && config.executor === 'in-process' ? 'run matches ld.lld + qemu; ' : '';
    it(`${c.id}: ${qemu}debug + continue prints what run prints, same status`, async () => {
      const r = await runParityCase(c, config);
      const program = CORPUS.get(c.id);
      if (program && config.executor === 'in-process') expectRunMatchesQemu(program, r, config);
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
