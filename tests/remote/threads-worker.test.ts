/**
 * Threads under `--executor worker`: the thread scheduler runs in the executor (worker thread), the
 * lazy first calls of several parked threads go to the controller as JIT dispatch messages and come
 * back whenever they come back; the interleaving is fixed by the seed (virtual JIT latencies, one
 * message per turn on both sides), so the output equals the in-process executor's for the same seed.
 */
import { describe, expect, it } from 'vitest';
import type { EngineKind } from '../../src/emu/engine.ts';
import { describeWithOracles } from '../support/oracles.ts';
import { objDir } from '../threads/support.ts';
import { runCli } from './support.ts';

const SEEDS = [0, 1, 2, 3, 4];
const LAZY = [`${objDir}lazy-main.o`, '-lazy', `${objDir}lazy-work.o`];
const displayName = (f: string) => f.slice(objDir.length);
const both = async (args: string[]) => ({
  inProcess: await runCli(args, { displayName }),
  worker: await runCli(['--executor', 'worker', ...args], { displayName }),
});

function lazySuite(engine: EngineKind) {
  for (const seed of SEEDS) {
    it(`four threads, one lazy first call, seed ${seed}: right totals, linked once, == in-process`, async () => {
      const args = ['--engine', engine, '--seed', String(seed), '--show-linked-files', '--trace', 'lazy', ...LAZY];
      const { inProcess, worker } = await both(args);
      expect(worker.status).toBe(0);
      expect(worker.stdout).toContain('thread 0: work(10) = 285\n');
      expect(worker.stdout).toContain('thread 3: work(40) = 20540\n');
      expect(worker.stdout).toContain('total = 31850\n');
      expect(worker.stdout).toMatch(/^order:( [0-3]){4}$/m);
      expect(worker.stdout.split('\n').filter((l) => l === 'Linking lazy-work.o')).toHaveLength(1);
      // Each parked thread's reentry is traced (ts; unicorn reports the first one in process too).
      const traced = worker.stderr.match(/\[lazy\] trampoline 0x[0-9a-f]+: work -> work\$orc_fnbody .* resolved/g);
      if (engine === 'ts') expect(traced).toHaveLength(4);
      expect(worker).toEqual(inProcess);
    });
  }
}

describe('threads in the worker executor (ts)', () => {
  lazySuite('ts');

  it('the seed fixes the interleaving: the same seed twice gives the same run; seeds differ', async () => {
    const args = (seed: number) => ['--executor', 'worker', '--seed', String(seed), ...LAZY];
    const a = await runCli(args(3), { displayName });
    expect(await runCli(args(3), { displayName })).toEqual(a);
    const orders = new Set<string>();
    for (const seed of [0, 1, 2])
      orders.add(/order:.*\n/.exec((await runCli(args(seed), { displayName })).stdout)?.[0] ?? '');
    orders.add(/order:.*\n/.exec(a.stdout)?.[0] ?? '');
    expect(orders.size).toBeGreaterThan(1);
  });

  for (const [prog, seed] of [
    ['counter.o', 1],
    ['atomics.o', 2],
    ['prodcons.o', 5],
    ['once.o', 2],
  ] as const) {
    it(`${prog} (seed ${seed}): == in-process`, async () => {
      const { inProcess, worker } = await both(['--seed', String(seed), '--show-linked-files', `${objDir}${prog}`]);
      expect(inProcess.status).toBe(0);
      expect(worker).toEqual(inProcess);
    });
  }

  it('a deadlock ends the run with the same thread report as in process', async () => {
    const { inProcess, worker } = await both(['--seed', '9', `${objDir}deadlock.o`]);
    expect(worker.status).toBe(1);
    expect(worker.stderr).toMatch(
      /ThreadDeadlock: deadlock: all 3 threads are blocked\n {2}thread 1 \(main\): pthread_join\(thread 2\)/,
    );
    expect(worker).toEqual(inProcess);
  });
});

describeWithOracles(['unicorn'], 'threads in the worker executor (unicorn)', () => lazySuite('unicorn'));
