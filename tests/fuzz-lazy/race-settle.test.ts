/**
 * The reference's settling of threads racing a redirect: a thread whose result is the same under
 * the old and the new binding may have run on either side of the redirect, independently of the
 * other threads. Found by `fuzz-lazy --structural --cases 1600 --seed 1` at case 1259: some threads
 * reentered f0's trampoline before the redirect, others ran f1's body after it and reentered f2,
 * and the reference tried only "all before" and "all after".
 */
import { describe, expect, it } from 'vitest';
import { findMutant } from '../../src/fuzz/lazy/mutants.ts';
import { type FnSig, type FuzzCase, normalize } from '../../src/fuzz/lazy/program.ts';
import { emptyCoverage, runCase } from '../../src/fuzz/lazy/runner.ts';
import { campaignCase } from '../../src/fuzz/lazy/slices.ts';

const NONE: FnSig = { ints: 0, fps: [], stack: 0, params: [], variadic: 0 };

/** Case 1259 of seed 1, shrunk: f0 and f2 lazy (obj0), f1 and f3 eager (obj1); every path ends in f3. */
const shrunk: FuzzCase = normalize({
  program: {
    fns: [
      // f0: calls f3 through a host callback, tail-calls f2 in its own object (no stub).
      { k: 0xa224f07c, sig: NONE, calls: [{ d: 2, via: 'host' }], tail: 1 },
      // f1: calls f3, tail-calls f2 through its stub (reentry).
      { k: 0xacf2a6b2, sig: NONE, calls: [{ d: 1, via: 'direct' }], tail: 0 },
      {
        k: 0xf6d97c6d,
        sig: {
          ints: 5,
          fps: ['d', 'd', 'd', 'd', 'd'],
          stack: 0,
          params: ['i', 'h4', 'd', 'i', 's', 'i'],
          variadic: 3,
        },
        calls: [],
        tail: 0,
      },
      { k: 0x5590f0ca, sig: NONE, calls: [], tail: null },
    ],
    objectOf: [0, 1, 0, 1],
    lazy: [true, false],
  },
  ops: [{ kind: 'concurrent', fn: 0, seeds: [618990701, 885391331, 1867206390], sched: 1789716905, to: 1, at: 10 }],
});

describe('fuzz-lazy: threads racing a redirect', () => {
  it('accepts some threads before the redirect and some after it (seed 1, case 1259, shrunk)', async () => {
    const coverage = emptyCoverage();
    expect(await runCase(shrunk, { coverage })).toEqual([]);
    // The redirect landed among the threads' first calls, not after them: the mixed interleaving.
    expect(coverage.events['redirect raced the threads']).toBe(1);
    expect(coverage.events['threads: 3 calls, first calls']).toBe(1);
  }, 30_000);

  it('accepts the unshrunk case too', async () => {
    const c = campaignCase(1, 1259);
    expect(c.ops[0]).toMatchObject({ kind: 'concurrent', seeds: [618990701, 885391331, 1867206390], to: 2, at: 10 });
    expect(await runCase(c)).toEqual([]);
  }, 30_000);

  it('still rejects a first-call resolution that undoes the racing redirect', async () => {
    const p = await runCase(shrunk, { mutant: findMutant('lrm-redirect-overwrites') });
    expect(p.join('\n')).toMatch(/a first-call resolution overwrote the newer redirect/);
  }, 30_000);
});
