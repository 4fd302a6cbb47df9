/**
 * The campaign layer of the fuzzers (src/fuzz/campaign.ts): slices and shards partition a
 * campaign whatever N is, and merging refuses results that do not belong together.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addCounts,
  addCountsInto,
  CAMPAIGN_FORMAT,
  type CampaignResult,
  type Counts,
  fromJson,
  mergeResults,
  missingSlices,
  parseShard,
  shardSlices,
  sliceCaseIndex,
  sliceCount,
  sliceQuota,
  toJson,
} from '../../src/fuzz/campaign.ts';

describe('slices and shards', () => {
  it('parses K/N and rejects anything else in one line', () => {
    expect(parseShard('1/4')).toEqual({ index: 1, count: 4 });
    expect(parseShard('4/4')).toEqual({ index: 4, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', '1', '1/2/3', 'a/b', '-1/2', ' 1/2'])
      expect(() => parseShard(bad)).toThrow(/--shard expects K\/N with 1 <= K <= N/);
  });

  it('slice counts stay coprime with the class cycle, quotas add up to the total', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200_000 }),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 20 }),
        (total, per, cycle) => {
          const s = sliceCount(total, per, cycle);
          expect(s).toBeGreaterThanOrEqual(1);
          let sum = 0;
          for (let i = 0; i < s; i++) sum += sliceQuota(total, s, i);
          expect(sum).toBe(total);
          // Slice 0 visits every residue of the cycle within `cycle` steps.
          const seen = new Set<number>();
          for (let k = 0; k < cycle; k++) seen.add(sliceCaseIndex(s, 0, k) % cycle);
          expect(seen.size).toBe(cycle);
        },
      ),
      { numRuns: 300, seed: 13 },
    );
  });

  it('the shards of any N partition the slices', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 50 }), (slices, n) => {
        const all = Array.from({ length: n }, (_, k) => shardSlices(slices, { index: k + 1, count: n })).flat();
        expect(all.sort((a, b) => a - b)).toEqual(shardSlices(slices));
      }),
      { numRuns: 300, seed: 14 },
    );
  });

  it('up to one slice of cases, a campaign visits indices 0, 1, 2, … as before slicing', () => {
    expect(sliceCount(250, 250, 13)).toBe(1);
    expect([0, 1, 2].map((k) => sliceCaseIndex(1, 0, k))).toEqual([0, 1, 2]);
    expect(sliceCount(251, 250, 13)).toBe(2);
    expect(sliceCount(13 * 250, 250, 13)).toBe(14); // 13 shares a factor with 13 classes
  });
});

const result = (slices: number[], cases: number, failures: number[], campaign = { seed: 1 }): CampaignResult => ({
  format: CAMPAIGN_FORMAT,
  tool: 'fuzz-isa',
  campaign: { ...campaign, slices: 4, keepFailures: 2 },
  sliceSet: slices,
  totals: { cases, mismatches: failures.length, classes: { fp: { cases, invalid: 1 } } },
  failures: failures.map((index) => ({ index, replay: `--replay 1:${index}` })),
  runs: [
    { shard: 'x', jobs: 1, slices: slices.length, cases, seconds: 1, cpuSeconds: 1, casesPerSecondPerCore: cases },
  ],
});

describe('merging results', () => {
  it('adds counts, keeps the first failures by index and survives the file form', () => {
    const a = fromJson(JSON.parse(JSON.stringify(toJson(result([0, 2], 10, [9, 3])))), 'a.json');
    const b = fromJson(JSON.parse(JSON.stringify(toJson(result([1, 3], 5, [1])))), 'b.json');
    const m = mergeResults([
      { result: a, where: 'a.json' },
      { result: b, where: 'b.json' },
    ]);
    expect(m.totals).toEqual({ cases: 15, mismatches: 3, classes: { fp: { cases: 15, invalid: 2 } } });
    expect(m.failures.map((f) => f.index)).toEqual([1, 3]);
    expect(m.sliceSet).toEqual([0, 1, 2, 3]);
    expect(missingSlices(m)).toEqual([]);
    expect(m.runs).toHaveLength(2);
    expect(toJson(m).complete).toBe(true);
  });

  it('reports missing slices', () => {
    const m = mergeResults([{ result: result([0, 3], 1, []), where: 'a' }]);
    expect(missingSlices(m)).toEqual([1, 2]);
    expect(toJson(m).missingSlices).toEqual([1, 2]);
  });

  it('refuses overlapping slices, other campaigns and other tools', () => {
    expect(() =>
      mergeResults([
        { result: result([0, 1], 1, []), where: 'a.json' },
        { result: result([1], 1, []), where: 'b.json' },
      ]),
    ).toThrow('slice 1 is in both a.json and b.json');
    expect(() =>
      mergeResults([
        { result: result([0], 1, []), where: 'a.json' },
        { result: result([1], 1, [], { seed: 2 }), where: 'b.json' },
      ]),
    ).toThrow(/b\.json is from another campaign than a\.json/);
    expect(() =>
      mergeResults([
        { result: result([0], 1, []), where: 'a.json' },
        { result: { ...result([1], 1, []), tool: 'fuzz-lazy' }, where: 'b.json' },
      ]),
    ).toThrow('b.json is a fuzz-lazy result, a.json a fuzz-isa result');
  });

  it('rejects files that are not results, naming the file', () => {
    expect(() => fromJson({ format: 'x' }, 'f.json')).toThrow(/^f\.json: not a campaign result \(format/);
    const j = toJson(result([0], 1, []));
    expect(() => fromJson({ ...j, slices: [9] }, 'g.json')).toThrow(/g\.json: .*slices/);
    expect(() => fromJson({ ...j, cases: 'many' }, 'h.json')).toThrow(
      "h.json: not a campaign result ('cases' is not a count)",
    );
  });

  it('addCounts refuses a number against a record', () => {
    expect(() => addCounts({ a: 1 }, { a: { b: 1 } })).toThrow(/count 'a'/);
  });

  it('summing in place gives every key its sum, in first-seen order, and shares no record with the parts', () => {
    // Parts of one campaign: the same shape (a few keys, one level of records), any subset present.
    const key = fc.constantFrom('cases', 'pass', 'fail', 'call', 'remove');
    const record = fc.dictionary(key, fc.nat({ max: 1000 }), { maxKeys: 4 });
    const part = fc.record({ cases: fc.nat({ max: 1000 }), ops: record, shapes: record }, { requiredKeys: ['cases'] });
    fc.assert(
      fc.property(fc.array(part, { maxLength: 12 }), (parts) => {
        const snapshot = JSON.stringify(parts);
        const total: Counts = {};
        for (const p of parts) addCountsInto(total, p as Counts);
        // Expected, key by key: the sum over the parts that have it; keys in the order first seen.
        const expected: Record<string, number | Record<string, number>> = {};
        for (const p of parts)
          for (const [k, v] of Object.entries(p)) {
            if (typeof v === 'number') expected[k] = ((expected[k] as number | undefined) ?? 0) + v;
            else {
              if (expected[k] === undefined) expected[k] = {};
              const r = expected[k] as Record<string, number>;
              for (const [kk, vv] of Object.entries(v)) r[kk] = (r[kk] ?? 0) + vv;
            }
          }
        expect(JSON.stringify(total)).toBe(JSON.stringify(expected));
        // The parts are unchanged, and adding more to the total leaves them so.
        addCountsInto(total, { ops: { call: 1 }, shapes: { call: 1 } });
        expect(JSON.stringify(parts)).toBe(snapshot);
        // The pure form agrees with the in-place one.
        expect(parts.reduce<Counts>((a, p) => addCounts(a, p as Counts), {})).toEqual(
          parts.reduce<Counts>((a, p) => addCountsInto(a, p as Counts), {}),
        );
      }),
    );
  });
});
