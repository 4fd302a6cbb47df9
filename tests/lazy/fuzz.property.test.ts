/**
 * Property: lazy linking is invisible to the program. Random generated programs (src/orc/lazy/fuzz.ts),
 * random lazy sets and call sequences with random x0–x8, q0–q31, x19–x28: results and ABI-preserved
 * registers equal an eager link; each body links once, on its first call; pointers end at the bodies.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCase, randomCase } from '../../src/orc/lazy/fuzz.ts';
import { describeWithOracles } from '../support/oracles.ts';

const property = (engine: 'ts' | 'unicorn', runs: number) => async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 0x7fffffff }), async (seed) => {
      const problems = await checkCase(randomCase(seed), engine);
      expect(problems, `replay: orc-sandbox fuzz-lazy --engine ${engine} --seed ${seed} --cases 1`).toEqual([]);
    }),
    { numRuns: runs },
  );
};

describe('lazy vs eager (ts)', () => {
  it('random programs behave identically', property('ts', 60));
});

describeWithOracles(['unicorn'], 'lazy vs eager (unicorn)', () => {
  it('random programs behave identically', property('unicorn', 20));
});
