/**
 * Floating-point arithmetic core of the ts engine, bit-exact with the Arm architecture (ARMv8.0:
 * FPRound with tininess before rounding, FZ/DN/AHP/RMode from FPCR, NaN propagation and the
 * cumulative FPSR flags).
 *
 * Operands and results are raw bit patterns: single and half precision as numbers (int32 /
 * uint16), double precision as two int32 halves (hi, lo); 64-bit results return the low half and
 * leave the high half in `out.hi`. NaN results are always built from bits, never from JS NaNs.
 *
 * Two layers: a generic reference path over BigInt (format-parametric, follows the Arm ARM
 * pseudocode step by step: FPUnpack, FPProcessNaNs, FPRoundBase, ...) and fast paths in plain
 * numbers for the common case (normal operands, normal result). The fast paths detect inexactness
 * and the direction of the rounding error with error-free transformations (TwoSum, Dekker
 * products, remainders) and nudge one ulp for directed rounding modes; anything unusual falls
 * back to the generic path.
 */
import type { CpuState } from './state.ts';

// ---- FPSR / FPCR bits ---------------------------------------------------------------------------

export const IOC = 1;
export const DZC = 2;
export const OFC = 4;
export const UFC = 8;
export const IXC = 16;
export const IDC = 128;

export const FPCR_AHP = 1 << 26;
export const FPCR_DN = 1 << 25;
export const FPCR_FZ = 1 << 24;

/** Rounding modes: the FPCR.RMode values, plus ties-away and round-to-odd (instruction-chosen). */
export const RN = 0;
export const RP = 1;
export const RM = 2;
export const RZ = 3;
export const RA = 4;
export const RODD = 5;

export function fpcrRounding(fpcr: number): number {
  return (fpcr >>> 22) & 3;
}

/** High half of a 64-bit result. */
export const out = { hi: 0 };

// Scratch views for bit <-> value conversions (no allocation).
const SB = new ArrayBuffer(8);
const SF64 = new Float64Array(SB);
const SF32 = new Float32Array(SB);
const SI = new Int32Array(SB);

export function f32(bits: number): number {
  SI[0] = bits;
  return SF32[0] as number;
}
/** Bits of a non-NaN number as a single (the number must already be a single). */
export function bits32(v: number): number {
  SF32[0] = v;
  return SI[0] as number;
}
export function f64(hi: number, lo: number): number {
  SI[0] = lo;
  SI[1] = hi;
  return SF64[0] as number;
}
/** Low half of a non-NaN double's bits; the high half goes to `out.hi`. */
export function bits64(v: number): number {
  SF64[0] = v;
  out.hi = SI[1] as number;
  return SI[0] as number;
}

// ---- generic reference path (BigInt) ------------------------------------------------------------

export interface Fmt {
  readonly N: number;
  readonly E: number;
  readonly F: number;
  readonly bias: number;
  readonly minExp: number;
  readonly expMax: number;
  readonly bN1: bigint;
  readonly bF: bigint;
  readonly fracMask: bigint;
  readonly quiet: bigint;
  readonly expMaskB: bigint;
}

function mkFmt(N: number, E: number, F: number): Fmt {
  const bias = (1 << (E - 1)) - 1;
  return {
    N,
    E,
    F,
    bias,
    minExp: 1 - bias,
    expMax: (1 << E) - 1,
    bN1: BigInt(N - 1),
    bF: BigInt(F),
    fracMask: (1n << BigInt(F)) - 1n,
    quiet: 1n << BigInt(F - 1),
    expMaskB: BigInt((1 << E) - 1),
  };
}

export const FH = mkFmt(16, 5, 10);
export const FS = mkFmt(32, 8, 23);
export const FD = mkFmt(64, 11, 52);

const T_ZERO = 0;
const T_NUM = 1;
const T_INF = 2;
const T_QNAN = 3;
const T_SNAN = 4;

interface Unp {
  t: number;
  sign: number;
  /** value = m * 2^e (m > 0 for numbers). */
  m: bigint;
  e: number;
}

function unpack(f: Fmt, bits: bigint, s: CpuState, fpcr: number, ahp = false): Unp {
  const sign = Number((bits >> f.bN1) & 1n);
  const exp = Number((bits >> f.bF) & f.expMaskB);
  const frac = bits & f.fracMask;
  if (exp === 0) {
    if (frac === 0n) return { t: T_ZERO, sign, m: 0n, e: 0 };
    if (f.N !== 16 && fpcr & FPCR_FZ) {
      s.fpsr |= IDC;
      return { t: T_ZERO, sign, m: 0n, e: 0 };
    }
    return { t: T_NUM, sign, m: frac, e: f.minExp - f.F };
  }
  if (exp === f.expMax && !(f.N === 16 && ahp)) {
    if (frac === 0n) return { t: T_INF, sign, m: 0n, e: 0 };
    return { t: frac & f.quiet ? T_QNAN : T_SNAN, sign, m: 0n, e: 0 };
  }
  return { t: T_NUM, sign, m: frac | (1n << f.bF), e: exp - f.bias - f.F };
}

const isNaNT = (t: number) => t >= T_QNAN;

function zeroB(f: Fmt, sign: number): bigint {
  return BigInt(sign) << f.bN1;
}
function infB(f: Fmt, sign: number): bigint {
  return (BigInt(sign) << f.bN1) | (f.expMaskB << f.bF);
}
function maxNormalB(f: Fmt, sign: number): bigint {
  return (BigInt(sign) << f.bN1) | ((f.expMaskB - 1n) << f.bF) | f.fracMask;
}
export function defaultNaNB(f: Fmt): bigint {
  return (f.expMaskB << f.bF) | f.quiet;
}
function twoB(f: Fmt, sign: number): bigint {
  return (BigInt(sign) << f.bN1) | (1n << BigInt(f.N - 2));
}
function onePointFiveB(f: Fmt, sign: number): bigint {
  return (BigInt(sign) << f.bN1) | (BigInt(f.bias) << f.bF) | f.quiet;
}

function bitLength(m: bigint): number {
  return m.toString(2).length;
}

/**
 * FPRoundBase: rounds m * 2^e (m > 0) to format f. `ahp` selects the alternative half-precision
 * format (conversions only); `flush` is false where FPRoundCV disables FZ16 (halves never flush).
 */
export function roundB(
  f: Fmt,
  sign: number,
  m: bigint,
  e: number,
  s: CpuState,
  fpcr: number,
  rounding: number,
  ahp = false,
): bigint {
  const exponent = e + bitLength(m) - 1;
  if (f.N !== 16 && fpcr & FPCR_FZ && exponent < f.minExp) {
    s.fpsr |= UFC;
    return zeroB(f, sign);
  }
  let biased = Math.max(exponent - f.minExp + 1, 0);
  const shift = (biased ? exponent : f.minExp) - f.F - e;
  let im: bigint;
  let err = 0; // 0 exact, 1 below half, 2 half, 3 above half
  if (shift <= 0) {
    im = m << BigInt(-shift);
  } else {
    const sh = BigInt(shift);
    im = m >> sh;
    const r = m & ((1n << sh) - 1n);
    const h = 1n << (sh - 1n);
    err = r === 0n ? 0 : r < h ? 1 : r === h ? 2 : 3;
  }
  if (biased === 0 && err !== 0) s.fpsr |= UFC;
  let up = false;
  let toInf = false;
  switch (rounding) {
    case RN:
      up = err === 3 || (err === 2 && (im & 1n) === 1n);
      toInf = true;
      break;
    case RP:
      up = err !== 0 && sign === 0;
      toInf = sign === 0;
      break;
    case RM:
      up = err !== 0 && sign === 1;
      toInf = sign === 1;
      break;
    default:
      break;
  }
  if (up) {
    im += 1n;
    if (im === 1n << f.bF) biased = 1;
    if (im === 1n << (f.bF + 1n)) {
      biased += 1;
      im >>= 1n;
    }
  }
  if (err !== 0 && rounding === RODD) im |= 1n;
  if (!(f.N === 16 && ahp)) {
    if (biased >= f.expMax) {
      s.fpsr |= OFC | IXC;
      return toInf ? infB(f, sign) : maxNormalB(f, sign);
    }
  } else if (biased >= 1 << f.E) {
    s.fpsr |= IOC;
    return (BigInt(sign) << f.bN1) | ((1n << f.bN1) - 1n);
  }
  if (err !== 0) s.fpsr |= IXC;
  return (BigInt(sign) << f.bN1) | (BigInt(biased) << f.bF) | (im & f.fracMask);
}

function processNaNB(f: Fmt, t: number, bits: bigint, s: CpuState, fpcr: number): bigint {
  let r = bits;
  if (t === T_SNAN) {
    s.fpsr |= IOC;
    r = bits | f.quiet;
  }
  return fpcr & FPCR_DN ? defaultNaNB(f) : r;
}

function processNaNs2(f: Fmt, u1: Unp, a: bigint, u2: Unp, b: bigint, s: CpuState, fpcr: number): bigint | null {
  if (u1.t === T_SNAN) return processNaNB(f, u1.t, a, s, fpcr);
  if (u2.t === T_SNAN) return processNaNB(f, u2.t, b, s, fpcr);
  if (u1.t === T_QNAN) return processNaNB(f, u1.t, a, s, fpcr);
  if (u2.t === T_QNAN) return processNaNB(f, u2.t, b, s, fpcr);
  return null;
}

interface Exact {
  sign: number;
  m: bigint;
  e: number;
}

function addExact(s1: number, m1: bigint, e1: number, s2: number, m2: bigint, e2: number): Exact {
  if (m1 === 0n) return { sign: s2, m: m2, e: e2 };
  if (m2 === 0n) return { sign: s1, m: m1, e: e1 };
  const e = Math.min(e1, e2);
  const a = (m1 << BigInt(e1 - e)) * (s1 ? -1n : 1n);
  const b = (m2 << BigInt(e2 - e)) * (s2 ? -1n : 1n);
  const sum = a + b;
  return sum < 0n ? { sign: 1, m: -sum, e } : { sign: 0, m: sum, e };
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(bitLength(n) / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export const OP_ADD = 0;
export const OP_SUB = 1;
export const OP_MUL = 2;
export const OP_DIV = 3;
export const OP_MULX = 4;
export const OP_MAX = 5;
export const OP_MIN = 6;
export const OP_MAXNM = 7;
export const OP_MINNM = 8;
export const OP_RECPS = 9;
export const OP_RSQRTS = 10;

function roundOrZero(f: Fmt, x: Exact, s: CpuState, fpcr: number): bigint {
  if (x.m === 0n) return zeroB(f, fpcrRounding(fpcr) === RM ? 1 : 0);
  return roundB(f, x.sign, x.m, x.e, s, fpcr, fpcrRounding(fpcr));
}

/** Two-operand arithmetic (FPAdd, FPSub, FPMul, FPDiv, FPMulX, FPMax, ..., FPRecipStepFused, ...). */
export function genBin(f: Fmt, op: number, a: bigint, b: bigint, s: CpuState): bigint {
  const fpcr = s.fpcr;
  if (op === OP_RECPS || op === OP_RSQRTS) a ^= 1n << f.bN1;
  if (op === OP_MAXNM || op === OP_MINNM) {
    const ta = unpack(f, a, s, fpcr).t;
    const tb = unpack(f, b, s, fpcr).t;
    const alt = infB(f, op === OP_MAXNM ? 1 : 0);
    if (ta === T_QNAN && tb !== T_QNAN) a = alt;
    else if (ta !== T_QNAN && tb === T_QNAN) b = alt;
    op = op === OP_MAXNM ? OP_MAX : OP_MIN;
  }
  const u1 = unpack(f, a, s, fpcr);
  const u2 = unpack(f, b, s, fpcr);
  const nan = processNaNs2(f, u1, a, u2, b, s, fpcr);
  if (nan !== null) return nan;
  const inf1 = u1.t === T_INF;
  const inf2 = u2.t === T_INF;
  const zero1 = u1.t === T_ZERO;
  const zero2 = u2.t === T_ZERO;
  const sx = u1.sign ^ u2.sign;
  switch (op) {
    case OP_ADD:
    case OP_SUB: {
      const sign2 = op === OP_SUB ? u2.sign ^ 1 : u2.sign;
      if (inf1 && inf2 && u1.sign !== sign2) {
        s.fpsr |= IOC;
        return defaultNaNB(f);
      }
      if ((inf1 && u1.sign === 0) || (inf2 && sign2 === 0)) return infB(f, 0);
      if ((inf1 && u1.sign === 1) || (inf2 && sign2 === 1)) return infB(f, 1);
      if (zero1 && zero2 && u1.sign === sign2) return zeroB(f, u1.sign);
      return roundOrZero(f, addExact(u1.sign, u1.m, u1.e, sign2, u2.m, u2.e), s, fpcr);
    }
    case OP_MUL:
    case OP_MULX:
      if ((inf1 && zero2) || (zero1 && inf2)) {
        if (op === OP_MULX) return twoB(f, sx);
        s.fpsr |= IOC;
        return defaultNaNB(f);
      }
      if (inf1 || inf2) return infB(f, sx);
      if (zero1 || zero2) return zeroB(f, sx);
      return roundB(f, sx, u1.m * u2.m, u1.e + u2.e, s, fpcr, fpcrRounding(fpcr));
    case OP_DIV: {
      if ((inf1 && inf2) || (zero1 && zero2)) {
        s.fpsr |= IOC;
        return defaultNaNB(f);
      }
      if (inf1 || zero2) {
        if (!inf1) s.fpsr |= DZC;
        return infB(f, sx);
      }
      if (zero1 || inf2) return zeroB(f, sx);
      const k = Math.max(0, f.F + 4 + bitLength(u2.m) - bitLength(u1.m));
      const num = u1.m << BigInt(k);
      const q = num / u2.m;
      const sticky = num - q * u2.m === 0n ? 0n : 1n;
      return roundB(f, sx, (q << 1n) | sticky, u1.e - u2.e - k - 1, s, fpcr, fpcrRounding(fpcr));
    }
    case OP_MAX:
    case OP_MIN: {
      const v1 = u1.t === T_INF ? (u1.sign ? -2 : 2) : 0;
      const v2 = u2.t === T_INF ? (u2.sign ? -2 : 2) : 0;
      // Compare values: infinities by v, numbers exactly.
      let cmp: number;
      if (v1 !== 0 || v2 !== 0) {
        const w1 = v1 !== 0 ? v1 : zero1 ? 0 : u1.sign ? -1 : 1;
        const w2 = v2 !== 0 ? v2 : zero2 ? 0 : u2.sign ? -1 : 1;
        cmp = w1 === w2 ? 0 : w1 > w2 ? 1 : -1;
      } else {
        const x = addExact(u1.sign, u1.m, u1.e, u2.sign ^ 1, u2.m, u2.e);
        cmp = x.m === 0n ? 0 : x.sign ? -1 : 1;
      }
      const take1 = op === OP_MAX ? cmp > 0 : cmp < 0;
      const u = take1 ? u1 : u2;
      if (u.t === T_INF) return infB(f, u.sign);
      if (u.t === T_ZERO) return zeroB(f, op === OP_MAX ? u1.sign & u2.sign : u1.sign | u2.sign);
      return roundB(f, u.sign, u.m, u.e, s, fpcr, fpcrRounding(fpcr));
    }
    case OP_RECPS:
    case OP_RSQRTS: {
      if ((inf1 && zero2) || (zero1 && inf2)) return op === OP_RECPS ? twoB(f, 0) : onePointFiveB(f, 0);
      if (inf1 || inf2) return infB(f, sx);
      const p = zero1 || zero2 ? 0n : u1.m * u2.m;
      const x = addExact(0, op === OP_RECPS ? 2n : 3n, 0, sx, p, u1.e + u2.e);
      if (op === OP_RSQRTS) x.e -= 1;
      return roundOrZero(f, x, s, fpcr);
    }
  }
  throw new Error(`fpu: bad op ${op}`);
}

/** FPMulAdd(addend, op1, op2): fused, one rounding. Negations are applied by the caller on bits. */
export function genFma(f: Fmt, a: bigint, b: bigint, c: bigint, s: CpuState): bigint {
  const fpcr = s.fpcr;
  const ua = unpack(f, a, s, fpcr);
  const u1 = unpack(f, b, s, fpcr);
  const u2 = unpack(f, c, s, fpcr);
  const inf1 = u1.t === T_INF;
  const inf2 = u2.t === T_INF;
  const zero1 = u1.t === T_ZERO;
  const zero2 = u2.t === T_ZERO;
  let nan: bigint | null = null;
  if (ua.t === T_SNAN) nan = processNaNB(f, ua.t, a, s, fpcr);
  else if (u1.t === T_SNAN) nan = processNaNB(f, u1.t, b, s, fpcr);
  else if (u2.t === T_SNAN) nan = processNaNB(f, u2.t, c, s, fpcr);
  else if (ua.t === T_QNAN) nan = processNaNB(f, ua.t, a, s, fpcr);
  else if (u1.t === T_QNAN) nan = processNaNB(f, u1.t, b, s, fpcr);
  else if (u2.t === T_QNAN) nan = processNaNB(f, u2.t, c, s, fpcr);
  if (ua.t === T_QNAN && ((inf1 && zero2) || (zero1 && inf2))) {
    s.fpsr |= IOC;
    return defaultNaNB(f);
  }
  if (nan !== null) return nan;
  const infA = ua.t === T_INF;
  const zeroA = ua.t === T_ZERO;
  const signP = u1.sign ^ u2.sign;
  const infP = inf1 || inf2;
  const zeroP = zero1 || zero2;
  if ((inf1 && zero2) || (zero1 && inf2) || (infA && infP && ua.sign !== signP)) {
    s.fpsr |= IOC;
    return defaultNaNB(f);
  }
  if ((infA && ua.sign === 0) || (infP && signP === 0)) return infB(f, 0);
  if ((infA && ua.sign === 1) || (infP && signP === 1)) return infB(f, 1);
  if (zeroA && zeroP && ua.sign === signP) return zeroB(f, ua.sign);
  const p = zeroP ? 0n : u1.m * u2.m;
  return roundOrZero(f, addExact(ua.sign, ua.m, ua.e, signP, p, u1.e + u2.e), s, fpcr);
}

export function genSqrt(f: Fmt, a: bigint, s: CpuState): bigint {
  const fpcr = s.fpcr;
  const u = unpack(f, a, s, fpcr);
  if (isNaNT(u.t)) return processNaNB(f, u.t, a, s, fpcr);
  if (u.t === T_ZERO) return zeroB(f, u.sign);
  if (u.sign) {
    s.fpsr |= IOC;
    return defaultNaNB(f);
  }
  if (u.t === T_INF) return infB(f, 0);
  let k = Math.max(0, 2 * (f.F + 4) - bitLength(u.m));
  if ((u.e - k) & 1) k++;
  const M = u.m << BigInt(k);
  const r = isqrt(M);
  const sticky = r * r === M ? 0n : 1n;
  return roundB(f, 0, (r << 1n) | sticky, (u.e - k) / 2 - 1, s, fpcr, fpcrRounding(fpcr));
}

/** FPCompare: NZCV nibble (0b0110 equal, 0b1000 less, 0b0010 greater, 0b0011 unordered). */
export function genCompare(f: Fmt, a: bigint, b: bigint, signalAll: boolean, s: CpuState): number {
  const fpcr = s.fpcr;
  const u1 = unpack(f, a, s, fpcr);
  const u2 = unpack(f, b, s, fpcr);
  if (isNaNT(u1.t) || isNaNT(u2.t)) {
    if (signalAll || u1.t === T_SNAN || u2.t === T_SNAN) s.fpsr |= IOC;
    return 0b0011;
  }
  const w = (u: Unp) => (u.t === T_INF ? (u.sign ? -2 : 2) : 0);
  let cmp: number;
  if (w(u1) !== 0 || w(u2) !== 0) {
    const w1 = w(u1) || (u1.t === T_ZERO ? 0 : u1.sign ? -1 : 1);
    const w2 = w(u2) || (u2.t === T_ZERO ? 0 : u2.sign ? -1 : 1);
    cmp = w1 === w2 ? 0 : w1 > w2 ? 1 : -1;
  } else {
    const x = addExact(u1.sign, u1.m, u1.e, u2.sign ^ 1, u2.m, u2.e);
    cmp = x.m === 0n ? 0 : x.sign ? -1 : 1;
  }
  return cmp === 0 ? 0b0110 : cmp < 0 ? 0b1000 : 0b0010;
}

/** FPRoundInt (FRINT*): `exact` raises Inexact (FRINTX). */
export function genRoundInt(f: Fmt, a: bigint, rounding: number, exact: boolean, s: CpuState): bigint {
  const fpcr = s.fpcr;
  const u = unpack(f, a, s, fpcr);
  if (isNaNT(u.t)) return processNaNB(f, u.t, a, s, fpcr);
  if (u.t === T_INF) return infB(f, u.sign);
  if (u.t === T_ZERO) return zeroB(f, u.sign);
  const { q, err } = roundToInteger(u, 0, rounding);
  if (err && exact) s.fpsr |= IXC;
  if (q === 0n) return zeroB(f, u.sign);
  const mag = q < 0n ? -q : q;
  return roundB(f, q < 0n ? 1 : 0, mag, 0, s, fpcr, RZ);
}

/** Signed integer nearest to value*2^fbits in the given rounding; err = inexact. */
function roundToInteger(u: Unp, fbits: number, rounding: number): { q: bigint; err: boolean } {
  const e = u.e + fbits;
  const v = u.sign ? -u.m : u.m;
  if (e >= 0) return { q: v << BigInt(e), err: false };
  const sh = BigInt(-e);
  const fl = v >> sh; // floor
  const r = v - (fl << sh); // 0 <= r < 2^sh
  const h = 1n << (sh - 1n);
  let up = false;
  switch (rounding) {
    case RN:
      up = r > h || (r === h && (fl & 1n) === 1n);
      break;
    case RP:
      up = r !== 0n;
      break;
    case RM:
      up = false;
      break;
    case RZ:
      up = r !== 0n && fl < 0n;
      break;
    case RA:
      up = r > h || (r === h && fl >= 0n);
      break;
  }
  return { q: up ? fl + 1n : fl, err: r !== 0n };
}

/** FPToFixed: result as a BigInt two's complement value of `intBits` bits (unsigned range if `unsigned`). */
export function genToInt(
  f: Fmt,
  a: bigint,
  fbits: number,
  unsigned: boolean,
  intBits: number,
  rounding: number,
  s: CpuState,
): bigint {
  const fpcr = s.fpcr;
  const u = unpack(f, a, s, fpcr);
  let q: bigint;
  let err = false;
  if (isNaNT(u.t)) {
    s.fpsr |= IOC;
    return 0n;
  }
  if (u.t === T_INF) q = u.sign ? -(1n << 2000n) : 1n << 2000n;
  else if (u.t === T_ZERO) q = 0n;
  else ({ q, err } = roundToInteger(u, fbits, rounding));
  const lo = unsigned ? 0n : -(1n << BigInt(intBits - 1));
  const hi = unsigned ? (1n << BigInt(intBits)) - 1n : (1n << BigInt(intBits - 1)) - 1n;
  if (q < lo || q > hi) {
    s.fpsr |= IOC;
    q = q < lo ? lo : hi;
  } else if (err) {
    s.fpsr |= IXC;
  }
  return BigInt.asUintN(intBits, q);
}

/** FixedToFP: value / 2^fbits rounded to f. */
export function genFromInt(f: Fmt, v: bigint, fbits: number, rounding: number, s: CpuState): bigint {
  if (v === 0n) return zeroB(f, 0);
  return roundB(f, v < 0n ? 1 : 0, v < 0n ? -v : v, -fbits, s, s.fpcr, rounding);
}

/** FPConvert between formats (FCVT, FCVTN, FCVTL, FCVTXN with RODD). */
export function genConvert(from: Fmt, to: Fmt, a: bigint, rounding: number, s: CpuState): bigint {
  const fpcr = s.fpcr;
  const ahp = (fpcr & FPCR_AHP) !== 0;
  const u = unpack(from, a, s, fpcr, ahp);
  const altHp = to.N === 16 && ahp;
  if (isNaNT(u.t)) {
    let r: bigint;
    if (altHp) r = zeroB(to, u.sign);
    else if (fpcr & FPCR_DN) r = defaultNaNB(to);
    else {
      // FPConvertNaN: sign, quiet bit set, payload's top bits moved across.
      const payload = a & (from.fracMask >> 1n);
      const moved = to.F >= from.F ? payload << BigInt(to.F - from.F) : payload >> BigInt(from.F - to.F);
      r = (BigInt(u.sign) << to.bN1) | (to.expMaskB << to.bF) | to.quiet | moved;
    }
    if (u.t === T_SNAN || altHp) s.fpsr |= IOC;
    return r;
  }
  if (u.t === T_INF) {
    if (altHp) {
      s.fpsr |= IOC;
      return (BigInt(u.sign) << to.bN1) | ((1n << to.bN1) - 1n);
    }
    return infB(to, u.sign);
  }
  if (u.t === T_ZERO) return zeroB(to, u.sign);
  return roundB(to, u.sign, u.m, u.e, s, fpcr, rounding, altHp);
}

/** FPRecipEstimate (FRECPE). */
export function genRecipEstimate(f: Fmt, a: bigint, s: CpuState): bigint {
  const fpcr = s.fpcr;
  const u = unpack(f, a, s, fpcr);
  if (isNaNT(u.t)) return processNaNB(f, u.t, a, s, fpcr);
  if (u.t === T_INF) return zeroB(f, u.sign);
  if (u.t === T_ZERO) {
    s.fpsr |= DZC;
    return infB(f, u.sign);
  }
  const exponent = u.e + bitLength(u.m) - 1; // value in [2^exponent, 2^(exponent+1))
  const tinyLimit = f.N === 16 ? -16 : f.N === 32 ? -128 : -1024;
  if (exponent < tinyLimit) {
    const rm = fpcrRounding(fpcr);
    const toInf = rm === RN || (rm === RP && u.sign === 0) || (rm === RM && u.sign === 1);
    s.fpsr |= OFC | IXC;
    return toInf ? infB(f, u.sign) : maxNormalB(f, u.sign);
  }
  if (f.N !== 16 && fpcr & FPCR_FZ && exponent >= (f.N === 32 ? 126 : 1022)) {
    s.fpsr |= UFC;
    return zeroB(f, u.sign);
  }
  let fraction = (a & f.fracMask) << BigInt(52 - f.F);
  let exp = Number((a >> f.bF) & f.expMaskB);
  if (exp === 0) {
    if (((fraction >> 51n) & 1n) === 0n) {
      exp = -1;
      fraction = (fraction << 2n) & ((1n << 52n) - 1n);
    } else {
      fraction = (fraction << 1n) & ((1n << 52n) - 1n);
    }
  }
  const scaled = 256 + Number(fraction >> 44n);
  let resultExp = (f.N === 16 ? 29 : f.N === 32 ? 253 : 2045) - exp;
  const estimate = recipEstimate(scaled);
  let fr = BigInt(estimate & 0xff) << 44n;
  if (resultExp === 0) fr = (1n << 51n) | (fr >> 1n);
  else if (resultExp === -1) {
    fr = (1n << 50n) | (fr >> 2n);
    resultExp = 0;
  }
  return (BigInt(u.sign) << f.bN1) | (BigInt(resultExp) << f.bF) | (fr >> BigInt(52 - f.F));
}

function recipEstimate(a: number): number {
  const a2 = a * 2 + 1;
  const b = Math.floor(2 ** 19 / a2);
  return (b + 1) >> 1;
}

function recipSqrtEstimate(a: number): number {
  const x = a < 256 ? a * 2 + 1 : (((a >> 1) << 1) + 1) * 2;
  let b = 512;
  while (x * (b + 1) * (b + 1) < 2 ** 28) b++;
  return (b + 1) >> 1;
}

/** FPRSqrtEstimate (FRSQRTE). */
export function genRSqrtEstimate(f: Fmt, a: bigint, s: CpuState): bigint {
  const fpcr = s.fpcr;
  const u = unpack(f, a, s, fpcr);
  if (isNaNT(u.t)) return processNaNB(f, u.t, a, s, fpcr);
  if (u.t === T_ZERO) {
    s.fpsr |= DZC;
    return infB(f, u.sign);
  }
  if (u.sign) {
    s.fpsr |= IOC;
    return defaultNaNB(f);
  }
  if (u.t === T_INF) return zeroB(f, 0);
  let fraction = (a & f.fracMask) << BigInt(52 - f.F);
  let exp = Number((a >> f.bF) & f.expMaskB);
  const M52 = (1n << 52n) - 1n;
  if (exp === 0) {
    while (((fraction >> 51n) & 1n) === 0n) {
      fraction = (fraction << 1n) & M52;
      exp -= 1;
    }
    fraction = (fraction << 1n) & M52;
  }
  const scaled = (exp & 1) === 0 ? 256 + Number(fraction >> 44n) : 128 + Number(fraction >> 45n);
  const resultExp = Math.floor(((f.N === 16 ? 44 : f.N === 32 ? 380 : 3068) - exp) / 2);
  const estimate = recipSqrtEstimate(scaled);
  return (BigInt(resultExp) << f.bF) | (BigInt(estimate & 0xff) << BigInt(f.F - 8));
}

/** FPRecpX (FRECPX). */
export function genRecpX(f: Fmt, a: bigint, s: CpuState): bigint {
  const fpcr = s.fpcr;
  const u = unpack(f, a, s, fpcr);
  if (isNaNT(u.t)) return processNaNB(f, u.t, a, s, fpcr);
  const exp = (a >> f.bF) & f.expMaskB;
  const sign = BigInt(u.sign) << f.bN1;
  if (exp === 0n) return sign | ((f.expMaskB - 1n) << f.bF);
  return sign | ((~exp & f.expMaskB) << f.bF);
}

// ---- BigInt <-> bits glue -----------------------------------------------------------------------

export function b32(a: number): bigint {
  return BigInt(a >>> 0);
}
export function b64(hi: number, lo: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}
export function n32(v: bigint): number {
  return Number(v & 0xffffffffn) | 0;
}
/** Low half of a 64-bit BigInt; high half to `out.hi`. */
export function n64(v: bigint): number {
  out.hi = Number((v >> 32n) & 0xffffffffn) | 0;
  return Number(v & 0xffffffffn) | 0;
}

// ---- fast paths ---------------------------------------------------------------------------------

const MIN32 = 2 ** -126;
const MAX32 = (2 - 2 ** -23) * 2 ** 127;
const MIN64 = 2 ** -1022;
const MAX64 = Number.MAX_VALUE;

/** Both exponent fields neither 0 nor all-ones. */
function normal32(a: number): boolean {
  return (((a >>> 23) & 0xff) - 1) >>> 0 < 0xfe;
}
function normal64(hi: number): boolean {
  return (((hi >>> 20) & 0x7ff) - 1) >>> 0 < 0x7fe;
}

/** Normal with |x| < 2^1021: TwoSum intermediates cannot overflow. */
function mid64(hi: number): boolean {
  return (((hi >>> 20) & 0x7ff) - 1) >>> 0 < 0x7fb;
}

function nextAway32(r: number): number {
  return f32(bits32(r) + 1);
}
function nextToward0_32(r: number): number {
  return f32(bits32(r) - 1);
}

/**
 * Finishes a single result r (a single in the normal range, strictly inside (MIN, MAX)), given
 * the sign of (exact - r): flags and directed rounding.
 */
function fin32(s: CpuState, r: number, c: number): number {
  if (c !== 0) {
    s.fpsr |= IXC;
    const rm = (s.fpcr >>> 22) & 3;
    if (rm !== RN) {
      // Does the exact value lie away from zero relative to r?
      const away = c > 0 === r > 0;
      if (rm === RZ) {
        if (!away) r = nextToward0_32(r);
      } else if (rm === RP ? c > 0 : c < 0) {
        r = away ? nextAway32(r) : nextToward0_32(r);
      }
    }
  }
  return bits32(r);
}

function fin64(s: CpuState, r: number, c: number): number {
  let lo = bits64(r);
  if (c !== 0) {
    s.fpsr |= IXC;
    const rm = (s.fpcr >>> 22) & 3;
    if (rm !== RN) {
      const away = c > 0 === r > 0;
      let step = 0;
      if (rm === RZ) {
        if (!away) step = -1;
      } else if (rm === RP ? c > 0 : c < 0) {
        step = away ? 1 : -1;
      }
      if (step !== 0) {
        const u = (lo >>> 0) + step;
        if (u === 0x100000000) {
          lo = 0;
          out.hi += 1;
        } else if (u === -1) {
          lo = -1;
          out.hi -= 1;
        } else lo = u | 0;
      }
    }
  }
  return lo;
}

/*
 * Directed rounding in fin32/fin64: r is the round-to-nearest result and c the sign of
 * (exact - r). RP: if exact > r step up (away from zero for r > 0, toward zero for r < 0), else
 * keep r. RM symmetrically. RZ: step toward zero when the exact value is closer to zero than r.
 */

function slow32(s: CpuState, op: number, a: number, b: number): number {
  return n32(genBin(FS, op, b32(a), b32(b), s));
}
function slow64(s: CpuState, op: number, ahi: number, alo: number, bhi: number, blo: number): number {
  return n64(genBin(FD, op, b64(ahi, alo), b64(bhi, blo), s));
}

/** Single-precision a + sign*b: exact error term via TwoSum, rounding finished by fin32. */
function addsub32(s: CpuState, a: number, b: number, sign: 1 | -1, op: number): number {
  if (normal32(a) && normal32(b)) {
    const x = f32(a);
    const y = sign * f32(b);
    const d = x + y;
    const r = Math.fround(d);
    const ar = Math.abs(r);
    if (ar > MIN32 && ar < MAX32) {
      let c = d - r;
      if (c === 0) {
        const bb = d - x;
        c = x - (d - bb) + (y - bb);
      }
      return fin32(s, r, c);
    }
  }
  return slow32(s, op, a, b);
}

export function fadd32(s: CpuState, a: number, b: number): number {
  return addsub32(s, a, b, 1, OP_ADD);
}

export function fsub32(s: CpuState, a: number, b: number): number {
  return addsub32(s, a, b, -1, OP_SUB);
}

export function fmul32(s: CpuState, a: number, b: number): number {
  if (normal32(a) && normal32(b)) {
    const d = f32(a) * f32(b);
    const r = Math.fround(d);
    const ar = Math.abs(r);
    if (ar > MIN32 && ar < MAX32) return fin32(s, r, d - r);
  }
  return slow32(s, OP_MUL, a, b);
}

export function fdiv32(s: CpuState, a: number, b: number): number {
  if (normal32(a) && normal32(b)) {
    const x = f32(a);
    const y = f32(b);
    const r = Math.fround(x / y);
    const ar = Math.abs(r);
    if (ar > MIN32 && ar < MAX32) {
      const rem = x - r * y;
      return fin32(s, r, y > 0 ? rem : -rem);
    }
  }
  return slow32(s, OP_DIV, a, b);
}

export function fsqrt32(s: CpuState, a: number): number {
  if (normal32(a) && a > 0) {
    const x = f32(a);
    const r = Math.fround(Math.sqrt(x));
    return fin32(s, r, x - r * r);
  }
  return n32(genSqrt(FS, b32(a), s));
}

/** Fused a + n*m (single). */
export function ffma32(s: CpuState, a: number, n: number, m: number): number {
  if (normal32(a) && normal32(n) && normal32(m)) {
    const z = f32(a);
    const p = f32(n) * f32(m); // exact
    const d = p + z;
    const bb = d - p;
    const t = p - (d - bb) + (z - bb); // exact = d + t
    const r = Math.fround(d);
    const ar = Math.abs(r);
    if (ar > MIN32 && ar < MAX32) {
      const c = d - r;
      if (t === 0 || c === 0) return fin32(s, r, c !== 0 ? c : t);
      // d inexact and not single: only a tie needs care (d exactly halfway between singles).
      SF64[0] = d;
      if (((SI[0] as number) & 0x1fffffff) !== 0x10000000) return fin32(s, r, c);
    }
  }
  return n32(genFma(FS, b32(a), b32(n), b32(m), s));
}

export function fadd64(s: CpuState, ahi: number, alo: number, bhi: number, blo: number): number {
  if (mid64(ahi) && mid64(bhi)) {
    const x = f64(ahi, alo);
    const y = f64(bhi, blo);
    const r = x + y;
    const ar = Math.abs(r);
    if (ar > MIN64 && ar < MAX64) {
      const bb = r - x;
      return fin64(s, r, x - (r - bb) + (y - bb));
    }
  }
  return slow64(s, OP_ADD, ahi, alo, bhi, blo);
}

export function fsub64(s: CpuState, ahi: number, alo: number, bhi: number, blo: number): number {
  if (mid64(ahi) && mid64(bhi)) {
    const x = f64(ahi, alo);
    const y = -f64(bhi, blo);
    const r = x + y;
    const ar = Math.abs(r);
    if (ar > MIN64 && ar < MAX64) {
      const bb = r - x;
      return fin64(s, r, x - (r - bb) + (y - bb));
    }
  }
  return slow64(s, OP_SUB, ahi, alo, bhi, blo);
}

const SPLIT = 134217729;
const LIM_HI = 2 ** 995;
const LIM_LO = 2 ** -900;
/** Products near this bound keep Dekker's partial products finite. */
const LIM_TOP = 2 ** 1020;

/** Error of the product x*y given p = fl(x*y) (Dekker); needs |x|,|y| < 2^995, |p| > 2^-900. */
function prodErr(x: number, y: number, p: number): number {
  let t = SPLIT * x;
  const xh = t - (t - x);
  const xl = x - xh;
  t = SPLIT * y;
  const yh = t - (t - y);
  const yl = y - yh;
  return xh * yh - p + xh * yl + xl * yh + xl * yl;
}

export function fmul64(s: CpuState, ahi: number, alo: number, bhi: number, blo: number): number {
  if (normal64(ahi) && normal64(bhi)) {
    const x = f64(ahi, alo);
    const y = f64(bhi, blo);
    const r = x * y;
    const ar = Math.abs(r);
    if (ar > LIM_LO && ar < LIM_TOP && Math.abs(x) < LIM_HI && Math.abs(y) < LIM_HI) {
      return fin64(s, r, prodErr(x, y, r));
    }
  }
  return slow64(s, OP_MUL, ahi, alo, bhi, blo);
}

export function fdiv64(s: CpuState, ahi: number, alo: number, bhi: number, blo: number): number {
  if (normal64(ahi) && normal64(bhi)) {
    const x = f64(ahi, alo);
    const y = f64(bhi, blo);
    const r = x / y;
    const ar = Math.abs(r);
    const ax = Math.abs(x);
    if (ar > MIN64 && ar < LIM_HI && Math.abs(y) < LIM_HI && ax > LIM_LO && ax < LIM_TOP) {
      const p = r * y;
      const rem = x - p - prodErr(r, y, p);
      return fin64(s, r, y > 0 ? rem : -rem);
    }
  }
  return slow64(s, OP_DIV, ahi, alo, bhi, blo);
}

export function fsqrt64(s: CpuState, hi: number, lo: number): number {
  if (normal64(hi) && hi > 0) {
    const x = f64(hi, lo);
    if (x > LIM_LO && x < LIM_TOP) {
      const r = Math.sqrt(x);
      const p = r * r;
      return fin64(s, r, x - p - prodErr(r, r, p));
    }
  }
  return n64(genSqrt(FD, b64(hi, lo), s));
}

/** Result of fmaCore: the round-to-nearest result and the sign of (exact - result), 0 if exact. */
const FMA = new Float64Array(2);
/**
 * Operands of fmaCore: z, x, y. Passed through memory, not as arguments: optimized code boxes a
 * double argument of a call it does not inline into a new heap number, and the vector FMLA of the
 * programs benchmark's matrix workload allocated 58 MB that way (a third of all its allocation).
 */
const FMA_IN = new Float64Array(3);

/**
 * Fused z + x*y on doubles when it is decidable without the generic path: x and y normal (or
 * one of them zero with z normal: the result is z), z normal or zero, the result normal. Leaves
 * the round-to-nearest result in FMA[0] and the direction of its error in FMA[1]; false: use the
 * generic path. With p + e = x*y (Dekker), s1 + t = z + p and u + w = t + e (TwoSums), the exact
 * value is s1 + u + w, and r = fl(s1 + u) with error c. When the TwoSum of z and p was inexact,
 * |u| stays within a few ulps of s1, so s1 + u and the midpoints next to r lie on a grid of
 * ulp(u) while |w| <= ulp(u)/2: w cannot move the value across a midpoint or r when c is not 0;
 * c = 0 and ties (|c| a power of two) take the generic path.
 */
function fmaCore(): boolean {
  const z = FMA_IN[0] as number;
  const x = FMA_IN[1] as number;
  const y = FMA_IN[2] as number;
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  const az = Math.abs(z);
  if (!(ax >= MIN64 && ax < LIM_HI && ay >= MIN64 && ay < LIM_HI)) {
    // 0 * finite normal-or-zero + normal z = z exactly (no flags; zero operands are not flushed).
    if ((x === 0 || y === 0) && az >= MIN64 && az <= MAX64 && (ax === 0 || ax >= MIN64) && (ay === 0 || ay >= MIN64)) {
      if (ax <= MAX64 && ay <= MAX64) {
        FMA[0] = z;
        FMA[1] = 0;
        return true;
      }
    }
    return false;
  }
  const p = x * y;
  const ap = Math.abs(p);
  if (!(ap > LIM_LO && ap < LIM_HI)) return false;
  const e = prodErr(x, y, p);
  if (z === 0) {
    // A zero addend leaves the product: x*y is not zero here, so the sign of z does not matter.
    FMA[0] = p;
    FMA[1] = e;
    return true;
  }
  if (!(az >= MIN64 && az < LIM_HI)) return false;
  const s1 = z + p;
  let bb = s1 - z;
  const t = z - (s1 - bb) + (p - bb);
  const u = t + e;
  bb = u - t;
  const w = t - (u - bb) + (e - bb);
  const r = s1 + u;
  const ar = Math.abs(r);
  if (!(ar > MIN64 && ar < MAX64)) return false;
  bb = r - s1;
  const c = s1 - (r - bb) + (u - bb);
  if (w !== 0) {
    // Exact sum on a double, or a tie: left to the generic path (rare).
    if (c === 0) return false;
    if (pow2(c)) return false;
  }
  FMA[0] = r;
  FMA[1] = c;
  return true;
}

/** True when |c| (not zero) is a power of two: a tie of the fused sum (see fmaCore). */
export function pow2(c: number): boolean {
  SF64[0] = c;
  return ((SI[1] as number) & 0xfffff) === 0 && SI[0] === 0;
}

/** Fused a + n*m (double). */
export function ffma64(
  s: CpuState,
  ahi: number,
  alo: number,
  nhi: number,
  nlo: number,
  mhi: number,
  mlo: number,
): number {
  FMA_IN[0] = f64(ahi, alo);
  FMA_IN[1] = f64(nhi, nlo);
  FMA_IN[2] = f64(mhi, mlo);
  if (fmaCore()) return fin64(s, FMA[0] as number, FMA[1] as number);
  return n64(genFma(FD, b64(ahi, alo), b64(nhi, nlo), b64(mhi, mlo), s));
}

/**
 * Lane form for vector FMLA/FMLS on doubles: z + x*y with the operands' D-lane indices into
 * s.vf64 (x negated when negN); the result's bits go to res[k], res[k + 1] (lo, hi).
 */
export function ffma64lane(
  s: CpuState,
  res: Int32Array,
  k: number,
  zi: number,
  xi: number,
  yi: number,
  negN: boolean,
): void {
  const vf = s.vf64;
  const z = vf[zi] as number;
  const x = vf[xi] as number;
  const y = vf[yi] as number;
  FMA_IN[0] = z;
  FMA_IN[1] = negN ? -x : x;
  FMA_IN[2] = y;
  if (fmaCore()) {
    const c = FMA[1] as number;
    if (c === 0 || ((s.fpcr >>> 22) & 3) === RN) {
      if (c !== 0) s.fpsr |= IXC;
      SF64[0] = FMA[0] as number;
      res[k] = SI[0] as number;
      res[k + 1] = SI[1] as number;
      return;
    }
  }
  const vi = s.vi;
  res[k] = ffma64(
    s,
    vi[2 * zi + 1] as number,
    vi[2 * zi] as number,
    (vi[2 * xi + 1] as number) ^ (negN ? 0x80000000 : 0),
    vi[2 * xi] as number,
    vi[2 * yi + 1] as number,
    vi[2 * yi] as number,
  );
  res[k + 1] = out.hi;
}

/** Lane results of the vector FMLA/FMLS below, written to the destination once all are known. */
const VT = new Int32Array(4);
const VD = new Float64Array(2);

/**
 * FMLA/FMLS (vector) on `lanes` doubles: Vd += (-)Vn * Vm lanewise, or by element `idx` of Vm
 * when idx >= 0. Shared by the interpreter (isa/simd_fp.ts) and the translation tier's snippet.
 */
export function fmla64vec(
  s: CpuState,
  lanes: number,
  d: number,
  n: number,
  m: number,
  idx: number,
  neg: boolean,
): void {
  const dl = d << 1;
  const nl = n << 1;
  const ml = m << 1;
  // Every lane decided by fmaCore in round to nearest: the results are normal doubles, stored as
  // doubles with no bit conversion. Otherwise all lanes again through ffma64lane (lanes only ever
  // add IXC to FPSR, so computing a lane twice changes nothing).
  const vf = s.vf64;
  const rn = ((s.fpcr >>> 22) & 3) === RN;
  let lane = 0;
  for (; lane < lanes; lane++) {
    const x = vf[nl + lane] as number;
    FMA_IN[0] = vf[dl + lane] as number;
    FMA_IN[1] = neg ? -x : x;
    FMA_IN[2] = vf[ml + (idx >= 0 ? idx : lane)] as number;
    if (!fmaCore()) break;
    const c = FMA[1] as number;
    if (c !== 0) {
      if (!rn) break;
      s.fpsr |= IXC;
    }
    VD[lane] = FMA[0] as number;
  }
  if (lane === lanes) {
    for (let i = 0; i < lanes; i++) vf[dl + i] = VD[i] as number;
    if (lanes === 1) vf[dl + 1] = 0;
    return;
  }
  for (let i = 0; i < lanes; i++) ffma64lane(s, VT, 2 * i, dl + i, nl + i, ml + (idx >= 0 ? idx : i), neg);
  const vi = s.vi;
  const di = d << 2;
  for (let i = 0; i < 2 * lanes; i++) vi[di + i] = VT[i] as number;
  for (let i = 2 * lanes; i < 4; i++) vi[di + i] = 0;
}

/** FMLA/FMLS (vector) on `lanes` singles, as fmla64vec. */
export function fmla32vec(
  s: CpuState,
  lanes: number,
  d: number,
  n: number,
  m: number,
  idx: number,
  neg: boolean,
): void {
  const vi = s.vi;
  const di = d << 2;
  const ni = n << 2;
  const mi = m << 2;
  const x = neg ? 0x80000000 : 0;
  for (let i = 0; i < lanes; i++) {
    VT[i] = ffma32(s, vi[di + i] as number, (vi[ni + i] as number) ^ x, vi[mi + (idx >= 0 ? idx : i)] as number);
  }
  for (let i = 0; i < lanes; i++) vi[di + i] = VT[i] as number;
  for (let i = lanes; i < 4; i++) vi[di + i] = 0;
}

// ---- register-file forms (translation tier and scalar ops) -------------------------------------
//
// The same operations on vector register indices: operands are read as doubles/singles straight
// from the register file, and results that need neither directed rounding nor the generic path
// are written back without any bit conversion. Every other case goes through the functions
// above with the same operands, so the results and FPSR flags are those of the functions above.

/** Writes bits lo/hi (hi in `out.hi` when from a helper) to D[d], zeroing bits 127..64. */
function putD(vi: Int32Array, k: number, lo: number, hi: number): void {
  vi[k] = lo;
  vi[k + 1] = hi;
  vi[k + 2] = 0;
  vi[k + 3] = 0;
}

function putS(vi: Int32Array, k: number, v: number): void {
  vi[k] = v;
  vi[k + 1] = 0;
  vi[k + 2] = 0;
  vi[k + 3] = 0;
}

/** D[d] = D[n] + D[m] (sub: D[n] - D[m]). */
export function faddsub64v(s: CpuState, d: number, n: number, m: number, sub: boolean): void {
  const vi = s.vi;
  const i = n << 2;
  const j = m << 2;
  const ahi = vi[i + 1] as number;
  const bhi = vi[j + 1] as number;
  if (mid64(ahi) && mid64(bhi)) {
    const vf = s.vf64;
    const x = vf[n << 1] as number;
    const y = sub ? -(vf[m << 1] as number) : (vf[m << 1] as number);
    const r = x + y;
    const ar = Math.abs(r);
    if (ar > MIN64 && ar < MAX64) {
      const bb = r - x;
      const c = x - (r - bb) + (y - bb);
      if (c === 0 || ((s.fpcr >>> 22) & 3) === RN) {
        if (c !== 0) s.fpsr |= IXC;
        vf[d << 1] = r;
        vi[(d << 2) + 2] = 0;
        vi[(d << 2) + 3] = 0;
        return;
      }
    }
  }
  const lo = sub
    ? fsub64(s, ahi, vi[i] as number, bhi, vi[j] as number)
    : fadd64(s, ahi, vi[i] as number, bhi, vi[j] as number);
  putD(vi, d << 2, lo, out.hi);
}

/** D[d] = D[n] * D[m]. */
export function fmul64v(s: CpuState, d: number, n: number, m: number): void {
  const vi = s.vi;
  const i = n << 2;
  const j = m << 2;
  const ahi = vi[i + 1] as number;
  const bhi = vi[j + 1] as number;
  if (normal64(ahi) && normal64(bhi)) {
    const vf = s.vf64;
    const x = vf[n << 1] as number;
    const y = vf[m << 1] as number;
    const r = x * y;
    const ar = Math.abs(r);
    if (ar > LIM_LO && ar < LIM_TOP && Math.abs(x) < LIM_HI && Math.abs(y) < LIM_HI) {
      const c = prodErr(x, y, r);
      if (c === 0 || ((s.fpcr >>> 22) & 3) === RN) {
        if (c !== 0) s.fpsr |= IXC;
        vf[d << 1] = r;
        vi[(d << 2) + 2] = 0;
        vi[(d << 2) + 3] = 0;
        return;
      }
    }
  }
  const lo = fmul64(s, ahi, vi[i] as number, bhi, vi[j] as number);
  putD(vi, d << 2, lo, out.hi);
}

/** D[d] = D[n] / D[m]. */
export function fdiv64v(s: CpuState, d: number, n: number, m: number): void {
  const vi = s.vi;
  const i = n << 2;
  const j = m << 2;
  const ahi = vi[i + 1] as number;
  const bhi = vi[j + 1] as number;
  if (normal64(ahi) && normal64(bhi)) {
    const vf = s.vf64;
    const x = vf[n << 1] as number;
    const y = vf[m << 1] as number;
    const r = x / y;
    const ar = Math.abs(r);
    const ax = Math.abs(x);
    if (ar > MIN64 && ar < LIM_HI && Math.abs(y) < LIM_HI && ax > LIM_LO && ax < LIM_TOP) {
      const p = r * y;
      const rem = x - p - prodErr(r, y, p);
      if (rem === 0 || ((s.fpcr >>> 22) & 3) === RN) {
        if (rem !== 0) s.fpsr |= IXC;
        vf[d << 1] = r;
        vi[(d << 2) + 2] = 0;
        vi[(d << 2) + 3] = 0;
        return;
      }
    }
  }
  const lo = fdiv64(s, ahi, vi[i] as number, bhi, vi[j] as number);
  putD(vi, d << 2, lo, out.hi);
}

/** D[d] = (D[a] ^ negA) + (D[n] ^ negN) * D[m], fused (negA/negN: 0 or 0x80000000). */
export function ffma64v(s: CpuState, d: number, a: number, n: number, m: number, negA: number, negN: number): void {
  const vf = s.vf64;
  const z = vf[a << 1] as number;
  const x = vf[n << 1] as number;
  FMA_IN[0] = negA !== 0 ? -z : z;
  FMA_IN[1] = negN !== 0 ? -x : x;
  FMA_IN[2] = vf[m << 1] as number;
  if (fmaCore()) {
    const c = FMA[1] as number;
    if (c === 0 || ((s.fpcr >>> 22) & 3) === RN) {
      if (c !== 0) s.fpsr |= IXC;
      vf[d << 1] = FMA[0] as number;
      s.vi[(d << 2) + 2] = 0;
      s.vi[(d << 2) + 3] = 0;
      return;
    }
  }
  const vi = s.vi;
  const ka = a << 2;
  const i = n << 2;
  const j = m << 2;
  const lo = ffma64(
    s,
    (vi[ka + 1] as number) ^ negA,
    vi[ka] as number,
    (vi[i + 1] as number) ^ negN,
    vi[i] as number,
    vi[j + 1] as number,
    vi[j] as number,
  );
  putD(vi, d << 2, lo, out.hi);
}

/** S[d] = S[n] op S[m] for op 0 mul, 1 div, 2 add, 3 sub (the FP_DP2 opcodes). */
export function fbin32v(s: CpuState, op: number, d: number, n: number, m: number): void {
  const vi = s.vi;
  const a = vi[n << 2] as number;
  const b = vi[m << 2] as number;
  if (normal32(a) && normal32(b)) {
    const vs = s.vf32;
    const x = vs[n << 2] as number;
    const y = vs[m << 2] as number;
    let r: number;
    let c: number;
    if (op === 0) {
      const e = x * y;
      r = Math.fround(e);
      c = e - r;
    } else if (op === 1) {
      r = Math.fround(x / y);
      const rem = x - r * y;
      c = y > 0 ? rem : -rem;
    } else {
      const yy = op === 3 ? -y : y;
      const e = x + yy;
      r = Math.fround(e);
      c = e - r;
      if (c === 0) {
        const bb = e - x;
        c = x - (e - bb) + (yy - bb);
      }
    }
    const ar = Math.abs(r);
    if (ar > MIN32 && ar < MAX32 && (c === 0 || ((s.fpcr >>> 22) & 3) === RN)) {
      if (c !== 0) s.fpsr |= IXC;
      vs[d << 2] = r;
      vi[(d << 2) + 1] = 0;
      vi[(d << 2) + 2] = 0;
      vi[(d << 2) + 3] = 0;
      return;
    }
  }
  const v = op === 0 ? fmul32(s, a, b) : op === 1 ? fdiv32(s, a, b) : op === 2 ? fadd32(s, a, b) : fsub32(s, a, b);
  putS(vi, d << 2, v);
}

/** S[d] = (S[a] ^ negA) + (S[n] ^ negN) * S[m], fused. */
export function ffma32v(s: CpuState, d: number, a: number, n: number, m: number, negA: number, negN: number): void {
  const vi = s.vi;
  const v = ffma32(s, (vi[a << 2] as number) ^ negA, (vi[n << 2] as number) ^ negN, vi[m << 2] as number);
  putS(vi, d << 2, v);
}

/** Generic two-operand op by code (max/min/mulx/recps/rsqrts and friends). */
export function fbin32(s: CpuState, op: number, a: number, b: number): number {
  switch (op) {
    case OP_ADD:
      return fadd32(s, a, b);
    case OP_SUB:
      return fsub32(s, a, b);
    case OP_MUL:
      return fmul32(s, a, b);
    case OP_DIV:
      return fdiv32(s, a, b);
    case OP_MAX:
    case OP_MIN:
    case OP_MAXNM:
    case OP_MINNM:
      if (normal32(a) && normal32(b)) {
        const x = f32(a);
        const y = f32(b);
        const max = op === OP_MAX || op === OP_MAXNM;
        return (max ? x > y : x < y) ? a : b;
      }
      break;
    case OP_MULX:
      if (normal32(a) && normal32(b)) return fmul32(s, a, b);
      break;
  }
  return slow32(s, op, a, b);
}

export function fbin64(s: CpuState, op: number, ahi: number, alo: number, bhi: number, blo: number): number {
  switch (op) {
    case OP_ADD:
      return fadd64(s, ahi, alo, bhi, blo);
    case OP_SUB:
      return fsub64(s, ahi, alo, bhi, blo);
    case OP_MUL:
      return fmul64(s, ahi, alo, bhi, blo);
    case OP_DIV:
      return fdiv64(s, ahi, alo, bhi, blo);
    case OP_MAX:
    case OP_MIN:
    case OP_MAXNM:
    case OP_MINNM:
      if (normal64(ahi) && normal64(bhi)) {
        const x = f64(ahi, alo);
        const y = f64(bhi, blo);
        const max = op === OP_MAX || op === OP_MAXNM;
        if (max ? x > y : x < y) {
          out.hi = ahi;
          return alo;
        }
        out.hi = bhi;
        return blo;
      }
      break;
    case OP_MULX:
      if (normal64(ahi) && normal64(bhi)) return fmul64(s, ahi, alo, bhi, blo);
      break;
  }
  return slow64(s, op, ahi, alo, bhi, blo);
}

// ---- comparisons ---------------------------------------------------------------------------------

export function fcmp32(s: CpuState, a: number, b: number, signalAll: boolean): number {
  if (normal32(a) && normal32(b)) {
    const x = f32(a);
    const y = f32(b);
    return x === y ? 0b0110 : x < y ? 0b1000 : 0b0010;
  }
  return genCompare(FS, b32(a), b32(b), signalAll, s);
}

export function fcmp64(s: CpuState, ahi: number, alo: number, bhi: number, blo: number, signalAll: boolean): number {
  if (normal64(ahi) && normal64(bhi)) {
    const x = f64(ahi, alo);
    const y = f64(bhi, blo);
    return x === y ? 0b0110 : x < y ? 0b1000 : 0b0010;
  }
  return genCompare(FD, b64(ahi, alo), b64(bhi, blo), signalAll, s);
}

/** Vector compares: kind 0 = EQ (quiet), 1 = GE, 2 = GT (signalling). */
export const CMP_EQ = 0;
export const CMP_GE = 1;
export const CMP_GT = 2;

function cmpResult(kind: number, nzcv: number): boolean {
  if (nzcv === 0b0011) return false;
  if (kind === CMP_EQ) return nzcv === 0b0110;
  if (kind === CMP_GE) return nzcv !== 0b1000;
  return nzcv === 0b0010;
}

export function fcmpv32(s: CpuState, kind: number, a: number, b: number): boolean {
  return cmpResult(kind, fcmp32(s, a, b, kind !== CMP_EQ));
}
export function fcmpv64(s: CpuState, kind: number, ahi: number, alo: number, bhi: number, blo: number): boolean {
  return cmpResult(kind, fcmp64(s, ahi, alo, bhi, blo, kind !== CMP_EQ));
}

// ---- conversions ------------------------------------------------------------------------------

/** FCVT S -> D. */
export function cvtSD(s: CpuState, a: number): number {
  if (normal32(a)) return bits64(f32(a));
  return n64(genConvert(FS, FD, b32(a), fpcrRounding(s.fpcr), s));
}

/** FCVT D -> S (rounding as given: FPCR's, or RODD for FCVTXN). */
export function cvtDS(s: CpuState, hi: number, lo: number, rounding: number): number {
  if (normal64(hi) && rounding !== RODD) {
    const x = f64(hi, lo);
    const r = Math.fround(x);
    const ar = Math.abs(r);
    if (ar > MIN32 && ar < MAX32) return fin32r(s, r, x - r, rounding);
  }
  return n32(genConvert(FD, FS, b64(hi, lo), rounding, s));
}

/** fin32 with an explicit rounding mode. */
function fin32r(s: CpuState, r: number, c: number, rounding: number): number {
  const save = s.fpcr;
  s.fpcr = (save & ~(3 << 22)) | ((rounding & 3) << 22);
  const v = fin32(s, r, c);
  s.fpcr = save;
  return v;
}

export function cvtHS(s: CpuState, a: number): number {
  return n32(genConvert(FH, FS, BigInt(a & 0xffff), fpcrRounding(s.fpcr), s));
}
export function cvtHD(s: CpuState, a: number): number {
  return n64(genConvert(FH, FD, BigInt(a & 0xffff), fpcrRounding(s.fpcr), s));
}
export function cvtSH(s: CpuState, a: number): number {
  return Number(genConvert(FS, FH, b32(a), fpcrRounding(s.fpcr), s));
}
export function cvtDH(s: CpuState, hi: number, lo: number): number {
  return Number(genConvert(FD, FH, b64(hi, lo), fpcrRounding(s.fpcr), s));
}

/** Integer part of x (finite, |x| < 2^53 after scaling) in a rounding mode; sets `cvtErr`. */
let cvtInexact = false;
function roundNum(x: number, rounding: number): number {
  const fl = Math.floor(x);
  const err = x - fl;
  cvtInexact = err !== 0;
  if (err === 0) return fl;
  switch (rounding) {
    case RN:
      return err > 0.5 || (err === 0.5 && fl % 2 !== 0) ? fl + 1 : fl;
    case RP:
      return fl + 1;
    case RM:
      return fl;
    case RZ:
      return fl < 0 ? fl + 1 : fl;
    default:
      return err > 0.5 || (err === 0.5 && fl >= 0) ? fl + 1 : fl;
  }
}

/**
 * FPToFixed from a double value x (already known finite and normal or zero, not flushed):
 * returns lo, hi in out.hi. `intBits` 32 or 64.
 */
function toIntNum(s: CpuState, x: number, fbits: number, unsigned: boolean, intBits: number, rounding: number): number {
  const v = roundNum(x * 2 ** fbits, rounding);
  const lim = 2 ** (unsigned ? intBits : intBits - 1);
  const lo = unsigned ? 0 : -lim;
  if (v < lo || v >= lim) {
    s.fpsr |= IOC;
    if (intBits === 32) {
      out.hi = 0;
      return v < lo ? (unsigned ? 0 : -0x80000000) : unsigned ? -1 : 0x7fffffff;
    }
    if (v < lo) {
      out.hi = unsigned ? 0 : -0x80000000;
      return 0;
    }
    out.hi = unsigned ? -1 : 0x7fffffff;
    return -1;
  }
  if (cvtInexact) s.fpsr |= IXC;
  if (intBits === 32) {
    out.hi = 0;
    return v | 0;
  }
  const hi = Math.floor(v / 4294967296);
  out.hi = hi | 0;
  return (v - hi * 4294967296) | 0;
}

/** FCVT*S/U from single; result lo (out.hi = high half for 64-bit results). */
export function toInt32(
  s: CpuState,
  a: number,
  fbits: number,
  unsigned: boolean,
  intBits: number,
  rounding: number,
): number {
  const e = (a >>> 23) & 0xff;
  if (e !== 0xff && (e !== 0 || !(s.fpcr & FPCR_FZ) || (a & 0x7fffff) === 0) && e + fbits < 127 + 52) {
    return toIntNum(s, f32(a), fbits, unsigned, intBits, rounding);
  }
  return n64(genToInt(FS, b32(a), fbits, unsigned, intBits, rounding, s));
}

export function toInt64(
  s: CpuState,
  hi: number,
  lo: number,
  fbits: number,
  unsigned: boolean,
  intBits: number,
  rounding: number,
): number {
  const e = (hi >>> 20) & 0x7ff;
  if ((e !== 0 || ((hi & 0xfffff) === 0 && lo === 0)) && e + fbits < 1023 + 52)
    return toIntNum(s, f64(hi, lo), fbits, unsigned, intBits, rounding);
  return n64(genToInt(FD, b64(hi, lo), fbits, unsigned, intBits, rounding, s));
}

/** SCVTF/UCVTF to single: integer (lo, hi; hi ignored for 32-bit sources) / 2^fbits. */
export function fromInt32(
  s: CpuState,
  lo: number,
  hi: number,
  signed: boolean,
  is64: boolean,
  fbits: number,
  rounding: number,
): number {
  const v = intValue(lo, hi, signed, is64);
  if (v !== null && v !== 0) {
    const x = v * 2 ** -fbits;
    const r = Math.fround(x);
    if (Math.abs(r) < MAX32) return fin32r(s, r, x - r, rounding);
  }
  return n32(genFromInt(FS, intBig(lo, hi, signed, is64), fbits, rounding, s));
}

export function fromInt64(
  s: CpuState,
  lo: number,
  hi: number,
  signed: boolean,
  is64: boolean,
  fbits: number,
  rounding: number,
): number {
  const v = intValue(lo, hi, signed, is64);
  if (v !== null) return bits64(v * 2 ** -fbits);
  return n64(genFromInt(FD, intBig(lo, hi, signed, is64), fbits, rounding, s));
}

/** Exact integer value as a number when it is below 2^53 in magnitude, else null. */
function intValue(lo: number, hi: number, signed: boolean, is64: boolean): number | null {
  if (!is64) return signed ? lo | 0 : lo >>> 0;
  if (signed) {
    if (hi >= -0x200000 && hi < 0x200000) return hi * 4294967296 + (lo >>> 0);
    return null;
  }
  if (hi >>> 0 < 0x200000) return (hi >>> 0) * 4294967296 + (lo >>> 0);
  return null;
}

function intBig(lo: number, hi: number, signed: boolean, is64: boolean): bigint {
  if (!is64) return signed ? BigInt(lo | 0) : BigInt(lo >>> 0);
  const u = b64(hi, lo);
  return signed ? BigInt.asIntN(64, u) : u;
}

/** FRINT* single. */
export function roundInt32(s: CpuState, a: number, rounding: number, exact: boolean): number {
  const e = (a >>> 23) & 0xff;
  if (e >= 127 + 23 && e !== 0xff) return a; // already an integer
  if (e !== 0 && e !== 0xff) {
    const x = f32(a);
    const v = roundNum(x, rounding);
    if (cvtInexact && exact) s.fpsr |= IXC;
    return v === 0 ? a & 0x80000000 : bits32(v);
  }
  return n32(genRoundInt(FS, b32(a), rounding, exact, s));
}

export function roundInt64(s: CpuState, hi: number, lo: number, rounding: number, exact: boolean): number {
  const e = (hi >>> 20) & 0x7ff;
  if (e >= 1023 + 52 && e !== 0x7ff) {
    out.hi = hi;
    return lo;
  }
  if (e !== 0 && e !== 0x7ff) {
    const x = f64(hi, lo);
    const v = roundNum(x, rounding);
    if (cvtInexact && exact) s.fpsr |= IXC;
    if (v === 0) {
      out.hi = hi & 0x80000000;
      return 0;
    }
    return bits64(v);
  }
  return n64(genRoundInt(FD, b64(hi, lo), rounding, exact, s));
}
