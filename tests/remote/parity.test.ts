/**
 * `--executor worker` (engine + executor runtime in a worker thread, ORC in the main thread) gives
 * the same stdout, stderr and exit status as the in-process executor: the lazy demo and the
 * tests/lazy fixtures, on ts and (with the oracle) unicorn. In process is the same session over an
 * in-process EPC (direct calls); the worker's goes through messages.
 *
 * Each case runs `run`'s code path (runCommand) in this process, for both executors; the first
 * case and the option check also run the real `orc-sandbox` command, whose output must equal the
 * in-process call's (one process start costs about 0.4 s of CPU, 32 of them were a quarter of this
 * file's time).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeWithOracles } from '../support/oracles.ts';
import { runCli } from './support.ts';

const bin = fileURLToPath(new URL('../../bin/orc-sandbox.js', import.meta.url));
const lazyObjs = fileURLToPath(new URL('../lazy/fixtures/obj/', import.meta.url));
const demoObjs = fileURLToPath(new URL('../../examples/lazy-demo/obj/', import.meta.url));

type Outcome = { status: number | null; stdout: string; stderr: string };

/** The real command, objects named relative to `cwd`. */
function runProcess(cwd: string, args: string[]): Outcome {
  const r = spawnSync(process.execPath, [bin, 'run', ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  // Host time differs between runs.
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(/host \d+ us/g, 'host N us') };
}

/** runCommand in this process; objects by absolute path, shown as the command in `cwd` shows them. */
async function runInProcess(cwd: string, args: string[]): Promise<Outcome> {
  const inputs = args.map((a) => (a.endsWith('.o') ? join(cwd, a) : a));
  return runCli(inputs, { displayName: (f) => (f.startsWith(cwd) ? f.slice(cwd.length) : f) });
}

const DEMO = [
  '--show-linked-files',
  '--trace',
  'lazy',
  'main.o',
  '-lazy',
  'greet.o',
  '-lazy',
  'math.o',
  '-lazy',
  'data.o',
  '-lazy',
  'rarely.o',
];
const LAZY_LINK_ALL = [
  'lazy-link.o',
  '-lazy',
  'foo-ret-42.o',
  '-lazy',
  'var-x-42.o',
  '-lazy',
  'bar-ret-void-weak.o',
  '--lazy',
  'baz-ret-void-hidden.o',
];

const CASES: { name: string; cwd: string; args: string[]; status?: number }[] = [
  { name: 'the lazy demo', cwd: demoObjs, args: DEMO, status: 0 },
  { name: 'the lazy demo calling rarely() (argv)', cwd: demoObjs, args: [...DEMO, '--', 'x'] },
  {
    name: 'lazy-link (weak, hidden, data)',
    cwd: lazyObjs,
    args: ['--show-linked-files', ...LAZY_LINK_ALL],
    status: 84,
  },
  { name: 'lazy-link --trace lazy', cwd: lazyObjs, args: ['--trace', 'lazy', ...LAZY_LINK_ALL], status: 84 },
  { name: 'lazy-link -noexec', cwd: lazyObjs, args: ['--noexec', '--show-linked-files', ...LAZY_LINK_ALL], status: 0 },
  {
    name: 'a body with an undefined symbol (abort, 134)',
    cwd: lazyObjs,
    args: ['calls-bad.o', '-lazy', 'good.o', '-lazy', 'bad.o'],
    status: 134,
  },
  { name: 'a missing lazy body', cwd: lazyObjs, args: ['--trace', 'lazy', 'calls-missing.o', '-lazy', 'good.o'] },
  { name: 'an unresolvable entry (link error)', cwd: lazyObjs, args: ['good.o'] },
];

for (const engine of ['ts', 'unicorn'] as const) {
  const body = () => {
    for (const [i, c] of CASES.entries()) {
      it(`${c.name}: worker == in-process`, async () => {
        const args = ['--engine', engine, ...c.args];
        const inProcess = await runInProcess(c.cwd, ['--executor', 'in-process', ...args]);
        const worker = await runInProcess(c.cwd, ['--executor', 'worker', ...args]);
        if (c.status !== undefined) expect(inProcess.status).toBe(c.status);
        expect(worker).toEqual(inProcess);
        if (i === 0) {
          // The command itself, both executors: what the in-process call gave.
          expect(runProcess(c.cwd, ['--executor', 'in-process', ...args])).toEqual(inProcess);
          expect(runProcess(c.cwd, ['--executor', 'worker', ...args])).toEqual(inProcess);
        }
      });
    }
  };
  if (engine === 'ts') describe('--executor worker (ts)', body);
  else describeWithOracles(['unicorn'], '--executor worker (unicorn)', body);
}

describe('--executor option', () => {
  it('rejects an unknown executor', () => {
    const r = runProcess(demoObjs, ['--executor', 'remote', 'main.o']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--executor must be in-process or worker/);
  });
});
