/**
 * The AdvSIMD three-same rows described by a lane expression (SameOp.e) run as ops generated per
 * (row, element size, width) that read and write the register file in place (three_same.ts
 * laneOp). Each such form, at every size and width it has, runs against native Unicorn from random
 * registers, with the destination often one of the sources (lanes written while others are still
 * to be read) and with shift amounts over the whole byte range (USHL/SSHL/URSHL/SRSHL by 32 and
 * more).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SAME } from '../../src/emu/ts/isa/simd/three_same.ts';
import { compare, drawState, FuzzBench } from '../../src/fuzz/isa/fuzzer.ts';
import { Rng } from '../../src/fuzz/isa/prng.ts';
import { describeWithOracles } from '../support/oracles.ts';
import { enc } from '../unit/isa-simd-support.ts';

const ROWS = SAME.filter((o) => o.e !== undefined);

/** Every (row, size, width) the encoding allows: sizes from vsz, no 64-bit lanes in a D register. */
const FORMS = ROWS.flatMap((o) =>
  [0, 1, 2, 3].flatMap((size) =>
    ((o.vsz >> size) & 1) === 1 ? [0, 1].filter((q) => !(size === 3 && q === 0)).map((q) => ({ o, size, q })) : [],
  ),
);

describeWithOracles(['unicorn'], 'AdvSIMD lane-expression ops vs native Unicorn', () => {
  let bench: FuzzBench;
  beforeAll(async () => {
    bench = await FuzzBench.open(5);
  });
  afterAll(() => bench?.close());

  it('cover the rows that never saturate, at every size', () => {
    expect(ROWS.map((o) => o.name).sort()).toEqual(
      [
        'add',
        'cmeq',
        'cmge',
        'cmgt',
        'cmhi',
        'cmhs',
        'cmtst',
        'mla',
        'mls',
        'mul',
        'saba',
        'sabd',
        'shadd',
        'shsub',
        'smax',
        'smin',
        'srhadd',
        'srshl',
        'sshl',
        'sub',
        'uaba',
        'uabd',
        'uhadd',
        'uhsub',
        'umax',
        'umin',
        'urhadd',
        'urshl',
        'ushl',
      ].sort(),
    );
    // 12 rows at four sizes (seven forms each), 17 at three (six each).
    expect(FORMS.length).toBe(186);
  });

  it('end in the same registers as Unicorn, aliased or not', () => {
    const reg = fc.integer({ min: 0, max: 31 });
    fc.assert(
      fc.property(
        fc.constantFrom(...FORMS),
        reg,
        reg,
        reg,
        fc.constantFrom('none', 'd=n', 'd=m', 'n=m', 'all'),
        fc.integer({ min: 0, max: 0x7fffffff }),
        ({ o, size, q }, n0, m0, d0, alias, seed) => {
          const n = alias === 'all' ? d0 : n0;
          const m = alias === 'all' || alias === 'd=m' ? d0 : alias === 'n=m' ? n : m0;
          const d = alias === 'd=n' ? n : d0;
          const word = enc(`${o.name.toUpperCase()}_v`, { q, size, rm: m, rn: n, rd: d });
          const state = drawState(new Rng(seed, 0x5a5e));
          const unicorn = bench.observe('unicorn', word, state);
          const ours = bench.observe('ts', word, state);
          expect(ours.outcome).toBe(unicorn.outcome);
          expect(compare(ours, unicorn), `${o.name} size ${size} q ${q} v${d}, v${n}, v${m}`).toEqual([]);
        },
      ),
      { numRuns: 3000, seed: 0x1a5e },
    );
  });
});
