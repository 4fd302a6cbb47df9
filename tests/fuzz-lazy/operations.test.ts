/**
 * fuzz-lazy's operations beyond call/redirect/remove, each on a hand-written case: the unmutated
 * machinery passes, and the mutant that only this operation can expose is caught. Plus the AAPCS64
 * lowering of struct/HFA signatures and the sliced campaign (threads, shards and merge agree).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeResults, toJson } from '../../src/fuzz/campaign.ts';
import { findMutant } from '../../src/fuzz/lazy/mutants.ts';
import { printCase } from '../../src/fuzz/lazy/print.ts';
import {
  type CallVia,
  caseArb,
  type FnDef,
  type FnSig,
  type FuzzCase,
  lowerSig,
  normalize,
  type Op,
} from '../../src/fuzz/lazy/program.ts';
import { emptyCoverage, runCase } from '../../src/fuzz/lazy/runner.ts';
import { hostCall, hostCallArgs } from '../../src/fuzz/lazy/semantics.ts';
import { runLazyCampaign } from '../../src/fuzz/lazy/slices.ts';
import { FUZZ_LAZY_V8_FLAGS, RERUN_ENV } from '../../src/fuzz/v8-flags.ts';
import { describeWithOracles } from '../support/oracles.ts';

const SIG = lowerSig(['i', 'd'], 0, false);
const fn = (k: number, sig: FnSig = SIG, calls: { d: number; via: CallVia }[] = []): FnDef => ({
  k,
  sig,
  calls,
  tail: null,
});
const twoLazy = (ops: Op[]): FuzzCase =>
  normalize({ program: { fns: [fn(0x1111), fn(0x2222)], objectOf: [0, 1], lazy: [true, true] }, ops });

describe('fuzz-lazy operations', () => {
  it('lowers structs and HFAs by the AAPCS64 rules (a composite that does not fit closes its class)', () => {
    expect(lowerSig(['i', 'i', 'i', 'i', 'i', 'i', 'i', 's', 'i'], 0, false)).toMatchObject({ ints: 7, stack: 3 });
    expect(lowerSig(['s', 'h4', 'i'], 0, false)).toMatchObject({ ints: 3, fps: ['d', 'd', 'd', 'd'], stack: 0 });
    const hfa = lowerSig(['d', 'd', 'd', 'd', 'd', 'd', 'h3', 'd'], 2, true);
    expect(hfa).toMatchObject({ fps: ['d', 'd', 'd', 'd', 'd', 'd'], stack: 4, sret: true, variadic: 2 });
    // Vectors never go to the stack and at most 4 slots are used: what does not fit is dropped.
    expect(lowerSig([...Array(8).fill('q'), 'q', 'i'], 0, false).params).toHaveLength(9);
  });

  it('concurrent first calls on 4 threads link the body once and all resume in it', async () => {
    const c = twoLazy([
      { kind: 'concurrent', fn: 0, seeds: [1, 2, 3, 4], sched: 1, to: null, at: 0 },
      { kind: 'call', fn: 0, seed: 9 },
    ]);
    const coverage = emptyCoverage();
    expect(await runCase(c, { coverage })).toEqual([]);
    expect(coverage.events['threads: 4 calls, first calls']).toBe(1);
    // A resolver that refuses a trampoline already being resolved aborts the second thread.
    const p = await runCase(c, { mutant: findMutant('lrm-reject-concurrent') });
    expect(p[0]).toMatch(/4 threads call f0 .*program aborted \(status 134\)/);
  }, 30_000);

  it('a redirect racing first calls on other threads wins over their resolution', async () => {
    const c = twoLazy([
      { kind: 'concurrent', fn: 0, seeds: [1, 2, 3, 4], sched: 1, to: 1, at: 2 },
      { kind: 'call', fn: 0, seed: 9 },
    ]);
    expect(await runCase(c)).toEqual([]);
    const p = await runCase(c, { mutant: findMutant('lrm-redirect-overwrites') });
    expect(p.join('\n')).toMatch(/a first-call resolution overwrote the newer redirect/);
  }, 30_000);

  it('an injected link failure aborts with status 134 and its cause, stays (ORC error state), and clears with the tracker', async () => {
    const c = twoLazy([
      { kind: 'fail', obj: 0 },
      { kind: 'call', fn: 0, seed: 1 },
      { kind: 'call', fn: 0, seed: 2 },
      { kind: 'remove', obj: 0 },
      { kind: 'readd', obj: 0 },
      { kind: 'call', fn: 0, seed: 3 },
    ]);
    expect(c.ops).toHaveLength(6);
    const coverage = emptyCoverage();
    expect(await runCase(c, { coverage })).toEqual([]);
    expect(coverage.events['call aborted by an injected link failure']).toBe(2);
    expect(printCase(c)).toMatch(/aborts \(134\): injected link failure of obj0\.o/);
    expect((await runCase(c, { mutant: findMutant('lrm-failure-sticky') }))[0]).toMatch(
      /^op #5 \(call f0 seed 3\): program aborted \(status 134\)/,
    );
    expect((await runCase(c, { mutant: findMutant('lrm-error-no-cause') }))[0]).toMatch(
      /^op #1 .*lacks the root cause 'injected link failure of obj0\.o'/,
    );
  }, 30_000);

  it('a patched body runs its new code (the decoded-block cache notices the write)', async () => {
    for (const lazy of [true, false]) {
      const c = normalize({
        program: { fns: [fn(0x1111)], objectOf: [0], lazy: [lazy] },
        ops: [
          { kind: 'call', fn: 0, seed: 1 },
          { kind: 'patch', fn: 0, k: 0xabcd1234 },
          { kind: 'call', fn: 0, seed: 1 },
        ],
      });
      expect(await runCase(c)).toEqual([]);
      expect((await runCase(c, { mutant: findMutant('icache-no-invalidate') }))[0]).toMatch(
        /^op #2 .*eager reference says/,
      );
    }
  }, 30_000);

  it('a struct returned through x8 survives the reentry; host callbacks reenter through the stub', async () => {
    const big = lowerSig(['i', 's', 'h2'], 1, true);
    const ints = lowerSig(['i', 'i'], 0, false);
    const c = normalize({
      program: {
        fns: [
          fn(0x1111, SIG, [
            { d: 0, via: 'host' },
            { d: 1, via: 'direct' },
          ]),
          fn(0x2222, ints),
          fn(0x3333, big),
        ],
        objectOf: [0, 1, 1],
        lazy: [false, true],
      },
      ops: [
        { kind: 'call', fn: 0, seed: 1 },
        { kind: 'call', fn: 2, seed: 2 },
      ],
    });
    expect(c.program.fns[0]?.calls.map((x) => x.via)).toEqual(['host', 'direct']);
    const coverage = emptyCoverage();
    expect(await runCase(c, { coverage })).toEqual([]);
    expect(Object.keys(coverage.reentryStates).sort()).toEqual(['x2', 'x3 v2:dd x8']);
    expect((await runCase(c, { mutant: findMutant('rt-no-restore-x8x9') }))[0]).toMatch(/^op #0 /);
    expect(printCase(c)).toMatch(
      /struct big \/\* 24 bytes, via x8 \*\/ f2\(u64 p0, struct pair \/\* \{u64, u64\} \*\/ p1, \.\.\./,
    );
  }, 30_000);

  it('the sliced campaign gives the same totals on 1 or 2 threads and as 2 merged shards', async () => {
    const params = { seed: 11, cases: 8, engine: 'ts' as const, mutant: null, orcRuntime: null, keepFailures: 3 };
    const one = await runLazyCampaign({ params, jobs: 1 });
    const two = await runLazyCampaign({ params, jobs: 2 });
    const shards = await Promise.all(
      [1, 2].map((index) => runLazyCampaign({ params, jobs: 1, shard: { index, count: 2 } })),
    );
    const merged = mergeResults(shards.map((s, i) => ({ result: s.result, where: `shard ${i + 1}` })));
    const body = (r: typeof one.result) => {
      const { runs: _runs, ...rest } = toJson(r);
      return rest;
    };
    expect(one.result.totals.cases).toBe(8);
    expect(one.result.totals.failed).toBe(0);
    expect(body(two.result)).toEqual(body(one.result));
    expect(body(merged)).toEqual(body(one.result));
    const strip = (ls: typeof one.lines) => ls.map(({ ms: _ms, ...l }) => l);
    expect(strip(two.lines)).toEqual(strip(one.lines));
    expect(Object.keys(one.result.totals.reentryPcs as object).length).toBe(66);
  }, 120_000);

  it('the CLI reruns a campaign in a node with the campaign V8 flags, with the in-process case lines', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'fuzz-lazy-v8-')), 'c.jsonl');
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const env = { ...process.env };
    delete env[RERUN_ENV];
    // One job per core: the campaign takes every core, so the CLI reruns it with the flags.
    const jobs = availableParallelism();
    const args = ['fuzz-lazy', '--structural', '--cases', '8', '--seed', '11', '--jobs', String(jobs), '--out', out];
    const r = spawnSync(process.execPath, [join(root, 'bin/orc-sandbox.js'), ...args], { encoding: 'utf8', env });
    expect(r.status, r.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const result = lines.pop();
    expect(result.runs[0].v8Flags).toEqual(FUZZ_LAZY_V8_FLAGS);
    expect(result.runs[0].jobs).toBe(jobs);
    const params = { seed: 11, cases: 8, engine: 'ts' as const, mutant: null, orcRuntime: null, keepFailures: 5 };
    const here = await runLazyCampaign({ params, jobs: 1 });
    expect(here.result.runs[0]?.v8Flags).toBeUndefined();
    const strip = (ls: { ms?: number }[]) => ls.map(({ ms: _ms, ...l }) => l);
    expect(strip(lines)).toEqual(strip(here.lines));
    expect(result.cases).toBe(8);
  }, 60_000);
});

describeWithOracles(['unicorn'], 'fuzz-lazy operations (unicorn)', () => {
  it('threads racing a redirect and a failed link behave as on ts', async () => {
    const race = twoLazy([
      { kind: 'concurrent', fn: 0, seeds: [1, 2, 3, 4], sched: 1, to: 1, at: 2 },
      { kind: 'fail', obj: 0 },
      { kind: 'call', fn: 0, seed: 9 },
      { kind: 'remove', obj: 0 },
    ]);
    expect(await runCase(race, { engine: 'unicorn' })).toEqual([]);
  }, 30_000);

  // Found by fuzz-lazy: the unicorn engine's memWrite kept Unicorn's translated blocks of the
  // written code, so a patched body ran its old code; memWrite now drops them on executable pages.
  it('a patched body runs its new code', async () => {
    const c = normalize({
      program: { fns: [fn(0x1111)], objectOf: [0], lazy: [false] },
      ops: [
        { kind: 'call', fn: 0, seed: 1 },
        { kind: 'patch', fn: 0, k: 0xabcd1234 },
        { kind: 'call', fn: 0, seed: 1 },
      ],
    });
    expect(await runCase(c, { engine: 'unicorn' })).toEqual([]);
  }, 30_000);
});

describe('host call values', () => {
  it("hostCallArgs gives a call's arguments as hostCall draws them (its first draws)", () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 0, max: 2 ** 31 - 1 }), (c, seed) => {
        for (const f of c.program.fns) expect(hostCallArgs(f, seed)).toEqual(hostCall(f, seed).args);
      }),
      { numRuns: 200, seed: 5 },
    );
  });
});
