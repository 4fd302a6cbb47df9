/**
 * IntervalMap against a point-by-point model: after any sequence of set/remove (with chunks of 2
 * to 4 entries, so splits and emptied chunks happen all the time), every point's value, the
 * interval list (sorted, disjoint, equal neighbours merged), the walks up and down, covers/isFree
 * and the count agree with the model.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntervalMap } from '../../src/emu/intervals.ts';

const POINTS = 64;

const op = fc.record({
  remove: fc.boolean(),
  lo: fc.integer({ min: 0, max: POINTS - 1 }),
  len: fc.integer({ min: 1, max: 12 }),
  value: fc.integer({ min: 0, max: 2 }),
});

function modelRuns(model: (number | undefined)[]): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let p = 0; p < POINTS; p++) {
    const v = model[p];
    if (v === undefined) continue;
    const last = out[out.length - 1];
    if (last && last[1] === p && last[2] === v) last[1] = p + 1;
    else out.push([p, p + 1, v]);
  }
  return out;
}

describe('IntervalMap', () => {
  it('agrees with a point-by-point model', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 4 }), fc.array(op, { maxLength: 80 }), (chunk, ops) => {
        const map = new IntervalMap(chunk);
        const model: (number | undefined)[] = new Array(POINTS).fill(undefined);
        for (const o of ops) {
          const hi = Math.min(POINTS, o.lo + o.len);
          if (o.remove) map.remove(o.lo, hi);
          else map.set(o.lo, hi, o.value);
          for (let p = o.lo; p < hi; p++) model[p] = o.remove ? undefined : o.value;
          const runs: [number, number, number][] = [];
          map.forEach((b, e, v) => {
            runs.push([b, e, v]);
          });
          expect(runs).toEqual(modelRuns(model));
          expect(map.size).toBe(runs.length);
        }
        for (let p = 0; p < POINTS; p++) expect(map.get(p)).toBe(model[p]);
        const lo = ops[0]?.lo ?? 0;
        const hi = Math.min(POINTS, lo + (ops[0]?.len ?? 1));
        const expected = modelRuns(model).filter(([b, e]) => e > lo && b < hi);
        const up: [number, number, number][] = [];
        map.forEachIn(lo, hi, (b, e, v) => {
          up.push([b, e, v]);
          return true;
        });
        expect(up).toEqual(expected);
        const down: [number, number, number][] = [];
        map.forEachDown(hi, (b, e, v) => {
          down.push([b, e, v]);
          return true;
        });
        expect(down).toEqual(
          modelRuns(model)
            .filter(([b]) => b < hi)
            .reverse(),
        );
        const slice = model.slice(lo, hi);
        expect(map.covers(lo, hi)).toBe(slice.every((v) => v !== undefined));
        expect(map.isFree(lo, hi)).toBe(slice.every((v) => v === undefined));
      }),
      { numRuns: 300 },
    );
  });

  it('20,000 top-down intervals of alternating values cost a bounded number of steps each', () => {
    const map = new IntervalMap();
    for (let i = 0; i < 20000; i++) map.set(1e6 - i - 1, 1e6 - i, i & 1);
    expect(map.size).toBe(20000);
    expect(map.stats.steps).toBeLessThan(20000 * 20);
    expect(map.get(1e6 - 20000)).toBe(1);
    expect(map.get(1e6 - 20001)).toBeUndefined();
  });
});
