/**
 * The FP fast paths (fpu.ts fmla64vec/fmaCore, the snippets' FADD/FSUB/FMUL/FDIV) only run on
 * ordinary operands: normal numbers of moderate size, round to nearest, FZ and DN clear, and for
 * the snippets FPSR.IXC already set. The general fuzzer's random states rarely meet all of these
 * at once (a random FPCR is round-to-nearest a quarter of the time, its lanes are mostly NaNs,
 * huge or tiny), so a wrong fast path could pass it. Here every case draws such operands, on both
 * tiers of the ts engine (interpreter, and translated single-instruction blocks), against the
 * unicorn engine. Each case is a word of one of the entries below with random fields.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CompiledDef } from '../../src/emu/ts/decoder.ts';
import { TABLE } from '../../src/emu/ts/isa/index.ts';
import { type CaseState, compare, drawState, FuzzBench, sameOutcome } from '../../src/fuzz/isa/fuzzer.ts';
import { Rng } from '../../src/fuzz/isa/prng.ts';
import { describeWithOracles } from '../support/oracles.ts';

const IDS = ['SIMD_FP_ELEM', 'SIMD_FP_ELEM_scalar', 'SIMD_FP_3SAME', 'FP_DP2', 'FP_DP3', 'CVTF_from_int'];
const CASES = 1500;
const CONVERSIONS = 500;

function defsOf(ids: string[]): CompiledDef[] {
  return ids.map((id) => {
    const d = TABLE.defs.find((x) => x.id === id);
    if (d === undefined) throw new Error(`no entry ${id}`);
    return d;
  });
}

function word(rng: Rng, def: CompiledDef): number {
  for (;;) {
    const w = ((def.value & def.mask) | (rng.next() & ~def.mask)) >>> 0;
    if (TABLE.decode(w)?.def === def) return w;
  }
}

/** A normal double near 1 (exponent within +-40), random sign and mantissa, as bits. */
function double(rng: Rng): bigint {
  const exp = BigInt(1023 - 40 + rng.below(81));
  const mant = (BigInt(rng.next() & 0xfffff) << 32n) | BigInt(rng.next() >>> 0);
  return (BigInt(rng.below(2)) << 63n) | (exp << 52n) | mant;
}

function single(rng: Rng): bigint {
  const exp = BigInt(127 - 20 + rng.below(41));
  return (BigInt(rng.below(2)) << 31n) | (exp << 23n) | BigInt(rng.next() & 0x7fffff);
}

/** Integers at the edges of exact conversion (2^24 for singles, 2^53 for doubles), both signs. */
const EDGES: bigint[] = [];
for (const e of [24n, 53n]) {
  for (const k of [-1n, 0n, 1n]) EDGES.push((1n << e) + k, BigInt.asUintN(64, -((1n << e) + k)));
}

function state(rng: Rng): CaseState {
  const s = drawState(rng);
  for (let i = 0; i < 31; i++) if (rng.chance(0.5)) s.regs.set(`x${i}`, rng.pick(EDGES));
  // Mostly the default FPCR (fast paths allowed); sometimes another rounding mode, FZ or DN.
  s.regs.set('fpcr', rng.chance(0.8) ? 0n : BigInt(rng.below(16) << 22));
  s.regs.set('fpsr', rng.chance(0.6) ? 0x10n : 0n);
  for (let i = 0; i < 32; i++) {
    let q = 0n;
    if (rng.chance(0.5)) {
      q = (double(rng) << 64n) | double(rng);
    } else {
      for (let k = 0; k < 4; k++) q |= single(rng) << BigInt(32 * k);
    }
    // Now and then an exact product or sum: small integers.
    if (rng.chance(0.1)) q = (BigInt(0x40000000 + (rng.below(8) << 20)) << 32n) | 0x41000000n;
    s.regs.set(`q${i}`, q);
  }
  return s;
}

describeWithOracles(['unicorn'], 'FP fast paths on ordinary operands: ts tiers vs unicorn engine', () => {
  const benches: FuzzBench[] = [];
  beforeAll(async () => {
    benches.push(await FuzzBench.open(21), await FuzzBench.open(21, { jit: true }));
  });
  afterAll(() => {
    for (const b of benches) b.close();
  });

  it(`${CASES} FMLA/FMLS (vector, by element), FADD/FSUB/FMUL/FDIV, FMADD, SCVTF/UCVTF cases and ${CONVERSIONS} more SCVTF/UCVTF per tier agree`, () => {
    const defs = defsOf(IDS);
    const cvtf = defsOf(['CVTF_from_int'])[0] as CompiledDef;
    const failures: string[] = [];
    for (const bench of benches) {
      const rng = new Rng(21, bench.jit ? 2 : 1);
      // The conversions get a run of their own: their edge cases need one of few register values.
      for (let i = 0; i < CASES + CONVERSIONS; i++) {
        const w = word(rng, i < CASES ? rng.pick(defs) : cvtf);
        const st = state(rng);
        const uc = bench.observe('unicorn', w, st);
        const ours = bench.observe('ts', w, st);
        bench.restoreData(ours, uc);
        const diffs = compare(ours, uc);
        if (!sameOutcome(ours.outcome, uc.outcome) || diffs.length > 0) {
          failures.push(`${bench.jit ? 'jit' : 'interp'} case ${i} word 0x${w.toString(16)}: ${JSON.stringify(diffs)}`);
        }
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
  }, 120_000);
});
