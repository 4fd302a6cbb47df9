/**
 * Differential ISA fuzzing, ts engine vs unicorn engine: 20,000 cases across every encoding class
 * with seed 11 must show no mismatch. On failure the message lists per-class numbers and the first
 * reproducers (`orc-sandbox fuzz-isa --replay 11:INDEX`).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CODE, compare, DATA, drawState, FuzzBench, formatReport, runCampaign } from '../../src/fuzz/isa/fuzzer.ts';
import { Rng } from '../../src/fuzz/isa/prng.ts';
import { describeWithOracles } from '../support/oracles.ts';

describeWithOracles(['unicorn'], 'fuzz-isa: ts engine vs unicorn engine', () => {
  let bench: FuzzBench;
  beforeAll(async () => {
    bench = await FuzzBench.open(11);
  });
  afterAll(() => bench?.close());

  it('runs 20,000 cases with seed 11 across all classes without a mismatch', () => {
    const report = runCampaign(bench, { cases: 20_000, seed: 11, keepFailures: 10 });
    for (const [name, s] of Object.entries(report.classes)) {
      if (name !== 'random') expect(s.cases, `class ${name} got cases`).toBeGreaterThan(0);
    }
    expect(report.cases).toBe(20_000);
    expect(report.mismatches, formatReport(report)).toBe(0);
  }, 300_000);

  it('sees a planted difference (registers, memory and outcome)', () => {
    const state = drawState(new Rng(1));
    state.regs.set('x1', 5n);
    state.regs.set('x2', 7n);
    state.regs.set('x3', BigInt(DATA + 0x2000));
    const add = 0x8b020020; // add x0, x1, x2
    const a = bench.observe('ts', add, state);
    const b = bench.observe('unicorn', add, state);
    expect(compare(a, b)).toEqual([]);
    expect(b.regs.get('x0')).toBe(12n);
    expect(b.regs.get('pc')).toBe(BigInt(CODE + 4));
    state.regs.set('x2', 8n);
    const c = bench.observe('ts', add, state);
    expect(compare(c, b).map((d) => d.what)).toEqual(['x0', 'x2']);
    const store = 0xf900007f; // str xzr, [x3]
    const d = bench.observe('unicorn', store, state);
    bench.restoreData(d, d);
    expect(compare(a, d).some((x) => x.what.startsWith('mem['))).toBe(true);
    state.regs.set('x3', 0x9000_0000n);
    expect(bench.observe('unicorn', store, state).outcome).toBe('fault:write:unmapped:0x90000000');
  });

  it('is deterministic: the same seed gives the same report', () => {
    const a = runCampaign(bench, { cases: 300, seed: 5 });
    const b = runCampaign(bench, { cases: 300, seed: 5 });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
});
