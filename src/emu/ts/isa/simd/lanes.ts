/**
 * What the AdvSIMD integer groups share: the scratch result and its commit (`fin`), saturation
 * and FPSR.QC, lane readers/writers by element size, 64-bit lane arithmetic on int32 halves, the
 * generic byte permutation, narrowing, and the pieces of disassembly text.
 *
 * Every op builds its result in a scratch buffer (`D*` views) reading the sources straight from
 * the register file, then commits it with `fin`/`finHi`: sources and destination may alias.
 * Lanes of 8/16/32 bits are computed with exact JS numbers; 64-bit lanes use int32 halves
 * (`lo`, with the high half in `R.hi`) so the hot path never touches BigInt.
 * Saturating helpers set the module flag `qc`; `fin` moves it into FPSR.QC (bit 27). `qc` is
 * private here: only helpers of this module saturate, so no other module needs to write it.
 *
 * The per-element-size tables (RU/RS/WD, LDU/LDS/ST) are hot-path specialisations: one closure
 * per size keeps each lane loop monomorphic, so they stay written out rather than generated.
 */
import type { CpuState, Op } from '../../state.ts';

export const QC = 1 << 27;
let qc = 0;
const DBUF = new ArrayBuffer(16);
export const D8 = new Uint8Array(DBUF);
export const D16 = new Uint16Array(DBUF);
export const D32 = new Int32Array(DBUF);

/** Writes the scratch result to Vd; `q` = 0 zeroes the upper 64 bits. Raises QC if needed. */
export function fin(s: CpuState, d: number, q: number): void {
  const o = d << 2;
  const vi = s.vi;
  vi[o] = D32[0] as number;
  vi[o + 1] = D32[1] as number;
  if (q) {
    vi[o + 2] = D32[2] as number;
    vi[o + 3] = D32[3] as number;
  } else {
    vi[o + 2] = 0;
    vi[o + 3] = 0;
  }
  if (qc) {
    s.fpsr |= QC;
    qc = 0;
  }
}

/** Narrowing "2" forms: the low 64 bits of scratch go to the upper half of Vd, the rest stays. */
export function finHi(s: CpuState, d: number): void {
  const o = d << 2;
  s.vi[o + 2] = D32[0] as number;
  s.vi[o + 3] = D32[1] as number;
  if (qc) {
    s.fpsr |= QC;
    qc = 0;
  }
}

export function finN(s: CpuState, d: number, q: number): void {
  if (q) finHi(s, d);
  else fin(s, d, 0);
}

export const SMAX = [0x7f, 0x7fff, 0x7fffffff];
export const SMIN = [-0x80, -0x8000, -0x80000000];
export const UMAX = [0xff, 0xffff, 0xffffffff];

export function sat(v: number, lo: number, hi: number): number {
  if (v > hi) {
    qc = 1;
    return hi;
  }
  if (v < lo) {
    qc = 1;
    return lo;
  }
  return v;
}

export type Rd = (s: CpuState, r: number, i: number) => number;
export const RU: Rd[] = [
  (s, r, i) => s.vb[(r << 4) + i] as number,
  (s, r, i) => s.vh[(r << 3) + i] as number,
  (s, r, i) => (s.vi[(r << 2) + i] as number) >>> 0,
];
export const RS: Rd[] = [
  (s, r, i) => ((s.vb[(r << 4) + i] as number) << 24) >> 24,
  (s, r, i) => ((s.vh[(r << 3) + i] as number) << 16) >> 16,
  (s, r, i) => s.vi[(r << 2) + i] as number,
];
export type Wr = (i: number, v: number) => void;
export const WD: Wr[] = [
  (i, v) => {
    D8[i] = v;
  },
  (i, v) => {
    D16[i] = v;
  },
  (i, v) => {
    D32[i] = v;
  },
];

/** Bulk lane loaders into number scratch (one call per operand keeps the lane loop tight). */
export const TA = new Float64Array(16);
export const TB = new Float64Array(16);
export const TC = new Float64Array(16);
export type Ld = (s: CpuState, r: number, cnt: number, t: Float64Array) => void;
export type St = (cnt: number) => void;
export const LDU: Ld[] = [
  (s, r, c, t) => {
    const b = r << 4;
    const v = s.vb;
    for (let i = 0; i < c; i++) t[i] = v[b + i] as number;
  },
  (s, r, c, t) => {
    const b = r << 3;
    const v = s.vh;
    for (let i = 0; i < c; i++) t[i] = v[b + i] as number;
  },
  (s, r, c, t) => {
    const b = r << 2;
    const v = s.vi;
    for (let i = 0; i < c; i++) t[i] = (v[b + i] as number) >>> 0;
  },
];
export const LDS: Ld[] = [
  (s, r, c, t) => {
    const b = r << 4;
    const v = s.vb;
    for (let i = 0; i < c; i++) t[i] = ((v[b + i] as number) << 24) >> 24;
  },
  (s, r, c, t) => {
    const b = r << 3;
    const v = s.vh;
    for (let i = 0; i < c; i++) t[i] = ((v[b + i] as number) << 16) >> 16;
  },
  (s, r, c, t) => {
    const b = r << 2;
    const v = s.vi;
    for (let i = 0; i < c; i++) t[i] = v[b + i] as number;
  },
];
/** Stores TA's first `cnt` lanes into the scratch result (typed-array stores wrap). */
export const ST: St[] = [
  (c) => {
    for (let i = 0; i < c; i++) D8[i] = TA[i] as number;
  },
  (c) => {
    for (let i = 0; i < c; i++) D16[i] = TA[i] as number;
  },
  (c) => {
    for (let i = 0; i < c; i++) D32[i] = TA[i] as number;
  },
];

// ---- 64-bit helpers on int32 halves (result lo returned, hi in R.hi) ------------------------

export const TWO32 = 4294967296;

/**
 * High half of pair-returning helpers, AdvSIMD's own (util.ts has the scalar one). The group
 * modules import it: a direct binding under native ESM (tsx, the CLI, vite builds); vitest's
 * module runner turns imports into property reads, which costs a little, in tests only.
 */
export const R = { hi: 0 };

/** A safe (or exactly representable, |v| < 2^64) integer as a pair. */
export function pairOf(v: number): number {
  R.hi = Math.floor(v / TWO32) | 0;
  return v | 0;
}

export function add64(al: number, ah: number, bl: number, bh: number): number {
  const lo = (al >>> 0) + (bl >>> 0);
  R.hi = (ah + bh + (lo > 0xffffffff ? 1 : 0)) | 0;
  return lo | 0;
}

export function sub64(al: number, ah: number, bl: number, bh: number): number {
  const lo = (al >>> 0) - (bl >>> 0);
  R.hi = (ah - bh - (lo < 0 ? 1 : 0)) | 0;
  return lo | 0;
}

export function ltS64(al: number, ah: number, bl: number, bh: number): boolean {
  return ah < bh || (ah === bh && al >>> 0 < bl >>> 0);
}

export function ltU64(al: number, ah: number, bl: number, bh: number): boolean {
  return ah >>> 0 < bh >>> 0 || (ah === bh && al >>> 0 < bl >>> 0);
}

export function satS64(neg: boolean): number {
  qc = 1;
  if (neg) {
    R.hi = -0x80000000;
    return 0;
  }
  R.hi = 0x7fffffff;
  return -1;
}

export function satU64(high: boolean): number {
  qc = 1;
  R.hi = high ? -1 : 0;
  return high ? -1 : 0;
}

export function sqadd64(al: number, ah: number, bl: number, bh: number): number {
  const lo = add64(al, ah, bl, bh);
  const hi = R.hi;
  if (((ah ^ hi) & (bh ^ hi)) < 0) return satS64(ah < 0);
  return lo;
}

export function sqsub64(al: number, ah: number, bl: number, bh: number): number {
  const lo = sub64(al, ah, bl, bh);
  const hi = R.hi;
  if (((ah ^ bh) & (ah ^ hi)) < 0) return satS64(ah < 0);
  return lo;
}

export function uqadd64(al: number, ah: number, bl: number, bh: number): number {
  const lo = (al >>> 0) + (bl >>> 0);
  const hi = (ah >>> 0) + (bh >>> 0) + (lo > 0xffffffff ? 1 : 0);
  if (hi > 0xffffffff) return satU64(true);
  R.hi = hi | 0;
  return lo | 0;
}

export function uqsub64(al: number, ah: number, bl: number, bh: number): number {
  if (ltU64(al, ah, bl, bh)) return satU64(false);
  return sub64(al, ah, bl, bh);
}

export function shl64(l: number, h: number, n: number): number {
  if (n === 0) {
    R.hi = h;
    return l;
  }
  if (n < 32) {
    R.hi = (h << n) | (l >>> (32 - n));
    return l << n;
  }
  R.hi = l << (n - 32);
  return 0;
}

export function lsr64(l: number, h: number, n: number): number {
  if (n === 0) {
    R.hi = h;
    return l;
  }
  if (n < 32) {
    R.hi = h >>> n;
    return (l >>> n) | (h << (32 - n));
  }
  R.hi = 0;
  return h >>> (n - 32);
}

export function asr64(l: number, h: number, n: number): number {
  if (n === 0) {
    R.hi = h;
    return l;
  }
  if (n < 32) {
    R.hi = h >> n;
    return (l >>> n) | (h << (32 - n));
  }
  R.hi = h >> 31;
  return h >> (n - 32);
}

/** Shift a 64-bit element by a signed amount (left when >= 0), with rounding / saturation. */
export function shift64(l: number, h: number, sh: number, sg: boolean, rnd: boolean, st: boolean): number {
  if (sh >= 0) {
    if (sh >= 64) {
      if (st && (l | h) !== 0) return sg ? satS64(h < 0) : satU64(true);
      R.hi = 0;
      return 0;
    }
    const rl = shl64(l, h, sh);
    const rh = R.hi;
    if (st) {
      // Shifted back, the value must be the operand: compared as int32 halves (lsr64 gives them
      // unsigned; SQSHLU d, d, #32 of 0xff800000 saturated on that).
      const bl = sg ? asr64(rl, rh, sh) : lsr64(rl, rh, sh);
      if ((bl | 0) !== (l | 0) || (R.hi | 0) !== (h | 0)) return sg ? satS64(h < 0) : satU64(true);
    }
    R.hi = rh;
    return rl;
  }
  const n = -sh;
  let rl: number;
  let rh: number;
  if (n >= 64) {
    rh = sg ? h >> 31 : 0;
    rl = rh;
  } else {
    rl = sg ? asr64(l, h, n) : lsr64(l, h, n);
    rh = R.hi;
  }
  if (rnd) {
    const k = n - 1;
    const bit = k >= 63 ? (sg ? h >>> 31 : k === 63 ? h >>> 31 : 0) : k >= 32 ? (h >>> (k - 32)) & 1 : (l >>> k) & 1;
    if (bit) return add64(rl, rh, 1, 0);
  }
  R.hi = rh;
  return rl;
}

/** Shift an 8/16/32-bit element (exact number) by a signed amount. */
export function shiftN(x: number, sh: number, z: number, sg: boolean, rnd: boolean, st: boolean): number {
  const e = 8 << z;
  if (sh >= 0) {
    if (!st) return sh >= e ? 0 : x << sh;
    if (x === 0) return 0;
    const r = x * 2 ** sh;
    return sg ? sat(r, SMIN[z] as number, SMAX[z] as number) : sat(r, 0, UMAX[z] as number);
  }
  // A right shift by k of a lane of at most 32 bits (x is an int32 when signed, else below 2^32):
  // floor(x / 2^k), plus bit k - 1 of x when rounding, with integer shifts (JavaScript's take k
  // mod 32, hence the case k >= 32: every bit is out, and the rounding bit is bit 31 or the sign).
  const k = -sh;
  if (k < 32) {
    const r = sg ? x >> k : x >>> k;
    return rnd ? r + ((x >>> (k - 1)) & 1) : r;
  }
  const neg = sg && x < 0;
  const r = neg ? -1 : 0;
  if (!rnd) return r;
  return r + (k === 32 ? (x >>> 31) & 1 : neg ? 1 : 0);
}

export function umul64(a: number, b: number): number {
  a >>>= 0;
  b >>>= 0;
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  R.hi = (ah * bh + Math.floor(((ah * bl + al * bh) * 65536 + al * bl) / TWO32)) | 0;
  return Math.imul(a, b);
}

export function smul64(a: number, b: number): number {
  const lo = umul64(a, b);
  R.hi = (R.hi - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
  return lo;
}

/** Saturating doubling multiply high (SQDMULH / SQRDMULH) for 16/32-bit elements. */
export function qdmulh(a: number, b: number, z: number, rnd: boolean): number {
  if (z === 1) return sat(Math.floor((2 * a * b + (rnd ? 0x8000 : 0)) / 65536), -0x8000, 0x7fff);
  if (a === -0x80000000 && b === -0x80000000) {
    qc = 1;
    return 0x7fffffff;
  }
  let lo = smul64(a, b);
  let hi = R.hi;
  if (rnd) {
    lo = add64(lo, hi, 0x40000000, 0);
    hi = R.hi;
  }
  return (hi << 1) | (lo >>> 31);
}

// ---- disassembly helpers --------------------------------------------------------------------

const ARR = ['8b', '16b', '4h', '8h', '2s', '4s', '1d', '2d'];
export const vr = (r: number, z: number, q: number): string => `v${r}.${ARR[z * 2 + q]}`;
const SC = 'bhsdq';
export const sr = (r: number, z: number): string => `${SC[z]}${r}`;
const EL = 'bhsd';
export const ge = (r: number, z: number, i: number): string => `v${r}.${EL[z]}[${i}]`;
export const xn = (n: number): string => (n === 31 ? 'xzr' : `x${n}`);
export const wn = (n: number): string => (n === 31 ? 'wzr' : `w${n}`);

export const B = 1;
export const H = 2;
export const S = 4;
export const Dm = 8;

export function bitsOf(v: number, w: number): string {
  return v.toString(2).padStart(w, '0');
}

/** Lanes of an arrangement. */
export function lanes(z: number, q: number): number {
  return (q ? 16 : 8) >> z;
}

export type NarrowKind = 'trunc' | 'ss' | 'uu' | 'su';
/** Saturate a 64-bit pair to 32 bits per kind. */
export function narrow64(l: number, h: number, k: NarrowKind): number {
  switch (k) {
    case 'trunc':
      return l;
    case 'ss':
      if (h === l >> 31) return l;
      qc = 1;
      return h < 0 ? -0x80000000 : 0x7fffffff;
    case 'uu':
      if (h === 0) return l;
      qc = 1;
      return -1;
    default:
      if (h < 0) {
        qc = 1;
        return 0;
      }
      if (h === 0) return l;
      qc = 1;
      return -1;
  }
}

export function narrowN(v: number, z: number, k: NarrowKind): number {
  switch (k) {
    case 'trunc':
      return v;
    case 'ss':
      return sat(v, SMIN[z] as number, SMAX[z] as number);
    default:
      return sat(v, 0, UMAX[z] as number);
  }
}

/** Generic byte permutation: D8[j] = byte perm[j] of (Vn ++ Vm ++ Vd); -1 gives 0. */
export function permExec(perm: number[], n: number, m: number, d: number, q: number): Op {
  const len = q ? 16 : 8;
  // The source byte of each result byte in the register file (-1: zero), known when the op is made.
  const at = Int16Array.from(perm.slice(0, len), (k) =>
    k < 0 ? -1 : k < 16 ? (n << 4) + k : k < 32 ? (m << 4) + k - 16 : (d << 4) + k - 32,
  );
  // Whole 32-bit words moved from word boundaries (EXT #8, DUP and ZIP of .4S lanes, ...): one
  // word at a time, from the int32 view.
  const words = Int16Array.from({ length: len >> 2 }, (_, w) => {
    const a = at[4 * w] as number;
    const whole = a >= 0 && a % 4 === 0 && [1, 2, 3].every((b) => at[4 * w + b] === a + b);
    const zero = [0, 1, 2, 3].every((b) => at[4 * w + b] === -1);
    return whole ? a >> 2 : zero ? -1 : -2;
  });
  if (words.every((w) => w !== -2)) {
    const cw = len >> 2;
    return (s) => {
      const vi = s.vi;
      for (let w = 0; w < cw; w++) {
        const a = words[w] as number;
        D32[w] = a < 0 ? 0 : (vi[a] as number);
      }
      fin(s, d, q);
    };
  }
  return (s) => {
    const vb = s.vb;
    for (let j = 0; j < len; j++) {
      const a = at[j] as number;
      D8[j] = a < 0 ? 0 : (vb[a] as number);
    }
    fin(s, d, q);
  };
}
