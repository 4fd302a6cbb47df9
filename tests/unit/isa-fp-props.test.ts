/**
 * Properties of the FP core (src/emu/ts/fpu.ts): the fast paths agree with the BigInt reference
 * path bit for bit (results and FPSR) in every rounding mode with and without FZ/DN; round-to-
 * nearest arithmetic equals the host's IEEE double arithmetic; conversions round-trip.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Memory } from '../../src/emu/memory.ts';
import {
  b32,
  b64,
  cvtDS,
  cvtSD,
  FD,
  FS,
  f32,
  f64,
  fadd32,
  fadd64,
  fbin32,
  fbin64,
  fcmp32,
  fcmp64,
  fdiv32,
  fdiv64,
  ffma32,
  ffma64,
  ffma64lane,
  fmul32,
  fmul64,
  fromInt32,
  fromInt64,
  fsqrt32,
  fsqrt64,
  fsub32,
  fsub64,
  genBin,
  genCompare,
  genConvert,
  genFma,
  genFromInt,
  genRoundInt,
  genSqrt,
  genToInt,
  OP_ADD,
  OP_DIV,
  OP_MAX,
  OP_MAXNM,
  OP_MIN,
  OP_MINNM,
  OP_MUL,
  OP_MULX,
  OP_SUB,
  out,
  RA,
  RN,
  RODD,
  roundInt32,
  roundInt64,
  toInt32,
  toInt64,
} from '../../src/emu/ts/fpu.ts';
import { CpuState } from '../../src/emu/ts/state.ts';

const s = new CpuState(new Memory());
// Deterministic runs; a failure prints its seed and counterexample.
fc.configureGlobal({ seed: 0x0f9e1 });
const RUNS = 3000;

/** Bit patterns biased toward interesting values: specials, subnormals, boundaries, near 1. */
const bits32 = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }),
  fc.constantFrom(
    0,
    0x80000000,
    0x7f800000,
    0xff800000,
    0x7fc00000,
    0x7f800001,
    0xffc01234,
    0x00000001,
    0x807fffff,
    0x00800000,
    0x7f7fffff,
    0xff7fffff,
    0x3f800000,
    0x3f800001,
    0x4f000000,
    0xcf000000,
    0x5f800000,
  ),
  fc
    .tuple(fc.boolean(), fc.integer({ min: 100, max: 160 }), fc.integer({ min: 0, max: 0x7fffff }))
    .map(([sg, e, m]) => ((sg ? 0x80000000 : 0) | (e << 23) | m) >>> 0),
  fc
    .tuple(fc.boolean(), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 0x7fffff }))
    .map(([sg, e, m]) => ((sg ? 0x80000000 : 0) | (e << 23) | m) >>> 0),
);
const u52 = fc.bigInt({ min: 0n, max: (1n << 52n) - 1n });
const bits64 = fc.oneof(
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  fc.constantFrom(
    0n,
    0x8000000000000000n,
    0x7ff0000000000000n,
    0xfff0000000000000n,
    0x7ff8000000000000n,
    0x7ff0000000000001n,
    1n,
    0x0010000000000000n,
    0x7fefffffffffffffn,
    0x3ff0000000000000n,
    0x43e0000000000000n,
    0xc3e0000000000000n,
    0x41e0000000000000n,
  ),
  fc
    .tuple(fc.boolean(), fc.integer({ min: 900, max: 1150 }), u52)
    .map(([sg, e, m]) => (sg ? 1n << 63n : 0n) | (BigInt(e) << 52n) | m),
  fc
    .tuple(fc.boolean(), fc.integer({ min: 0, max: 3 }), u52)
    .map(([sg, e, m]) => (sg ? 1n << 63n : 0n) | (BigInt(e) << 52n) | m),
  fc
    .tuple(fc.boolean(), fc.integer({ min: 2030, max: 2046 }), u52)
    .map(([sg, e, m]) => (sg ? 1n << 63n : 0n) | (BigInt(e) << 52n) | m),
);
/** FPCR: rounding mode, FZ, DN. */
const fpcr = fc
  .tuple(fc.integer({ min: 0, max: 3 }), fc.boolean(), fc.boolean())
  .map(([rm, fz, dn]) => (rm << 22) | (fz ? 1 << 24 : 0) | (dn ? 1 << 25 : 0));

const hi = (v: bigint) => Number((v >> 32n) & 0xffffffffn) | 0;
const lo = (v: bigint) => Number(v & 0xffffffffn) | 0;

/** Runs fn with the given FPCR and a clean FPSR; returns [result, fpsr]. */
function withFpcr<T>(c: number, fn: () => T): [T, number] {
  s.fpcr = c;
  s.fpsr = 0;
  const r = fn();
  return [r, s.fpsr];
}
const r64 = (l: number) => (BigInt(out.hi >>> 0) << 32n) | BigInt(l >>> 0);

const OPS32: [string, number, (a: number, b: number) => number][] = [
  ['fadd', OP_ADD, (a, b) => fadd32(s, a, b)],
  ['fsub', OP_SUB, (a, b) => fsub32(s, a, b)],
  ['fmul', OP_MUL, (a, b) => fmul32(s, a, b)],
  ['fdiv', OP_DIV, (a, b) => fdiv32(s, a, b)],
  ['fmax', OP_MAX, (a, b) => fbin32(s, OP_MAX, a, b)],
  ['fmin', OP_MIN, (a, b) => fbin32(s, OP_MIN, a, b)],
  ['fmaxnm', OP_MAXNM, (a, b) => fbin32(s, OP_MAXNM, a, b)],
  ['fminnm', OP_MINNM, (a, b) => fbin32(s, OP_MINNM, a, b)],
  ['fmulx', OP_MULX, (a, b) => fbin32(s, OP_MULX, a, b)],
];
const OPS64: [string, number, (ah: number, al: number, bh: number, bl: number) => number][] = [
  ['fadd', OP_ADD, (ah, al, bh, bl) => fadd64(s, ah, al, bh, bl)],
  ['fsub', OP_SUB, (ah, al, bh, bl) => fsub64(s, ah, al, bh, bl)],
  ['fmul', OP_MUL, (ah, al, bh, bl) => fmul64(s, ah, al, bh, bl)],
  ['fdiv', OP_DIV, (ah, al, bh, bl) => fdiv64(s, ah, al, bh, bl)],
  ['fmax', OP_MAX, (ah, al, bh, bl) => fbin64(s, OP_MAX, ah, al, bh, bl)],
  ['fminnm', OP_MINNM, (ah, al, bh, bl) => fbin64(s, OP_MINNM, ah, al, bh, bl)],
];

describe('fast paths equal the reference path (all rounding modes, FZ, DN)', () => {
  for (const [name, op, fn] of OPS32) {
    it(`${name} single`, () => {
      fc.assert(
        fc.property(bits32, bits32, fpcr, (a, b, c) => {
          const fast = withFpcr(c, () => fn(a | 0, b | 0) >>> 0);
          const ref = withFpcr(c, () => Number(genBin(FS, op, b32(a), b32(b), s)));
          expect(fast).toEqual(ref);
        }),
        { numRuns: RUNS },
      );
    });
  }
  for (const [name, op, fn] of OPS64) {
    it(`${name} double`, () => {
      fc.assert(
        fc.property(bits64, bits64, fpcr, (a, b, c) => {
          const fast = withFpcr(c, () => r64(fn(hi(a), lo(a), hi(b), lo(b))));
          const ref = withFpcr(c, () => genBin(FD, op, a, b, s));
          expect(fast).toEqual(ref);
        }),
        { numRuns: RUNS },
      );
    });
  }
  it('fma single and double', () => {
    fc.assert(
      fc.property(bits32, bits32, bits32, fpcr, (a, b, d, c) => {
        const fast = withFpcr(c, () => ffma32(s, a | 0, b | 0, d | 0) >>> 0);
        const ref = withFpcr(c, () => Number(genFma(FS, b32(a), b32(b), b32(d), s)));
        expect(fast).toEqual(ref);
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(bits64, bits64, bits64, fpcr, (a, b, d, c) => {
        const fast = withFpcr(c, () => r64(ffma64(s, hi(a), lo(a), hi(b), lo(b), hi(d), lo(d))));
        const ref = withFpcr(c, () => genFma(FD, a, b, d, s));
        expect(fast).toEqual(ref);
      }),
      { numRuns: RUNS },
    );
  });
  it('fma double with near-cancelling addends', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 2, noNaN: true }),
        fc.double({ min: 0.5, max: 2, noNaN: true }),
        fc.integer({ min: -60, max: 60 }),
        fpcr,
        (x, y, k, c) => {
          const z = -(x * y) * (1 + k * 2 ** -52);
          const [a, b, d] = [z, x, y].map((v) => {
            const dv = new DataView(new ArrayBuffer(8));
            dv.setFloat64(0, v, true);
            return dv.getBigUint64(0, true);
          }) as [bigint, bigint, bigint];
          const fast = withFpcr(c, () => r64(ffma64(s, hi(a), lo(a), hi(b), lo(b), hi(d), lo(d))));
          const ref = withFpcr(c, () => genFma(FD, a, b, d, s));
          expect(fast).toEqual(ref);
        },
      ),
      { numRuns: RUNS },
    );
  });
  it('fma double on the fast path: full-width operands of near magnitudes, zero addends and factors, lanes', () => {
    // Full 53-bit significands of similar exponents make both TwoSum errors non-zero (the case
    // decided without the generic path unless the sum is a tie), and zeros take the short cuts.
    const near = fc
      .tuple(fc.boolean(), fc.integer({ min: 1015, max: 1031 }), u52)
      .map(([sg, e, m]) => (sg ? 1n << 63n : 0n) | (BigInt(e) << 52n) | m);
    const operand = fc.oneof(near, near, fc.constantFrom(0n, 0x8000000000000000n));
    const lane = new Int32Array(2);
    fc.assert(
      fc.property(operand, operand, operand, fpcr, fc.boolean(), (a, b, d, c, neg) => {
        const ref = withFpcr(c, () => genFma(FD, a, neg ? b ^ (1n << 63n) : b, d, s));
        expect(
          withFpcr(c, () => r64(ffma64(s, hi(a), lo(a), hi(b) ^ (neg ? 0x80000000 : 0), lo(b), hi(d), lo(d)))),
        ).toEqual(ref);
        // The lane form (vector FMLA/FMLS) reads V0..V2 as doubles.
        const vi = s.vi;
        vi.set([lo(a), hi(a), 0, 0, lo(b), hi(b), 0, 0, lo(d), hi(d), 0, 0]);
        const got = withFpcr(c, () => {
          ffma64lane(s, lane, 0, 0, 2, 4, neg);
          return (BigInt((lane[1] as number) >>> 0) << 32n) | BigInt((lane[0] as number) >>> 0);
        });
        expect(got).toEqual(ref);
      }),
      { numRuns: RUNS * 3 },
    );
  });
  it('sqrt, compare, round to integral', () => {
    fc.assert(
      fc.property(bits32, bits32, fpcr, fc.integer({ min: 0, max: 4 }), (a, b, c, rm) => {
        expect(withFpcr(c, () => fsqrt32(s, a | 0) >>> 0)).toEqual(withFpcr(c, () => Number(genSqrt(FS, b32(a), s))));
        expect(withFpcr(c, () => fcmp32(s, a | 0, b | 0, true))).toEqual(
          withFpcr(c, () => genCompare(FS, b32(a), b32(b), true, s)),
        );
        expect(withFpcr(c, () => roundInt32(s, a | 0, rm, true) >>> 0)).toEqual(
          withFpcr(c, () => Number(genRoundInt(FS, b32(a), rm, true, s))),
        );
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(bits64, bits64, fpcr, fc.integer({ min: 0, max: 4 }), (a, b, c, rm) => {
        expect(withFpcr(c, () => r64(fsqrt64(s, hi(a), lo(a))))).toEqual(withFpcr(c, () => genSqrt(FD, a, s)));
        expect(withFpcr(c, () => fcmp64(s, hi(a), lo(a), hi(b), lo(b), false))).toEqual(
          withFpcr(c, () => genCompare(FD, a, b, false, s)),
        );
        expect(withFpcr(c, () => r64(roundInt64(s, hi(a), lo(a), rm, false)))).toEqual(
          withFpcr(c, () => genRoundInt(FD, a, rm, false, s)),
        );
      }),
      { numRuns: RUNS },
    );
  });
  it('conversions to integers and back', () => {
    fc.assert(
      fc.property(
        bits64,
        bits32,
        fpcr,
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: 64 }),
        fc.boolean(),
        fc.boolean(),
        (a, b, c, rm, fbits, unsigned, is64) => {
          const n = is64 ? 64 : 32;
          const fb = Math.min(fbits, n);
          expect(
            withFpcr(c, () => r64(toInt64(s, hi(a), lo(a), fb, unsigned, n, rm)) & ((1n << BigInt(n)) - 1n)),
          ).toEqual(withFpcr(c, () => genToInt(FD, a, fb, unsigned, n, rm, s)));
          expect(withFpcr(c, () => r64(toInt32(s, b | 0, fb, unsigned, n, rm)) & ((1n << BigInt(n)) - 1n))).toEqual(
            withFpcr(c, () => genToInt(FS, b32(b), fb, unsigned, n, rm, s)),
          );
          const v = is64 ? (unsigned ? a : BigInt.asIntN(64, a)) : unsigned ? a & 0xffffffffn : BigInt.asIntN(32, a);
          const r = rm === RA ? RN : rm;
          expect(withFpcr(c, () => r64(fromInt64(s, lo(a), hi(a), !unsigned, is64, fb, r)))).toEqual(
            withFpcr(c, () => genFromInt(FD, v, fb, r, s)),
          );
          expect(withFpcr(c, () => fromInt32(s, lo(a), hi(a), !unsigned, is64, fb, r) >>> 0)).toEqual(
            withFpcr(c, () => Number(genFromInt(FS, v, fb, r, s))),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });
  it('precision conversions', () => {
    fc.assert(
      fc.property(bits64, bits32, fpcr, fc.boolean(), (a, b, c, odd) => {
        const rm = odd ? RODD : (c >>> 22) & 3;
        expect(withFpcr(c, () => cvtDS(s, hi(a), lo(a), rm) >>> 0)).toEqual(
          withFpcr(c, () => Number(genConvert(FD, FS, a, rm, s))),
        );
        expect(withFpcr(c, () => r64(cvtSD(s, b | 0)))).toEqual(
          withFpcr(c, () => genConvert(FS, FD, b32(b), (c >>> 22) & 3, s)),
        );
      }),
      { numRuns: RUNS },
    );
  });
});

describe('round-to-nearest arithmetic equals IEEE host arithmetic (non-NaN)', () => {
  const dbl = fc.double({ noNaN: true });
  const toBits = (v: number) => {
    const dv = new DataView(new ArrayBuffer(8));
    dv.setFloat64(0, v, true);
    return dv.getBigUint64(0, true);
  };
  it('double +, -, *, /, sqrt', () => {
    fc.assert(
      fc.property(dbl, dbl, (x, y) => {
        const a = toBits(x);
        const b = toBits(y);
        const check = (got: number, want: number) => {
          if (Number.isNaN(want)) expect(r64(got)).toBe(0x7ff8000000000000n);
          else expect(r64(got)).toBe(toBits(want));
        };
        s.fpcr = 0;
        check(fadd64(s, hi(a), lo(a), hi(b), lo(b)), x + y);
        check(fsub64(s, hi(a), lo(a), hi(b), lo(b)), x - y);
        check(fmul64(s, hi(a), lo(a), hi(b), lo(b)), x * y);
        check(fdiv64(s, hi(a), lo(a), hi(b), lo(b)), x / y);
        check(fsqrt64(s, hi(a), lo(a)), Math.sqrt(x));
      }),
      { numRuns: 20000 },
    );
  });
  it('single +, *, / equal Math.fround of the double operation', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true }), fc.float({ noNaN: true }), (x, y) => {
        const a = new Int32Array(new Float32Array([x]).buffer)[0] as number;
        const b = new Int32Array(new Float32Array([y]).buffer)[0] as number;
        s.fpcr = 0;
        const same = (got: number, want: number) =>
          Number.isNaN(want) ? expect(got >>> 0).toBe(0x7fc00000) : expect(Object.is(f32(got), want)).toBe(true);
        same(fadd32(s, a, b), Math.fround(x + y));
        same(fmul32(s, a, b), Math.fround(x * y));
        same(fdiv32(s, a, b), Math.fround(x / y));
      }),
      { numRuns: 20000 },
    );
  });
  it('single -> double -> single is the identity (non-NaN), without flags', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (a) => {
        fc.pre((a & 0x7fffffff) <= 0x7f800000);
        s.fpcr = 0;
        s.fpsr = 0;
        const l = cvtSD(s, a | 0);
        const back = cvtDS(s, out.hi, l, RN);
        expect(back >>> 0).toBe(a >>> 0);
        expect(f64(out.hi, l)).toBe(f32(a | 0));
        expect(s.fpsr).toBe(0);
      }),
      { numRuns: 20000 },
    );
  });
});

// b64 is part of the API under test's glue; keep it exercised.
describe('glue', () => {
  it('b64 packs hi/lo', () => {
    expect(b64(0x12345678, -1)).toBe(0x12345678ffffffffn);
  });
});
