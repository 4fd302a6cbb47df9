/**
 * fuzz-lazy's structural campaign: the unmutated machinery passes every property on drawn cases;
 * a fast subset of the mutant catalogue is found and shrunk to a small case whose replay file
 * reproduces it (the full table: docs/fuzzing-lazy.md).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { campaign } from '../../src/fuzz/lazy/campaign.ts';
import { findMutant, MUTANTS } from '../../src/fuzz/lazy/mutants.ts';
import { printCase } from '../../src/fuzz/lazy/print.ts';
import { calleeOf, caseArb, caseSize, deleteFunction, normalize } from '../../src/fuzz/lazy/program.ts';
import { readCaseFile, writeCaseDir } from '../../src/fuzz/lazy/replay.ts';
import { runCase } from '../../src/fuzz/lazy/runner.ts';
import { describeWithOracles } from '../support/oracles.ts';

describe('fuzz-lazy structural campaign', () => {
  it('normalize is idempotent (a printed/replayed case is the case that ran)', () => {
    fc.assert(
      fc.property(caseArb, (raw) => {
        const once = normalize(raw);
        expect(normalize(once)).toEqual(once);
      }),
      { numRuns: 300 },
    );
  });

  it('deleting a function keeps every other call and operation aimed at the same function', () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), (raw, pick) => {
        const c = normalize(raw);
        const x = pick % c.program.fns.length;
        const d = deleteFunction(c, x);
        if (c.program.fns.length === 1) return;
        const old = (j: number): number => (j >= x ? j + 1 : j);
        const n = d.program.fns.length;
        d.program.fns.forEach((f, i) => {
          const o = c.program.fns[old(i)];
          expect(f.k).toBe(o?.k);
          for (const call of f.calls) {
            const callee = calleeOf(i, call.d, n) as number;
            const was = (o?.calls ?? []).map((oc) => calleeOf(old(i), oc.d, c.program.fns.length));
            expect(was).toContain(old(callee));
          }
        });
        for (const op of d.ops) if (op.kind === 'call') expect(old(op.fn)).not.toBe(x);
      }),
      { numRuns: 300 },
    );
  });

  it('the unmutated machinery passes 20 drawn cases', async () => {
    const r = await campaign({ seed: 3, cases: 20 });
    expect(r.problems ?? []).toEqual([]);
    expect(r.casesRun).toBe(20);
  }, 60_000);

  it('the catalogue holds at least 30 distinct mutants', () => {
    expect(new Set(MUTANTS.map((m) => m.name)).size).toBe(MUTANTS.length);
    expect(MUTANTS.length).toBeGreaterThanOrEqual(30);
  });

  for (const name of [
    'rt-no-restore-x0x1',
    'rt-pop-32',
    'stub-ptr-init-missing',
    'lrm-no-redirect',
    'gate-clobbers-fpcr',
  ]) {
    it(`finds and shrinks mutant ${name}`, async () => {
      const r = await campaign({ seed: 1, cases: 30, mutant: findMutant(name) });
      expect(r.shrunk, `${name} not found in 30 cases`).toBeDefined();
      const size = caseSize(r.shrunk as NonNullable<typeof r.shrunk>);
      expect(size.functions).toBeLessThanOrEqual(3);
      expect(size.operations).toBeLessThanOrEqual(5);
      expect((r.problems ?? []).length).toBeGreaterThan(0);
    }, 60_000);
  }

  it('a replay file reproduces the shrunk failure, and passes without the mutant', async () => {
    const mutant = findMutant('rt-no-restore-x2x3');
    const r = await campaign({ seed: 1, cases: 10, mutant });
    const shrunk = r.shrunk as NonNullable<typeof r.shrunk>;
    expect(shrunk).toBeDefined();
    const file = writeCaseDir(mkdtempSync(join(tmpdir(), 'fuzz-lazy-case-')), shrunk, 'ts', mutant.name);
    const back = readCaseFile(file);
    expect(back.case).toEqual(shrunk);
    expect(back.mutant).toBe(mutant.name);
    expect(await runCase(back.case, { mutant })).toEqual(r.problems);
    expect(await runCase(back.case)).toEqual([]);
    expect(printCase(back.case)).toMatch(/^\/\/ obj0\.o \((lazy|eager)\)\n(u64|struct big [^\n]*) f0\(/);
  }, 60_000);
});

describeWithOracles(['unicorn'], 'fuzz-lazy structural campaign (unicorn)', () => {
  it('passes drawn cases and finds a runtime mutant', async () => {
    expect((await campaign({ engine: 'unicorn', seed: 5, cases: 3 })).problems ?? []).toEqual([]);
    const r = await campaign({ engine: 'unicorn', seed: 1, cases: 30, mutant: findMutant('rt-no-restore-x0x1') });
    expect(r.problems?.[0]).toMatch(/(x0|result|struct via x8) 0x[0-9a-f]+, the eager reference says 0x[0-9a-f]+/);
  }, 60_000);
});
