/**
 * The run side of the run/debug parity test (issue 10): the e2e corpus programs (eager, from their
 * per-source-file objects) and the lazy scenarios (main.o eager, every other object -lazy), each
 * as the argument list `orc-sandbox run` takes, and a runner that gives what `run` prints and its
 * status, in process, for a given engine and executor. `debug` with `continue` over the same
 * arguments must print exactly this and end with the same status.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../../src/cli/commands/run.ts';
import type { EngineKind } from '../../src/emu/engine.ts';
import type { ExecutorKind } from '../../src/orc/epc/epc.ts';
import { CORPUS_DIR, corpusPrograms } from '../programs/corpus.ts';

const SCENARIO_DIR = fileURLToPath(new URL('../lazy-scenarios/', import.meta.url));
const REPO = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

export interface ParityCase {
  /** `corpus/<program>` or `lazy/<scenario>`. */
  id: string;
  /** Inputs (absolute paths, `-lazy` markers) and `-- args`: what follows the options. */
  args: string[];
  /** What the program reads on fd 0. */
  stdin: Uint8Array;
  /** Input names as diagnostics and `Linking …` lines show them (repo-relative paths). */
  displayName: (file: string) => string;
}

export interface ParityConfig {
  engine: EngineKind;
  executor: ExecutorKind;
}

/** Both engines × both executors (unicorn needs the oracle: callers gate it with describeWithOracles). */
export const PARITY_CONFIGS: readonly ParityConfig[] = [
  { engine: 'ts', executor: 'in-process' },
  { engine: 'ts', executor: 'worker' },
  { engine: 'unicorn', executor: 'in-process' },
  { engine: 'unicorn', executor: 'worker' },
];

/**
 * Cases on the worker executor: every worker start costs about a second (a thread loading the
 * executor's sources), so the worker runs a chosen subset — every lazy scenario kind that crosses
 * the executor boundary differently (reentries, callbacks, a failed lookup, chains), a fault and a
 * trap (the stop, then the signal status), and a program reading stdin — while the in-process
 * executor runs every case. On ts, these worker runs are also the worker differential of
 * tests/remote/corpus-worker.test.ts for the same programs (eager) and scenarios, asserted in
 * tests/debug/parity.test.ts, where the run is made anyway.
 */
export const WORKER_CASES: Readonly<Record<string, readonly string[]>> = {
  ts: ['lazy/args', 'lazy/callback', 'lazy/chain20', 'lazy/undefined', 'corpus/segv', 'corpus/trap', 'corpus/stdin'],
  unicorn: ['lazy/callback', 'corpus/segv'],
};

export interface RunOutcome {
  stdout: string;
  stderr: string;
  status: number;
}

const displayName = (file: string) => (file.startsWith(`${REPO}/`) ? file.slice(REPO.length + 1) : file);
const objectsIn = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.o'))
    .sort();

/** The corpus programs and the lazy scenarios, in a fixed order. */
export function parityCases(): ParityCase[] {
  const corpus = corpusPrograms().map((p) => {
    const dir = join(CORPUS_DIR, 'obj', p.name);
    return {
      id: `corpus/${p.name}`,
      args: [...objectsIn(dir).map((f) => join(dir, f)), '--', ...p.args],
      stdin: p.stdin,
      displayName,
    };
  });
  const scenarios = readdirSync(SCENARIO_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'expected')
    .map((d) => d.name)
    .filter((name) => existsSync(join(SCENARIO_DIR, name, 'obj', 'main.o')))
    .sort()
    .map((name) => {
      const dir = join(SCENARIO_DIR, name, 'obj');
      const others = objectsIn(dir).filter((f) => f !== 'main.o');
      return {
        id: `lazy/${name}`,
        args: [join(dir, 'main.o'), ...others.flatMap((f) => ['-lazy', join(dir, f)])],
        stdin: new Uint8Array(0),
        displayName,
      };
    });
  return [...corpus, ...scenarios];
}

/**
 * `orc-sandbox run --engine E --executor X <case args>` through the CLI's code path (runCommand);
 * an error the CLI would report (main.ts) becomes its line on stderr and status 1.
 */
export async function runParityCase(c: ParityCase, config: ParityConfig): Promise<RunOutcome> {
  let stdout = '';
  let stderr = '';
  let status: number;
  try {
    status = await runCommand(['--engine', config.engine, '--executor', config.executor, ...c.args], {
      write: (s) => {
        stdout += s;
      },
      writeErr: (s) => {
        stderr += s;
      },
      stdin: c.stdin,
      displayName: c.displayName,
    });
  } catch (e) {
    stderr += `orc-sandbox run: ${(e as Error).name}: ${(e as Error).message}\n`;
    status = 1;
  }
  return { stdout, stderr, status };
}
