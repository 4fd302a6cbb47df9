/**
 * `fuzz-lazy --objects DIR`: users' own objects (tests/fuzz-lazy/fixtures/objects: C built by
 * clang-16 -O2, with a sidecar declaring `u64 f(u64 × n)`) called by generated programs directly,
 * through pointers and through host callbacks, lazily linked and eagerly; every property holds and
 * the reference values come from an eager reference session.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { campaign } from '../../src/fuzz/lazy/campaign.ts';
import { findMutant } from '../../src/fuzz/lazy/mutants.ts';
import { normalize, userCaseArb } from '../../src/fuzz/lazy/program.ts';
import { runCase } from '../../src/fuzz/lazy/runner.ts';
import { loadUserObjects, UserObjectsError, UserReference } from '../../src/fuzz/lazy/user-objects.ts';
import { describeWithOracles } from '../support/oracles.ts';

const DIR = join(import.meta.dirname, 'fixtures/objects');
const objects = loadUserObjects(DIR);
const draw = (seed: number, n: number) =>
  fc
    .sample(
      userCaseArb(
        objects.fns,
        objects.objects.map((o) => o.name),
      ),
      { seed, numRuns: n },
    )
    .map(normalize);

describe('fuzz-lazy --objects', () => {
  const reference = new UserReference(objects, 'ts');
  afterAll(() => reference.close());

  it('reads the sidecar: names and arities', () => {
    expect(objects.fns).toEqual([
      { name: 'mix1', ints: 1, obj: 0 },
      { name: 'add3', ints: 3, obj: 0 },
      { name: 'fold8', ints: 8, obj: 0 },
    ]);
  });

  it('the reference session computes the C functions (values worked out by hand from userfns.c)', async () => {
    // add3(a, b, c) = a + ror(b, 13) - (c ^ 0x5555)
    expect(await reference.value('add3', [1n, 1n << 13n, 0x5555n])).toBe(2n);
    // mix1(0) = 0; fold8: x = ror(1 ^ 0, 7) + 0 ..., times (h | 1) = 1
    expect(await reference.value('mix1', [0n])).toBe(0n);
    expect(await reference.value('fold8', [1n, 0n, 0n, 0n, 0n, 0n, 0n, 0n])).toBe(1n << 43n);
  });

  it('rejects a directory whose object lacks a sidecar', () => {
    const d = mkdtempSync(join(tmpdir(), 'fz-objects-'));
    writeFileSync(join(d, 'x.o'), new Uint8Array(4));
    expect(() => loadUserObjects(d)).toThrow(UserObjectsError);
    expect(() => loadUserObjects(d)).toThrow(/x\.o has no sidecar/);
  });

  it('drawn cases call the user functions every way, lazily and eagerly, and pass (ts)', async () => {
    const cases = draw(11, 40);
    const vias = new Set<string>();
    const modes = new Set<boolean>();
    let run = 0;
    for (const c of cases) {
      const calls = c.program.fns.flatMap((f) => f.calls.filter((x) => x.u !== undefined));
      if (calls.length === 0 || !c.ops.some((o) => o.kind === 'call' || o.kind === 'concurrent')) continue;
      for (const x of calls) vias.add(x.via);
      for (const o of c.program.user?.objects ?? []) modes.add(o.lazy);
      run++;
      expect(await runCase(c, { engine: 'ts', user: { objects, reference } })).toEqual([]);
    }
    expect(run).toBeGreaterThan(10);
    expect([...vias].sort()).toEqual(['direct', 'host', 'pointer']);
    expect([...modes].sort()).toEqual([false, true]);
  }, 120_000);

  it('a short campaign with --objects passes on ts', async () => {
    const r = await campaign({ engine: 'ts', seed: 3, cases: 8, user: { objects, reference } });
    expect(r.problems ?? []).toEqual([]);
    expect(r.casesRun).toBe(8);
  }, 120_000);

  it('a mutant is still found when user objects are mixed in (rt-no-restore-x0x1)', async () => {
    const mutant = findMutant('rt-no-restore-x0x1');
    let found = 0;
    for (const c of draw(12, 30)) {
      if ((await runCase(c, { engine: 'ts', user: { objects, reference }, mutant })).length > 0) found++;
    }
    expect(found).toBeGreaterThan(0);
  }, 120_000);
});

describeWithOracles(['unicorn'], 'fuzz-lazy --objects (unicorn)', () => {
  const reference = new UserReference(objects, 'unicorn');
  afterAll(() => reference.close());
  it('a short campaign with --objects passes on unicorn', async () => {
    const r = await campaign({ engine: 'unicorn', seed: 3, cases: 8, user: { objects, reference } });
    expect(r.problems ?? []).toEqual([]);
    expect(r.casesRun).toBe(8);
  }, 120_000);

  it('drawn cases with user objects pass on the unicorn engine', async () => {
    let run = 0;
    for (const c of draw(13, 12)) {
      if (!c.program.fns.some((f) => f.calls.some((x) => x.u !== undefined))) continue;
      run++;
      expect(await runCase(c, { engine: 'unicorn', user: { objects, reference } })).toEqual([]);
    }
    expect(run).toBeGreaterThan(3);
  }, 120_000);
});
