/**
 * Differential ISA fuzzing of the ts engine's translation tier against the unicorn engine: the ts
 * engine translates every block on first use (jitThreshold 0) and each case runs as a compiled
 * single-instruction block, so every snippet in src/emu/ts/jit/snippets.ts and every op called
 * from compiled code is checked. 10,000 cases with seed 11 must show no mismatch
 * (reproduce failures with `orc-sandbox fuzz-isa --jit --replay 11:INDEX`).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FuzzBench, formatReport, runCampaign } from '../../src/fuzz/isa/fuzzer.ts';
import { describeWithOracles } from '../support/oracles.ts';

describeWithOracles(['unicorn'], 'fuzz-isa --jit: ts translation tier vs unicorn engine', () => {
  let bench: FuzzBench;
  beforeAll(async () => {
    bench = await FuzzBench.open(11, { jit: true });
  });
  afterAll(() => bench?.close());

  it('runs 10,000 cases with seed 11 across all classes without a mismatch', () => {
    const report = runCampaign(bench, { cases: 10_000, seed: 11, keepFailures: 10 });
    for (const [name, s] of Object.entries(report.classes)) {
      if (name !== 'random') expect(s.cases, `class ${name} got cases`).toBeGreaterThan(0);
    }
    expect(report.cases).toBe(10_000);
    expect(report.mismatches, formatReport(report)).toBe(0);
  }, 300_000);

  it('really runs compiled code: the block at CODE is translated and one instruction long', () => {
    expect(bench.jit).toBe(true);
    const report = runCampaign(bench, { cases: 50, seed: 3, cls: 'dp-imm' });
    expect(report.mismatches).toBe(0);
    const code = bench.ts.mem.pages.get(0x8000000 / 4096)?.code as { jit?: unknown; ops: unknown[] }[] | null;
    const block = code?.[0];
    expect(block?.ops.length).toBe(1);
    expect(typeof block?.jit).toBe('function');
  });
});
