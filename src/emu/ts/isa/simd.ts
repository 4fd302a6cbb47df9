/**
 * Integer, bitwise and permute AdvSIMD (ARMv8.0-A), vector and scalar forms.
 *
 * Every op builds its result in a scratch buffer (`D*` views) reading the sources straight from
 * the register file, then commits it with `fin`/`finHi`: sources and destination may alias.
 * Lanes of 8/16/32 bits are computed with exact JS numbers; 64-bit lanes use int32 halves
 * (`lo`, with the high half in `R.hi`) so the hot path never touches BigInt.
 * Saturating helpers set the module flag `qc`; `fin` moves it into FPSR.QC (bit 27).
 */
import type { Fields, InsnDef } from '../decoder.ts';
import type { CpuState, Op } from '../state.ts';
import { imm } from './fmt.ts';

// ---- scratch, commit, saturation ------------------------------------------------------------

const QC = 1 << 27;
let qc = 0;
const DBUF = new ArrayBuffer(16);
const D8 = new Uint8Array(DBUF);
const D16 = new Uint16Array(DBUF);
const D32 = new Int32Array(DBUF);

/** Writes the scratch result to Vd; `q` = 0 zeroes the upper 64 bits. Raises QC if needed. */
function fin(s: CpuState, d: number, q: number): void {
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
function finHi(s: CpuState, d: number): void {
  const o = d << 2;
  s.vi[o + 2] = D32[0] as number;
  s.vi[o + 3] = D32[1] as number;
  if (qc) {
    s.fpsr |= QC;
    qc = 0;
  }
}

function finN(s: CpuState, d: number, q: number): void {
  if (q) finHi(s, d);
  else fin(s, d, 0);
}

const SMAX = [0x7f, 0x7fff, 0x7fffffff];
const SMIN = [-0x80, -0x8000, -0x80000000];
const UMAX = [0xff, 0xffff, 0xffffffff];

function sat(v: number, lo: number, hi: number): number {
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

type Rd = (s: CpuState, r: number, i: number) => number;
const RU: Rd[] = [
  (s, r, i) => s.vb[(r << 4) + i] as number,
  (s, r, i) => s.vh[(r << 3) + i] as number,
  (s, r, i) => (s.vi[(r << 2) + i] as number) >>> 0,
];
const RS: Rd[] = [
  (s, r, i) => ((s.vb[(r << 4) + i] as number) << 24) >> 24,
  (s, r, i) => ((s.vh[(r << 3) + i] as number) << 16) >> 16,
  (s, r, i) => s.vi[(r << 2) + i] as number,
];
type Wr = (i: number, v: number) => void;
const WD: Wr[] = [
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
const TA = new Float64Array(16);
const TB = new Float64Array(16);
const TC = new Float64Array(16);
type Ld = (s: CpuState, r: number, cnt: number, t: Float64Array) => void;
type St = (cnt: number) => void;
const LDU: Ld[] = [
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
const LDS: Ld[] = [
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
const ST: St[] = [
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

const TWO32 = 4294967296;

/**
 * High half of pair-returning helpers. Module-local on purpose (not util.ts's `R`): imported
 * bindings may be compiled to getter calls by the TS loaders, which costs in every lane.
 */
const R = { hi: 0 };

/** A safe (or exactly representable, |v| < 2^64) integer as a pair. */
function pairOf(v: number): number {
  R.hi = Math.floor(v / TWO32) | 0;
  return v | 0;
}

function add64(al: number, ah: number, bl: number, bh: number): number {
  const lo = (al >>> 0) + (bl >>> 0);
  R.hi = (ah + bh + (lo > 0xffffffff ? 1 : 0)) | 0;
  return lo | 0;
}

function sub64(al: number, ah: number, bl: number, bh: number): number {
  const lo = (al >>> 0) - (bl >>> 0);
  R.hi = (ah - bh - (lo < 0 ? 1 : 0)) | 0;
  return lo | 0;
}

function ltS64(al: number, ah: number, bl: number, bh: number): boolean {
  return ah < bh || (ah === bh && al >>> 0 < bl >>> 0);
}

function ltU64(al: number, ah: number, bl: number, bh: number): boolean {
  return ah >>> 0 < bh >>> 0 || (ah === bh && al >>> 0 < bl >>> 0);
}

function satS64(neg: boolean): number {
  qc = 1;
  if (neg) {
    R.hi = -0x80000000;
    return 0;
  }
  R.hi = 0x7fffffff;
  return -1;
}

function satU64(high: boolean): number {
  qc = 1;
  R.hi = high ? -1 : 0;
  return high ? -1 : 0;
}

function sqadd64(al: number, ah: number, bl: number, bh: number): number {
  const lo = add64(al, ah, bl, bh);
  const hi = R.hi;
  if (((ah ^ hi) & (bh ^ hi)) < 0) return satS64(ah < 0);
  return lo;
}

function sqsub64(al: number, ah: number, bl: number, bh: number): number {
  const lo = sub64(al, ah, bl, bh);
  const hi = R.hi;
  if (((ah ^ bh) & (ah ^ hi)) < 0) return satS64(ah < 0);
  return lo;
}

function uqadd64(al: number, ah: number, bl: number, bh: number): number {
  const lo = (al >>> 0) + (bl >>> 0);
  const hi = (ah >>> 0) + (bh >>> 0) + (lo > 0xffffffff ? 1 : 0);
  if (hi > 0xffffffff) return satU64(true);
  R.hi = hi | 0;
  return lo | 0;
}

function uqsub64(al: number, ah: number, bl: number, bh: number): number {
  if (ltU64(al, ah, bl, bh)) return satU64(false);
  return sub64(al, ah, bl, bh);
}

function shl64(l: number, h: number, n: number): number {
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

function lsr64(l: number, h: number, n: number): number {
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

function asr64(l: number, h: number, n: number): number {
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
function shift64(l: number, h: number, sh: number, sg: boolean, rnd: boolean, st: boolean): number {
  if (sh >= 0) {
    if (sh >= 64) {
      if (st && (l | h) !== 0) return sg ? satS64(h < 0) : satU64(true);
      R.hi = 0;
      return 0;
    }
    const rl = shl64(l, h, sh);
    const rh = R.hi;
    if (st) {
      const bl = sg ? asr64(rl, rh, sh) : lsr64(rl, rh, sh);
      if (bl !== l || R.hi !== h) return sg ? satS64(h < 0) : satU64(true);
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
function shiftN(x: number, sh: number, z: number, sg: boolean, rnd: boolean, st: boolean): number {
  const e = 8 << z;
  if (sh >= 0) {
    if (!st) return sh >= e ? 0 : x << sh;
    if (x === 0) return 0;
    const r = x * 2 ** sh;
    return sg ? sat(r, SMIN[z] as number, SMAX[z] as number) : sat(r, 0, UMAX[z] as number);
  }
  const p = 2 ** -sh;
  let r = Math.floor(x / p);
  if (rnd) r += Math.floor((x * 2) / p) & 1;
  return r;
}

function umul64(a: number, b: number): number {
  a >>>= 0;
  b >>>= 0;
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  R.hi = (ah * bh + Math.floor(((ah * bl + al * bh) * 65536 + al * bl) / TWO32)) | 0;
  return Math.imul(a, b);
}

function smul64(a: number, b: number): number {
  const lo = umul64(a, b);
  R.hi = (R.hi - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
  return lo;
}

/** Saturating doubling multiply high (SQDMULH / SQRDMULH) for 16/32-bit elements. */
function qdmulh(a: number, b: number, z: number, rnd: boolean): number {
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

function pmul8(a: number, b: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) if ((b >> i) & 1) r ^= a << i;
  return r;
}

function pmul8x16(a: number, b: number): number {
  return pmul8(a, b);
}

function sext8(b: number): number {
  return (b << 24) >> 24;
}

function clsN(x: number, e: number): number {
  const m = e === 32 ? 0x7fffffff : (1 << (e - 1)) - 1;
  const t = (x ^ (x >>> 1)) & m;
  return Math.clz32(t) - (33 - e);
}

function popcnt8(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}

function rbit8(x: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) r |= ((x >> i) & 1) << (7 - i);
  return r;
}

function recipEstimate(a: number): number {
  a = a * 2 + 1;
  const b = Math.floor(2 ** 19 / a);
  return Math.floor((b + 1) / 2);
}

function rsqrtEstimate(a: number): number {
  if (a < 256) a = a * 2 + 1;
  else {
    a = (a >> 1) << 1;
    a = (a + 1) * 2;
  }
  let b = 512;
  while (a * (b + 1) * (b + 1) < 2 ** 28) b++;
  return Math.floor((b + 1) / 2);
}

// ---- disassembly helpers --------------------------------------------------------------------

const ARR = ['8b', '16b', '4h', '8h', '2s', '4s', '1d', '2d'];
const vr = (r: number, z: number, q: number): string => `v${r}.${ARR[z * 2 + q]}`;
const SC = 'bhsdq';
const sr = (r: number, z: number): string => `${SC[z]}${r}`;
const EL = 'bhsd';
const ge = (r: number, z: number, i: number): string => `v${r}.${EL[z]}[${i}]`;
const x = (f: Fields, k: string): number => f[k] as number;
const xn = (n: number): string => (n === 31 ? 'xzr' : `x${n}`);
const wn = (n: number): string => (n === 31 ? 'wzr' : `w${n}`);

const B = 1;
const H = 2;
const S = 4;
const Dm = 8;

function bitsOf(v: number, w: number): string {
  return v.toString(2).padStart(w, '0');
}

/** Lanes of an arrangement. */
function lanes(z: number, q: number): number {
  return (q ? 16 : 8) >> z;
}

// ---- three same --------------------------------------------------------------------------------

type F3 = (a: number, b: number, d: number) => number;
type F64 = (al: number, ah: number, bl: number, bh: number, dl: number, dh: number) => number;

interface SameOp {
  name: string;
  u: number;
  op: number;
  sg: boolean;
  vsz: number;
  ssz: number;
  f: (z: number) => F3;
  f64?: F64;
  pair?: boolean;
}

const cmpS64 = (t: (al: number, ah: number, bl: number, bh: number) => boolean): F64 => {
  return (al, ah, bl, bh) => {
    const r = t(al, ah, bl, bh) ? -1 : 0;
    R.hi = r;
    return r;
  };
};

const sh64 =
  (sg: boolean, rnd: boolean, st: boolean): F64 =>
  (al, ah, bl) =>
    shift64(al, ah, sext8(bl), sg, rnd, st);

const SAME: SameOp[] = [
  { name: 'shadd', u: 0, op: 0, sg: true, vsz: B | H | S, ssz: 0, f: () => (a, b) => Math.floor((a + b) / 2) },
  { name: 'uhadd', u: 1, op: 0, sg: false, vsz: B | H | S, ssz: 0, f: () => (a, b) => Math.floor((a + b) / 2) },
  {
    name: 'sqadd',
    u: 0,
    op: 1,
    sg: true,
    vsz: 15,
    ssz: 15,
    f: (z) => (a, b) => sat(a + b, SMIN[z] as number, SMAX[z] as number),
    f64: sqadd64,
  },
  {
    name: 'uqadd',
    u: 1,
    op: 1,
    sg: false,
    vsz: 15,
    ssz: 15,
    f: (z) => (a, b) => sat(a + b, 0, UMAX[z] as number),
    f64: uqadd64,
  },
  { name: 'srhadd', u: 0, op: 2, sg: true, vsz: B | H | S, ssz: 0, f: () => (a, b) => Math.floor((a + b + 1) / 2) },
  { name: 'urhadd', u: 1, op: 2, sg: false, vsz: B | H | S, ssz: 0, f: () => (a, b) => Math.floor((a + b + 1) / 2) },
  { name: 'shsub', u: 0, op: 4, sg: true, vsz: B | H | S, ssz: 0, f: () => (a, b) => Math.floor((a - b) / 2) },
  { name: 'uhsub', u: 1, op: 4, sg: false, vsz: B | H | S, ssz: 0, f: () => (a, b) => Math.floor((a - b) / 2) },
  {
    name: 'sqsub',
    u: 0,
    op: 5,
    sg: true,
    vsz: 15,
    ssz: 15,
    f: (z) => (a, b) => sat(a - b, SMIN[z] as number, SMAX[z] as number),
    f64: sqsub64,
  },
  {
    name: 'uqsub',
    u: 1,
    op: 5,
    sg: false,
    vsz: 15,
    ssz: 15,
    f: (z) => (a, b) => sat(a - b, 0, UMAX[z] as number),
    f64: uqsub64,
  },
  {
    name: 'cmgt',
    u: 0,
    op: 6,
    sg: true,
    vsz: 15,
    ssz: Dm,
    f: () => (a, b) => (a > b ? -1 : 0),
    f64: cmpS64((al, ah, bl, bh) => ltS64(bl, bh, al, ah)),
  },
  {
    name: 'cmhi',
    u: 1,
    op: 6,
    sg: false,
    vsz: 15,
    ssz: Dm,
    f: () => (a, b) => (a > b ? -1 : 0),
    f64: cmpS64((al, ah, bl, bh) => ltU64(bl, bh, al, ah)),
  },
  {
    name: 'cmge',
    u: 0,
    op: 7,
    sg: true,
    vsz: 15,
    ssz: Dm,
    f: () => (a, b) => (a >= b ? -1 : 0),
    f64: cmpS64((al, ah, bl, bh) => !ltS64(al, ah, bl, bh)),
  },
  {
    name: 'cmhs',
    u: 1,
    op: 7,
    sg: false,
    vsz: 15,
    ssz: Dm,
    f: () => (a, b) => (a >= b ? -1 : 0),
    f64: cmpS64((al, ah, bl, bh) => !ltU64(al, ah, bl, bh)),
  },
  {
    name: 'sshl',
    u: 0,
    op: 8,
    sg: true,
    vsz: 15,
    ssz: Dm,
    f: (z) => (a, b) => shiftN(a, sext8(b), z, true, false, false),
    f64: sh64(true, false, false),
  },
  {
    name: 'ushl',
    u: 1,
    op: 8,
    sg: false,
    vsz: 15,
    ssz: Dm,
    f: (z) => (a, b) => shiftN(a, sext8(b), z, false, false, false),
    f64: sh64(false, false, false),
  },
  {
    name: 'sqshl',
    u: 0,
    op: 9,
    sg: true,
    vsz: 15,
    ssz: 15,
    f: (z) => (a, b) => shiftN(a, sext8(b), z, true, false, true),
    f64: sh64(true, false, true),
  },
  {
    name: 'uqshl',
    u: 1,
    op: 9,
    sg: false,
    vsz: 15,
    ssz: 15,
    f: (z) => (a, b) => shiftN(a, sext8(b), z, false, false, true),
    f64: sh64(false, false, true),
  },
  {
    name: 'srshl',
    u: 0,
    op: 10,
    sg: true,
    vsz: 15,
    ssz: Dm,
    f: (z) => (a, b) => shiftN(a, sext8(b), z, true, true, false),
    f64: sh64(true, true, false),
  },
  {
    name: 'urshl',
    u: 1,
    op: 10,
    sg: false,
    vsz: 15,
    ssz: Dm,
    f: (z) => (a, b) => shiftN(a, sext8(b), z, false, true, false),
    f64: sh64(false, true, false),
  },
  {
    name: 'sqrshl',
    u: 0,
    op: 11,
    sg: true,
    vsz: 15,
    ssz: 15,
    f: (z) => (a, b) => shiftN(a, sext8(b), z, true, true, true),
    f64: sh64(true, true, true),
  },
  {
    name: 'uqrshl',
    u: 1,
    op: 11,
    sg: false,
    vsz: 15,
    ssz: 15,
    f: (z) => (a, b) => shiftN(a, sext8(b), z, false, true, true),
    f64: sh64(false, true, true),
  },
  { name: 'smax', u: 0, op: 12, sg: true, vsz: B | H | S, ssz: 0, f: () => (a, b) => (a > b ? a : b) },
  { name: 'umax', u: 1, op: 12, sg: false, vsz: B | H | S, ssz: 0, f: () => (a, b) => (a > b ? a : b) },
  { name: 'smin', u: 0, op: 13, sg: true, vsz: B | H | S, ssz: 0, f: () => (a, b) => (a < b ? a : b) },
  { name: 'umin', u: 1, op: 13, sg: false, vsz: B | H | S, ssz: 0, f: () => (a, b) => (a < b ? a : b) },
  { name: 'sabd', u: 0, op: 14, sg: true, vsz: B | H | S, ssz: 0, f: () => (a, b) => Math.abs(a - b) },
  { name: 'uabd', u: 1, op: 14, sg: false, vsz: B | H | S, ssz: 0, f: () => (a, b) => Math.abs(a - b) },
  { name: 'saba', u: 0, op: 15, sg: true, vsz: B | H | S, ssz: 0, f: () => (a, b, d) => d + Math.abs(a - b) },
  { name: 'uaba', u: 1, op: 15, sg: false, vsz: B | H | S, ssz: 0, f: () => (a, b, d) => d + Math.abs(a - b) },
  { name: 'add', u: 0, op: 16, sg: false, vsz: 15, ssz: Dm, f: () => (a, b) => a + b, f64: add64 },
  { name: 'sub', u: 1, op: 16, sg: false, vsz: 15, ssz: Dm, f: () => (a, b) => a - b, f64: sub64 },
  {
    name: 'cmtst',
    u: 0,
    op: 17,
    sg: false,
    vsz: 15,
    ssz: Dm,
    f: () => (a, b) => ((a & b) !== 0 ? -1 : 0),
    f64: cmpS64((al, ah, bl, bh) => ((al & bl) | (ah & bh)) !== 0),
  },
  {
    name: 'cmeq',
    u: 1,
    op: 17,
    sg: false,
    vsz: 15,
    ssz: Dm,
    f: () => (a, b) => (a === b ? -1 : 0),
    f64: cmpS64((al, ah, bl, bh) => al === bl && ah === bh),
  },
  { name: 'mla', u: 0, op: 18, sg: false, vsz: B | H | S, ssz: 0, f: () => (a, b, d) => d + Math.imul(a, b) },
  { name: 'mls', u: 1, op: 18, sg: false, vsz: B | H | S, ssz: 0, f: () => (a, b, d) => d - Math.imul(a, b) },
  { name: 'mul', u: 0, op: 19, sg: false, vsz: B | H | S, ssz: 0, f: () => (a, b) => Math.imul(a, b) },
  { name: 'pmul', u: 1, op: 19, sg: false, vsz: B, ssz: 0, f: () => pmul8x16 },
  { name: 'smaxp', u: 0, op: 20, sg: true, vsz: B | H | S, ssz: 0, pair: true, f: () => (a, b) => (a > b ? a : b) },
  { name: 'umaxp', u: 1, op: 20, sg: false, vsz: B | H | S, ssz: 0, pair: true, f: () => (a, b) => (a > b ? a : b) },
  { name: 'sminp', u: 0, op: 21, sg: true, vsz: B | H | S, ssz: 0, pair: true, f: () => (a, b) => (a < b ? a : b) },
  { name: 'uminp', u: 1, op: 21, sg: false, vsz: B | H | S, ssz: 0, pair: true, f: () => (a, b) => (a < b ? a : b) },
  { name: 'sqdmulh', u: 0, op: 22, sg: true, vsz: H | S, ssz: H | S, f: (z) => (a, b) => qdmulh(a, b, z, false) },
  { name: 'sqrdmulh', u: 1, op: 22, sg: true, vsz: H | S, ssz: H | S, f: (z) => (a, b) => qdmulh(a, b, z, true) },
  { name: 'addp', u: 0, op: 23, sg: false, vsz: 15, ssz: 0, pair: true, f: () => (a, b) => a + b, f64: add64 },
];

/**
 * Element-wise op over lanes; `idx` >= 0 takes operand b from that element of Vm (by element).
 * Scalar forms (`scalar`) compute lane 0 only and zero the rest of the register.
 */
function sameExec(o: SameOp, n: number, m: number, d: number, z: number, q: number, scalar: boolean, idx = -1): Op {
  const cnt = scalar ? 1 : lanes(z, q);
  if (z === 3) {
    const g = o.f64 as F64;
    if (o.pair) {
      return (s) => {
        const vi = s.vi;
        const a = n << 2;
        const b = m << 2;
        D32[0] = g(vi[a] as number, vi[a + 1] as number, vi[a + 2] as number, vi[a + 3] as number, 0, 0);
        D32[1] = R.hi;
        D32[2] = g(vi[b] as number, vi[b + 1] as number, vi[b + 2] as number, vi[b + 3] as number, 0, 0);
        D32[3] = R.hi;
        fin(s, d, 1);
      };
    }
    return (s) => {
      const vi = s.vi;
      for (let i = 0; i < cnt; i++) {
        const a = (n << 2) + 2 * i;
        const b = (m << 2) + 2 * i;
        const c = (d << 2) + 2 * i;
        D32[2 * i] = g(
          vi[a] as number,
          vi[a + 1] as number,
          vi[b] as number,
          vi[b + 1] as number,
          vi[c] as number,
          vi[c + 1] as number,
        );
        D32[2 * i + 1] = R.hi;
      }
      fin(s, d, q);
    };
  }
  const g = o.f(z);
  const ra = (o.sg ? RS : RU)[z] as Rd;
  const w = WD[z] as Wr;
  if (o.pair) {
    const half = cnt >> 1;
    return (s) => {
      for (let i = 0; i < half; i++) {
        w(i, g(ra(s, n, 2 * i), ra(s, n, 2 * i + 1), 0));
        w(i + half, g(ra(s, m, 2 * i), ra(s, m, 2 * i + 1), 0));
      }
      fin(s, d, q);
    };
  }
  if (idx >= 0) {
    return (s) => {
      D32[0] = 0;
      D32[1] = 0;
      const b = ra(s, m, idx);
      for (let i = 0; i < cnt; i++) w(i, g(ra(s, n, i), b, ra(s, d, i)));
      fin(s, d, q);
    };
  }
  const ld = (o.sg ? LDS : LDU)[z] as Ld;
  const st = ST[z] as St;
  return (s) => {
    ld(s, n, cnt, TA);
    ld(s, m, cnt, TB);
    ld(s, d, cnt, TC);
    for (let i = 0; i < cnt; i++) TA[i] = g(TA[i] as number, TB[i] as number, TC[i] as number);
    D32[0] = 0;
    D32[1] = 0;
    st(cnt);
    fin(s, d, q);
  };
}

const defs3same: InsnDef[] = [];
for (const o of SAME) {
  const ob = bitsOf(o.op, 5);
  defs3same.push({
    id: `${o.name.toUpperCase()}_v`,
    cls: 'simd',
    pattern: `0 q:1 ${o.u} 01110 size:2 1 rm:5 ${ob} 1 rn:5 rd:5`,
    when: (f) => ((o.vsz >> x(f, 'size')) & 1) === 1 && !(f.size === 3 && f.q === 0),
    disasm: (f) => {
      const z = x(f, 'size');
      const q = x(f, 'q');
      return `${o.name} ${vr(x(f, 'rd'), z, q)}, ${vr(x(f, 'rn'), z, q)}, ${vr(x(f, 'rm'), z, q)}`;
    },
    exec: (f) => sameExec(o, x(f, 'rn'), x(f, 'rm'), x(f, 'rd'), x(f, 'size'), x(f, 'q'), false),
  });
  if (o.ssz) {
    defs3same.push({
      id: `${o.name.toUpperCase()}_s`,
      cls: 'simd',
      pattern: `01 ${o.u} 11110 size:2 1 rm:5 ${ob} 1 rn:5 rd:5`,
      when: (f) => ((o.ssz >> x(f, 'size')) & 1) === 1,
      disasm: (f) => {
        const z = x(f, 'size');
        return `${o.name} ${sr(x(f, 'rd'), z)}, ${sr(x(f, 'rn'), z)}, ${sr(x(f, 'rm'), z)}`;
      },
      exec: (f) => sameExec(o, x(f, 'rn'), x(f, 'rm'), x(f, 'rd'), x(f, 'size'), 0, true),
    });
  }
}

// Bitwise three same (opcode 00011; the size field selects the operation).
const LOGIC: [string, number, number, (a: number, b: number, d: number) => number][] = [
  ['and', 0, 0, (a, b) => a & b],
  ['bic', 0, 1, (a, b) => a & ~b],
  ['orr', 0, 2, (a, b) => a | b],
  ['orn', 0, 3, (a, b) => a | ~b],
  ['eor', 1, 0, (a, b) => a ^ b],
  ['bsl', 1, 1, (a, b, d) => (d & a) | (~d & b)],
  ['bit', 1, 2, (a, b, d) => (a & b) | (d & ~b)],
  ['bif', 1, 3, (a, b, d) => (a & ~b) | (d & b)],
];
for (const [name, u, opc, fn] of LOGIC) {
  defs3same.push({
    id: `${name.toUpperCase()}_v`,
    cls: 'simd',
    pattern: `0 q:1 ${u} 01110 ${bitsOf(opc, 2)} 1 rm:5 00011 1 rn:5 rd:5`,
    disasm: (f) => {
      const q = x(f, 'q');
      if (name === 'orr' && f.rn === f.rm) return `mov ${vr(x(f, 'rd'), 0, q)}, ${vr(x(f, 'rn'), 0, q)}`;
      return `${name} ${vr(x(f, 'rd'), 0, q)}, ${vr(x(f, 'rn'), 0, q)}, ${vr(x(f, 'rm'), 0, q)}`;
    },
    exec: (f) => {
      const n = x(f, 'rn') << 2;
      const m = x(f, 'rm') << 2;
      const d = x(f, 'rd');
      const q = x(f, 'q');
      const c = q ? 4 : 2;
      return (s) => {
        const vi = s.vi;
        const o = d << 2;
        for (let i = 0; i < c; i++) D32[i] = fn(vi[n + i] as number, vi[m + i] as number, vi[o + i] as number);
        fin(s, d, q);
      };
    },
  });
}

// ---- three different (long / wide / narrow-high), also by element ---------------------------

type Core = 'add' | 'sub' | 'abd' | 'mul' | 'qdmul' | 'pmul';
type Acc = 'none' | 'add' | 'sub' | 'qadd' | 'qsub';

/** a op b for narrow operands (exact number), or for 'w' forms a is already wide. */
function coreN(c: Core, a: number, b: number, z: number): number {
  switch (c) {
    case 'add':
      return a + b;
    case 'sub':
      return a - b;
    case 'abd':
      return Math.abs(a - b);
    case 'mul':
      return a * b;
    case 'pmul': {
      let r = 0;
      for (let i = 0; i < 8; i++) if ((b >> i) & 1) r ^= a << i;
      return r;
    }
    default: {
      // qdmul: only 16-bit sources here
      const v = 2 * a * b;
      return z === 1 ? sat(v, -0x80000000, 0x7fffffff) : v;
    }
  }
}

/** 32-bit narrow operands to a 64-bit pair. `wl/wh` is the wide a for 'w' forms. */
function core64(c: Core, a: number, b: number, sg: boolean): number {
  switch (c) {
    case 'add':
      return pairOf(a + b);
    case 'sub':
      return pairOf(a - b);
    case 'abd':
      return pairOf(Math.abs(a - b));
    case 'mul':
      return sg ? smul64(a, b) : umul64(a, b);
    default: {
      if (a === -0x80000000 && b === -0x80000000) return satS64(false);
      const lo = smul64(a, b);
      return add64(lo, R.hi, lo, R.hi);
    }
  }
}

function acc64(a: Acc, dl: number, dh: number, vl: number, vh: number): number {
  switch (a) {
    case 'add':
      return add64(dl, dh, vl, vh);
    case 'sub':
      return sub64(dl, dh, vl, vh);
    case 'qadd':
      return sqadd64(dl, dh, vl, vh);
    case 'qsub':
      return sqsub64(dl, dh, vl, vh);
    default:
      R.hi = vh;
      return vl;
  }
}

/**
 * Long ops: Vd (2e) = acc(Vd, core(Vn.e or Vn.2e for wide, Vm.e)). `hiHalf` takes the narrow
 * sources from the upper 64 bits; `idx` >= 0 uses element idx of Vm; `scalar` does lane 0.
 */
function longExec(
  c: Core,
  a: Acc,
  sg: boolean,
  wide: boolean,
  n: number,
  m: number,
  d: number,
  z: number,
  hiHalf: number,
  idx: number,
  scalar: boolean,
): Op {
  const cnt = scalar ? 1 : 8 >> z;
  const base = hiHalf ? cnt : 0;
  const ra = (sg ? RS : RU)[z] as Rd;
  if (z === 2) {
    return (s) => {
      const vi = s.vi;
      for (let i = 0; i < cnt; i++) {
        const bv = ra(s, m, idx >= 0 ? idx : base + i);
        let vl: number;
        if (wide) {
          const o = (n << 2) + 2 * i;
          const bl = bv | 0;
          const bh = sg ? bv >> 31 : 0;
          vl =
            c === 'add'
              ? add64(vi[o] as number, vi[o + 1] as number, bl, bh)
              : sub64(vi[o] as number, vi[o + 1] as number, bl, bh);
        } else {
          vl = core64(c, ra(s, n, base + i), bv, sg);
        }
        const vh = R.hi;
        const o = (d << 2) + 2 * i;
        D32[2 * i] = acc64(a, vi[o] as number, vi[o + 1] as number, vl, vh);
        D32[2 * i + 1] = R.hi;
      }
      fin(s, d, scalar ? 0 : 1);
    };
  }
  const rw = (sg ? RS : RU)[z + 1] as Rd;
  const rds = RS[z + 1] as Rd;
  const w = WD[z + 1] as Wr;
  const lo = SMIN[z + 1] as number;
  const hi = SMAX[z + 1] as number;
  return (s) => {
    D32[0] = 0;
    D32[1] = 0;
    for (let i = 0; i < cnt; i++) {
      const bv = ra(s, m, idx >= 0 ? idx : base + i);
      const v = wide ? coreN(c, rw(s, n, i), bv, z) : coreN(c, ra(s, n, base + i), bv, z);
      let r: number;
      switch (a) {
        case 'none':
          r = v;
          break;
        case 'add':
          r = rds(s, d, i) + v;
          break;
        case 'sub':
          r = rds(s, d, i) - v;
          break;
        case 'qadd':
          r = sat(rds(s, d, i) + v, lo, hi);
          break;
        default:
          r = sat(rds(s, d, i) - v, lo, hi);
      }
      w(i, r);
    }
    fin(s, d, scalar ? 0 : 1);
  };
}

/** ADDHN/RADDHN/SUBHN/RSUBHN: narrow high half of Vn.2e ± Vm.2e. */
function hnExec(sub: boolean, rnd: boolean, n: number, m: number, d: number, z: number, q: number): Op {
  const cnt = 8 >> z;
  if (z === 2) {
    return (s) => {
      const vi = s.vi;
      for (let i = 0; i < cnt; i++) {
        const a = (n << 2) + 2 * i;
        const b = (m << 2) + 2 * i;
        let lo = (sub ? sub64 : add64)(vi[a] as number, vi[a + 1] as number, vi[b] as number, vi[b + 1] as number);
        if (rnd) lo = add64(lo, R.hi, 0x80000000 | 0, 0);
        D32[i] = R.hi;
      }
      finN(s, d, q);
    };
  }
  const ru = RU[z + 1] as Rd;
  const w = WD[z] as Wr;
  const e = 2 ** (8 << z);
  const r = rnd ? e / 2 : 0;
  return (s) => {
    for (let i = 0; i < cnt; i++) {
      const a = ru(s, n, i);
      const b = ru(s, m, i);
      w(i, Math.floor(((sub ? a - b : a + b) + r) / e));
    }
    finN(s, d, q);
  };
}

interface DiffOp {
  name: string;
  u: number;
  op: number;
  kind: 'l' | 'w' | 'hn';
  core: Core;
  acc: Acc;
  sizes: number;
  rnd?: boolean;
}

const DIFF: DiffOp[] = [];
for (const u of [0, 1]) {
  const p = u ? 'u' : 's';
  DIFF.push(
    { name: `${p}addl`, u, op: 0, kind: 'l', core: 'add', acc: 'none', sizes: B | H | S },
    { name: `${p}addw`, u, op: 1, kind: 'w', core: 'add', acc: 'none', sizes: B | H | S },
    { name: `${p}subl`, u, op: 2, kind: 'l', core: 'sub', acc: 'none', sizes: B | H | S },
    { name: `${p}subw`, u, op: 3, kind: 'w', core: 'sub', acc: 'none', sizes: B | H | S },
    {
      name: u ? 'raddhn' : 'addhn',
      u,
      op: 4,
      kind: 'hn',
      core: 'add',
      acc: 'none',
      sizes: B | H | S,
      rnd: u === 1,
    },
    { name: `${p}abal`, u, op: 5, kind: 'l', core: 'abd', acc: 'add', sizes: B | H | S },
    {
      name: u ? 'rsubhn' : 'subhn',
      u,
      op: 6,
      kind: 'hn',
      core: 'sub',
      acc: 'none',
      sizes: B | H | S,
      rnd: u === 1,
    },
    { name: `${p}abdl`, u, op: 7, kind: 'l', core: 'abd', acc: 'none', sizes: B | H | S },
    { name: `${p}mlal`, u, op: 8, kind: 'l', core: 'mul', acc: 'add', sizes: B | H | S },
    { name: `${p}mlsl`, u, op: 10, kind: 'l', core: 'mul', acc: 'sub', sizes: B | H | S },
    { name: `${p}mull`, u, op: 12, kind: 'l', core: 'mul', acc: 'none', sizes: B | H | S },
  );
}
DIFF.push(
  { name: 'sqdmlal', u: 0, op: 9, kind: 'l', core: 'qdmul', acc: 'qadd', sizes: H | S },
  { name: 'sqdmlsl', u: 0, op: 11, kind: 'l', core: 'qdmul', acc: 'qsub', sizes: H | S },
  { name: 'sqdmull', u: 0, op: 13, kind: 'l', core: 'qdmul', acc: 'none', sizes: H | S },
  { name: 'pmull', u: 0, op: 14, kind: 'l', core: 'pmul', acc: 'none', sizes: B },
);

const defsDiff: InsnDef[] = [];
for (const o of DIFF) {
  defsDiff.push({
    id: `${o.name.toUpperCase()}_v`,
    cls: 'simd',
    pattern: `0 q:1 ${o.u} 01110 size:2 1 rm:5 ${bitsOf(o.op, 4)} 00 rn:5 rd:5`,
    when: (f) => ((o.sizes >> x(f, 'size')) & 1) === 1,
    disasm: (f) => {
      const z = x(f, 'size');
      const q = x(f, 'q');
      const nm = `${o.name}${q ? '2' : ''}`;
      const [d, n, m] = [x(f, 'rd'), x(f, 'rn'), x(f, 'rm')];
      if (o.kind === 'l') return `${nm} ${vr(d, z + 1, 1)}, ${vr(n, z, q)}, ${vr(m, z, q)}`;
      if (o.kind === 'w') return `${nm} ${vr(d, z + 1, 1)}, ${vr(n, z + 1, 1)}, ${vr(m, z, q)}`;
      return `${nm} ${vr(d, z, q)}, ${vr(n, z + 1, 1)}, ${vr(m, z + 1, 1)}`;
    },
    exec: (f) => {
      const [d, n, m, z, q] = [x(f, 'rd'), x(f, 'rn'), x(f, 'rm'), x(f, 'size'), x(f, 'q')];
      if (o.kind === 'hn') return hnExec(o.core === 'sub', !!o.rnd, n, m, d, z, q);
      const sg = o.u === 0 && o.core !== 'pmul';
      return longExec(o.core, o.acc, sg, o.kind === 'w', n, m, d, z, q, -1, false);
    },
  });
  if (o.core === 'qdmul') {
    defsDiff.push({
      id: `${o.name.toUpperCase()}_s`,
      cls: 'simd',
      pattern: `01 0 11110 size:2 1 rm:5 ${bitsOf(o.op, 4)} 00 rn:5 rd:5`,
      when: (f) => f.size === 1 || f.size === 2,
      disasm: (f) => {
        const z = x(f, 'size');
        return `${o.name} ${sr(x(f, 'rd'), z + 1)}, ${sr(x(f, 'rn'), z)}, ${sr(x(f, 'rm'), z)}`;
      },
      exec: (f) => longExec(o.core, o.acc, true, false, x(f, 'rn'), x(f, 'rm'), x(f, 'rd'), x(f, 'size'), 0, -1, true),
    });
  }
}

// ---- vector x indexed element ---------------------------------------------------------------

interface IdxOp {
  name: string;
  u: number;
  op: number;
  long?: { core: Core; acc: Acc; sg: boolean };
  same?: SameOp;
  scalar?: boolean;
}

const sameNamed = (nm: string): SameOp => SAME.find((o) => o.name === nm) as SameOp;
const IDX: IdxOp[] = [
  { name: 'smlal', u: 0, op: 2, long: { core: 'mul', acc: 'add', sg: true } },
  { name: 'sqdmlal', u: 0, op: 3, long: { core: 'qdmul', acc: 'qadd', sg: true }, scalar: true },
  { name: 'smlsl', u: 0, op: 6, long: { core: 'mul', acc: 'sub', sg: true } },
  { name: 'sqdmlsl', u: 0, op: 7, long: { core: 'qdmul', acc: 'qsub', sg: true }, scalar: true },
  { name: 'mul', u: 0, op: 8, same: sameNamed('mul') },
  { name: 'smull', u: 0, op: 10, long: { core: 'mul', acc: 'none', sg: true } },
  { name: 'sqdmull', u: 0, op: 11, long: { core: 'qdmul', acc: 'none', sg: true }, scalar: true },
  { name: 'sqdmulh', u: 0, op: 12, same: sameNamed('sqdmulh'), scalar: true },
  { name: 'sqrdmulh', u: 0, op: 13, same: sameNamed('sqrdmulh'), scalar: true },
  { name: 'mla', u: 1, op: 0, same: sameNamed('mla') },
  { name: 'umlal', u: 1, op: 2, long: { core: 'mul', acc: 'add', sg: false } },
  { name: 'mls', u: 1, op: 4, same: sameNamed('mls') },
  { name: 'umlsl', u: 1, op: 6, long: { core: 'mul', acc: 'sub', sg: false } },
  { name: 'umull', u: 1, op: 10, long: { core: 'mul', acc: 'none', sg: false } },
];

function idxOf(f: Fields): [number, number] {
  const z = x(f, 'size');
  if (z === 1) return [x(f, 'rm'), (x(f, 'h') << 2) | (x(f, 'l') << 1) | x(f, 'mh')];
  return [x(f, 'rm') | (x(f, 'mh') << 4), (x(f, 'h') << 1) | x(f, 'l')];
}

const defsIdx: InsnDef[] = [];
for (const o of IDX) {
  const ob = bitsOf(o.op, 4);
  const szOk = (f: Fields): boolean => f.size === 1 || f.size === 2;
  defsIdx.push({
    id: `${o.name.toUpperCase()}_elem_v`,
    cls: 'simd',
    pattern: `0 q:1 ${o.u} 01111 size:2 l:1 mh:1 rm:4 ${ob} h:1 0 rn:5 rd:5`,
    when: szOk,
    disasm: (f) => {
      const z = x(f, 'size');
      const q = x(f, 'q');
      const [m, i] = idxOf(f);
      if (o.long) {
        return `${o.name}${q ? '2' : ''} ${vr(x(f, 'rd'), z + 1, 1)}, ${vr(x(f, 'rn'), z, q)}, ${ge(m, z, i)}`;
      }
      return `${o.name} ${vr(x(f, 'rd'), z, q)}, ${vr(x(f, 'rn'), z, q)}, ${ge(m, z, i)}`;
    },
    exec: (f) => {
      const [m, i] = idxOf(f);
      const [d, n, z, q] = [x(f, 'rd'), x(f, 'rn'), x(f, 'size'), x(f, 'q')];
      if (o.long) return longExec(o.long.core, o.long.acc, o.long.sg, false, n, m, d, z, q, i, false);
      return sameExec(o.same as SameOp, n, m, d, z, q, false, i);
    },
  });
  if (o.scalar) {
    defsIdx.push({
      id: `${o.name.toUpperCase()}_elem_s`,
      cls: 'simd',
      pattern: `01 ${o.u} 11111 size:2 l:1 mh:1 rm:4 ${ob} h:1 0 rn:5 rd:5`,
      when: szOk,
      disasm: (f) => {
        const z = x(f, 'size');
        const [m, i] = idxOf(f);
        return `${o.name} ${sr(x(f, 'rd'), o.long ? z + 1 : z)}, ${sr(x(f, 'rn'), z)}, ${ge(m, z, i)}`;
      },
      exec: (f) => {
        const [m, i] = idxOf(f);
        const [d, n, z] = [x(f, 'rd'), x(f, 'rn'), x(f, 'size')];
        if (o.long) return longExec(o.long.core, o.long.acc, true, false, n, m, d, z, 0, i, true);
        return sameExec(o.same as SameOp, n, m, d, z, 0, true, i);
      },
    });
  }
}

// ---- two-register misc ----------------------------------------------------------------------

type F1 = (a: number, d: number) => number;
type F1_64 = (al: number, ah: number, dl: number, dh: number) => number;

interface UnOp {
  name: string;
  u: number;
  op: number;
  /** how a (the source) and d (old destination) are read. */
  sg: boolean;
  dsg?: boolean;
  vsz: number;
  ssz: number;
  f: (z: number) => F1;
  f64?: F1_64;
  zero?: boolean;
}

const neg64 = (l: number, h: number): number => sub64(0, 0, l, h);
const abs64 = (l: number, h: number): number => {
  if (h < 0) return neg64(l, h);
  R.hi = h;
  return l;
};
const sqabs64 = (l: number, h: number): number => {
  if (h === -0x80000000 && l === 0) return satS64(false);
  return abs64(l, h);
};
const sqneg64 = (l: number, h: number): number => {
  if (h === -0x80000000 && l === 0) return satS64(false);
  return neg64(l, h);
};

function suqadd64(nl: number, nh: number, dl: number, dh: number): number {
  const lo = (dl >>> 0) + (nl >>> 0);
  const hu = (dh >>> 0) + (nh >>> 0) + (lo > 0xffffffff ? 1 : 0);
  const carry = hu > 0xffffffff;
  const rs = (hu >>> 31) & 1;
  const ovf = dh >= 0 ? carry || rs === 1 : carry && rs === 1;
  if (ovf) return satS64(false);
  R.hi = hu | 0;
  return lo | 0;
}

function usqadd64(nl: number, nh: number, dl: number, dh: number): number {
  const lo = (dl >>> 0) + (nl >>> 0);
  const hu = (dh >>> 0) + (nh >>> 0) + (lo > 0xffffffff ? 1 : 0);
  const carry = hu > 0xffffffff;
  if (nh >= 0 && carry) return satU64(true);
  if (nh < 0 && !carry) return satU64(false);
  R.hi = hu | 0;
  return lo | 0;
}

const cz64 = (t: (l: number, h: number) => boolean): F1_64 => {
  return (l, h) => {
    const r = t(l, h) ? -1 : 0;
    R.hi = r;
    return r;
  };
};

const UN: UnOp[] = [
  {
    name: 'suqadd',
    u: 0,
    op: 3,
    sg: false,
    dsg: true,
    vsz: 15,
    ssz: 15,
    f: (z) => (a, d) => sat(d + a, SMIN[z] as number, SMAX[z] as number),
    f64: suqadd64,
  },
  {
    name: 'usqadd',
    u: 1,
    op: 3,
    sg: true,
    dsg: false,
    vsz: 15,
    ssz: 15,
    f: (z) => (a, d) => sat(d + a, 0, UMAX[z] as number),
    f64: usqadd64,
  },
  { name: 'cls', u: 0, op: 4, sg: false, vsz: B | H | S, ssz: 0, f: (z) => (a) => clsN(a, 8 << z) },
  { name: 'clz', u: 1, op: 4, sg: false, vsz: B | H | S, ssz: 0, f: (z) => (a) => Math.clz32(a) - (32 - (8 << z)) },
  { name: 'cnt', u: 0, op: 5, sg: false, vsz: B, ssz: 0, f: () => popcnt8 },
  {
    name: 'sqabs',
    u: 0,
    op: 7,
    sg: true,
    vsz: 15,
    ssz: 15,
    f: (z) => (a) => sat(Math.abs(a), 0, SMAX[z] as number),
    f64: sqabs64,
  },
  {
    name: 'sqneg',
    u: 1,
    op: 7,
    sg: true,
    vsz: 15,
    ssz: 15,
    f: (z) => (a) => sat(-a, SMIN[z] as number, SMAX[z] as number),
    f64: sqneg64,
  },
  {
    name: 'cmgt',
    u: 0,
    op: 8,
    sg: true,
    vsz: 15,
    ssz: Dm,
    zero: true,
    f: () => (a) => (a > 0 ? -1 : 0),
    f64: cz64((l, h) => h > 0 || (h === 0 && l !== 0)),
  },
  {
    name: 'cmge',
    u: 1,
    op: 8,
    sg: true,
    vsz: 15,
    ssz: Dm,
    zero: true,
    f: () => (a) => (a >= 0 ? -1 : 0),
    f64: cz64((_l, h) => h >= 0),
  },
  {
    name: 'cmeq',
    u: 0,
    op: 9,
    sg: true,
    vsz: 15,
    ssz: Dm,
    zero: true,
    f: () => (a) => (a === 0 ? -1 : 0),
    f64: cz64((l, h) => (l | h) === 0),
  },
  {
    name: 'cmle',
    u: 1,
    op: 9,
    sg: true,
    vsz: 15,
    ssz: Dm,
    zero: true,
    f: () => (a) => (a <= 0 ? -1 : 0),
    f64: cz64((l, h) => h < 0 || (l | h) === 0),
  },
  {
    name: 'cmlt',
    u: 0,
    op: 10,
    sg: true,
    vsz: 15,
    ssz: Dm,
    zero: true,
    f: () => (a) => (a < 0 ? -1 : 0),
    f64: cz64((_l, h) => h < 0),
  },
  { name: 'abs', u: 0, op: 11, sg: true, vsz: 15, ssz: Dm, f: () => (a) => Math.abs(a), f64: abs64 },
  { name: 'neg', u: 1, op: 11, sg: true, vsz: 15, ssz: Dm, f: () => (a) => -a, f64: neg64 },
];

function unExec(o: UnOp, n: number, d: number, z: number, q: number, scalar: boolean): Op {
  const cnt = scalar ? 1 : lanes(z, q);
  if (z === 3) {
    const g = o.f64 as F1_64;
    return (s) => {
      const vi = s.vi;
      for (let i = 0; i < cnt; i++) {
        const a = (n << 2) + 2 * i;
        const c = (d << 2) + 2 * i;
        D32[2 * i] = g(vi[a] as number, vi[a + 1] as number, vi[c] as number, vi[c + 1] as number);
        D32[2 * i + 1] = R.hi;
      }
      fin(s, d, q);
    };
  }
  const g = o.f(z);
  const la = (o.sg ? LDS : LDU)[z] as Ld;
  const lc = (o.dsg ? LDS : LDU)[z] as Ld;
  const st = ST[z] as St;
  return (s) => {
    la(s, n, cnt, TA);
    lc(s, d, cnt, TC);
    for (let i = 0; i < cnt; i++) TA[i] = g(TA[i] as number, TC[i] as number);
    D32[0] = 0;
    D32[1] = 0;
    st(cnt);
    fin(s, d, q);
  };
}

const defsMisc: InsnDef[] = [];
for (const o of UN) {
  const ob = bitsOf(o.op, 5);
  const tail = o.zero ? ', #0' : '';
  defsMisc.push({
    id: `${o.name.toUpperCase()}_${o.zero ? 'z' : ''}v`,
    cls: 'simd',
    pattern: `0 q:1 ${o.u} 01110 size:2 10000 ${ob} 10 rn:5 rd:5`,
    when: (f) => ((o.vsz >> x(f, 'size')) & 1) === 1 && !(f.size === 3 && f.q === 0),
    disasm: (f) => {
      const z = x(f, 'size');
      const q = x(f, 'q');
      return `${o.name} ${vr(x(f, 'rd'), z, q)}, ${vr(x(f, 'rn'), z, q)}${tail}`;
    },
    exec: (f) => unExec(o, x(f, 'rn'), x(f, 'rd'), x(f, 'size'), x(f, 'q'), false),
  });
  if (o.ssz) {
    defsMisc.push({
      id: `${o.name.toUpperCase()}_${o.zero ? 'z' : ''}s`,
      cls: 'simd',
      pattern: `01 ${o.u} 11110 size:2 10000 ${ob} 10 rn:5 rd:5`,
      when: (f) => ((o.ssz >> x(f, 'size')) & 1) === 1,
      disasm: (f) => {
        const z = x(f, 'size');
        return `${o.name} ${sr(x(f, 'rd'), z)}, ${sr(x(f, 'rn'), z)}${tail}`;
      },
      exec: (f) => unExec(o, x(f, 'rn'), x(f, 'rd'), x(f, 'size'), 0, true),
    });
  }
}

/** Generic byte permutation: D8[j] = byte perm[j] of (Vn ++ Vm ++ Vd); -1 gives 0. */
function permExec(perm: number[], n: number, m: number, d: number, q: number): Op {
  const p = Int8Array.from(perm);
  const len = q ? 16 : 8;
  return (s) => {
    const vb = s.vb;
    for (let j = 0; j < len; j++) {
      const k = p[j] as number;
      D8[j] =
        k < 0
          ? 0
          : k < 16
            ? (vb[(n << 4) + k] as number)
            : k < 32
              ? (vb[(m << 4) + k - 16] as number)
              : (vb[(d << 4) + k - 32] as number);
    }
    fin(s, d, q);
  };
}

// REV64 / REV32 / REV16: reverse elements of size z inside containers of `cb` bytes.
for (const [name, u, op, cb, vsz] of [
  ['rev64', 0, 0, 8, B | H | S],
  ['rev32', 1, 0, 4, B | H],
  ['rev16', 0, 1, 2, B],
] as [string, number, number, number, number][]) {
  defsMisc.push({
    id: `${name.toUpperCase()}_v`,
    cls: 'simd',
    pattern: `0 q:1 ${u} 01110 size:2 10000 ${bitsOf(op, 5)} 10 rn:5 rd:5`,
    when: (f) => ((vsz >> x(f, 'size')) & 1) === 1,
    disasm: (f) => `${name} ${vr(x(f, 'rd'), x(f, 'size'), x(f, 'q'))}, ${vr(x(f, 'rn'), x(f, 'size'), x(f, 'q'))}`,
    exec: (f) => {
      const eb = 1 << x(f, 'size');
      const perm: number[] = [];
      for (let j = 0; j < 16; j++) {
        const c = j - (j % cb);
        const within = j % cb;
        const el = Math.floor(within / eb);
        const nel = cb / eb;
        perm.push(c + (nel - 1 - el) * eb + (within % eb));
      }
      return permExec(perm, x(f, 'rn'), 0, x(f, 'rd'), x(f, 'q'));
    },
  });
}

// NOT (mvn) and RBIT: byte-wise.
for (const [name, sz, fn] of [
  ['mvn', 0, (a: number) => ~a],
  ['rbit', 1, rbit8],
] as [string, number, (a: number) => number][]) {
  defsMisc.push({
    id: name === 'mvn' ? 'NOT_v' : 'RBIT_v',
    cls: 'simd',
    pattern: `0 q:1 1 01110 ${bitsOf(sz, 2)} 10000 00101 10 rn:5 rd:5`,
    disasm: (f) => `${name} ${vr(x(f, 'rd'), 0, x(f, 'q'))}, ${vr(x(f, 'rn'), 0, x(f, 'q'))}`,
    exec: (f) => {
      const n = x(f, 'rn');
      const d = x(f, 'rd');
      const q = x(f, 'q');
      const len = q ? 16 : 8;
      return (s) => {
        for (let j = 0; j < len; j++) D8[j] = fn(s.vb[(n << 4) + j] as number);
        fin(s, d, q);
      };
    },
  });
}

// SADDLP/UADDLP/SADALP/UADALP: pairwise add long.
for (const [name, u, op] of [
  ['saddlp', 0, 2],
  ['uaddlp', 1, 2],
  ['sadalp', 0, 6],
  ['uadalp', 1, 6],
] as [string, number, number][]) {
  const accum = op === 6;
  const sg = u === 0;
  defsMisc.push({
    id: `${name.toUpperCase()}_v`,
    cls: 'simd',
    pattern: `0 q:1 ${u} 01110 size:2 10000 ${bitsOf(op, 5)} 10 rn:5 rd:5`,
    when: (f) => f.size !== 3,
    disasm: (f) => {
      const z = x(f, 'size');
      const q = x(f, 'q');
      return `${name} ${vr(x(f, 'rd'), z + 1, q)}, ${vr(x(f, 'rn'), z, q)}`;
    },
    exec: (f) => {
      const [n, d, z, q] = [x(f, 'rn'), x(f, 'rd'), x(f, 'size'), x(f, 'q')];
      const cnt = lanes(z + 1, q);
      const ra = (sg ? RS : RU)[z] as Rd;
      if (z === 2) {
        return (s) => {
          const vi = s.vi;
          for (let i = 0; i < cnt; i++) {
            let lo = pairOf(ra(s, n, 2 * i) + ra(s, n, 2 * i + 1));
            if (accum) {
              const o = (d << 2) + 2 * i;
              lo = add64(vi[o] as number, vi[o + 1] as number, lo, R.hi);
            }
            D32[2 * i] = lo;
            D32[2 * i + 1] = R.hi;
          }
          fin(s, d, q);
        };
      }
      const rw = RU[z + 1] as Rd;
      const w = WD[z + 1] as Wr;
      return (s) => {
        for (let i = 0; i < cnt; i++) w(i, ra(s, n, 2 * i) + ra(s, n, 2 * i + 1) + (accum ? rw(s, d, i) : 0));
        fin(s, d, q);
      };
    },
  });
}

// XTN / SQXTN / UQXTN / SQXTUN (vector and scalar), SHLL.
type NarrowKind = 'trunc' | 'ss' | 'uu' | 'su';
/** Saturate a 64-bit pair to 32 bits per kind. */
function narrow64(l: number, h: number, k: NarrowKind): number {
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

function narrowN(v: number, z: number, k: NarrowKind): number {
  switch (k) {
    case 'trunc':
      return v;
    case 'ss':
      return sat(v, SMIN[z] as number, SMAX[z] as number);
    default:
      return sat(v, 0, UMAX[z] as number);
  }
}

/** Narrow Vn (2e) to e bits, into the low half (q=0) or the high half (q=1) of Vd. */
function xtnExec(k: NarrowKind, n: number, d: number, z: number, q: number, scalar: boolean): Op {
  const cnt = scalar ? 1 : 8 >> z;
  if (z === 2) {
    return (s) => {
      D32[1] = 0;
      for (let i = 0; i < cnt; i++) {
        const o = (n << 2) + 2 * i;
        D32[i] = narrow64(s.vi[o] as number, s.vi[o + 1] as number, k);
      }
      finN(s, d, q);
    };
  }
  const ra = (k === 'ss' || k === 'su' ? RS : RU)[z + 1] as Rd;
  const w = WD[z] as Wr;
  return (s) => {
    D32[0] = 0;
    D32[1] = 0;
    for (let i = 0; i < cnt; i++) w(i, narrowN(ra(s, n, i), z, k));
    finN(s, d, q);
  };
}

for (const [name, u, op, k] of [
  ['xtn', 0, 18, 'trunc'],
  ['sqxtun', 1, 18, 'su'],
  ['sqxtn', 0, 20, 'ss'],
  ['uqxtn', 1, 20, 'uu'],
] as [string, number, number, NarrowKind][]) {
  defsMisc.push({
    id: `${name.toUpperCase()}_v`,
    cls: 'simd',
    pattern: `0 q:1 ${u} 01110 size:2 10000 ${bitsOf(op, 5)} 10 rn:5 rd:5`,
    when: (f) => f.size !== 3,
    disasm: (f) => {
      const z = x(f, 'size');
      const q = x(f, 'q');
      return `${name}${q ? '2' : ''} ${vr(x(f, 'rd'), z, q)}, ${vr(x(f, 'rn'), z + 1, 1)}`;
    },
    exec: (f) => xtnExec(k, x(f, 'rn'), x(f, 'rd'), x(f, 'size'), x(f, 'q'), false),
  });
  if (k !== 'trunc') {
    defsMisc.push({
      id: `${name.toUpperCase()}_s`,
      cls: 'simd',
      pattern: `01 ${u} 11110 size:2 10000 ${bitsOf(op, 5)} 10 rn:5 rd:5`,
      when: (f) => f.size !== 3,
      disasm: (f) => `${name} ${sr(x(f, 'rd'), x(f, 'size'))}, ${sr(x(f, 'rn'), x(f, 'size') + 1)}`,
      exec: (f) => xtnExec(k, x(f, 'rn'), x(f, 'rd'), x(f, 'size'), 0, true),
    });
  }
}

defsMisc.push({
  id: 'SHLL_v',
  cls: 'simd',
  pattern: '0 q:1 1 01110 size:2 10000 10011 10 rn:5 rd:5',
  when: (f) => f.size !== 3,
  disasm: (f) => {
    const z = x(f, 'size');
    const q = x(f, 'q');
    return `shll${q ? '2' : ''} ${vr(x(f, 'rd'), z + 1, 1)}, ${vr(x(f, 'rn'), z, q)}, #${8 << z}`;
  },
  exec: (f) => {
    const [n, d, z, q] = [x(f, 'rn'), x(f, 'rd'), x(f, 'size'), x(f, 'q')];
    const cnt = 8 >> z;
    const base = q ? cnt : 0;
    const ra = RU[z] as Rd;
    if (z === 2) {
      return (s) => {
        for (let i = 0; i < cnt; i++) {
          D32[2 * i] = 0;
          D32[2 * i + 1] = ra(s, n, base + i);
        }
        fin(s, d, 1);
      };
    }
    const w = WD[z + 1] as Wr;
    const k = 2 ** (8 << z);
    return (s) => {
      for (let i = 0; i < cnt; i++) w(i, ra(s, n, base + i) * k);
      fin(s, d, 1);
    };
  },
});

for (const [name, u] of [
  ['urecpe', 0],
  ['ursqrte', 1],
] as [string, number][]) {
  defsMisc.push({
    id: `${name.toUpperCase()}_v`,
    cls: 'simd',
    pattern: `0 q:1 ${u} 01110 10 10000 11100 10 rn:5 rd:5`,
    disasm: (f) => `${name} ${vr(x(f, 'rd'), 2, x(f, 'q'))}, ${vr(x(f, 'rn'), 2, x(f, 'q'))}`,
    exec: (f) => {
      const [n, d, q] = [x(f, 'rn'), x(f, 'rd'), x(f, 'q')];
      const cnt = q ? 4 : 2;
      return (s) => {
        for (let i = 0; i < cnt; i++) {
          const a = (s.vi[(n << 2) + i] as number) >>> 0;
          let r: number;
          if (u === 0) r = a < 0x80000000 ? -1 : (recipEstimate(a >>> 23) & 0x1ff) << 23;
          else r = a < 0x40000000 ? -1 : (rsqrtEstimate(a >>> 23) & 0x1ff) << 23;
          D32[i] = r;
        }
        fin(s, d, q);
      };
    },
  });
}

// ---- across lanes ---------------------------------------------------------------------------

const defsAcross: InsnDef[] = [];
for (const [name, u, op, sg, kind] of [
  ['saddlv', 0, 3, true, 'addl'],
  ['uaddlv', 1, 3, false, 'addl'],
  ['smaxv', 0, 10, true, 'max'],
  ['umaxv', 1, 10, false, 'max'],
  ['sminv', 0, 26, true, 'min'],
  ['uminv', 1, 26, false, 'min'],
  ['addv', 0, 27, false, 'add'],
] as [string, number, number, boolean, string][]) {
  defsAcross.push({
    id: `${name.toUpperCase()}`,
    cls: 'simd',
    pattern: `0 q:1 ${u} 01110 size:2 11000 ${bitsOf(op, 5)} 10 rn:5 rd:5`,
    when: (f) => f.size !== 3 && !(f.size === 2 && f.q === 0),
    disasm: (f) => {
      const z = x(f, 'size');
      return `${name} ${sr(x(f, 'rd'), kind === 'addl' ? z + 1 : z)}, ${vr(x(f, 'rn'), z, x(f, 'q'))}`;
    },
    exec: (f) => {
      const [n, d, z, q] = [x(f, 'rn'), x(f, 'rd'), x(f, 'size'), x(f, 'q')];
      const cnt = lanes(z, q);
      const ra = (sg ? RS : RU)[z] as Rd;
      const wz = kind === 'addl' ? z + 1 : z;
      return (s) => {
        let acc = ra(s, n, 0);
        for (let i = 1; i < cnt; i++) {
          const v = ra(s, n, i);
          if (kind === 'max') acc = v > acc ? v : acc;
          else if (kind === 'min') acc = v < acc ? v : acc;
          else acc += v;
        }
        D32[0] = 0;
        D32[1] = 0;
        if (wz === 3) {
          D32[0] = pairOf(acc);
          D32[1] = R.hi;
        } else (WD[wz] as Wr)(0, acc);
        fin(s, d, 0);
      };
    },
  });
}

// ---- copy: DUP / INS / SMOV / UMOV ----------------------------------------------------------

/** imm5 → [size, index], size -1 when reserved. */
function imm5(v: number): [number, number] {
  for (let z = 0; z < 4; z++) if ((v >> z) & 1) return [z, v >> (z + 1)];
  return [-1, 0];
}

const defsCopy: InsnDef[] = [
  {
    id: 'DUP_elem_v',
    cls: 'simd',
    pattern: '0 q:1 0 01110000 imm5:5 0 0000 1 rn:5 rd:5',
    when: (f) => {
      const [z] = imm5(x(f, 'imm5'));
      return z >= 0 && !(z === 3 && f.q === 0);
    },
    disasm: (f) => {
      const [z, i] = imm5(x(f, 'imm5'));
      return `dup ${vr(x(f, 'rd'), z, x(f, 'q'))}, ${ge(x(f, 'rn'), z, i)}`;
    },
    exec: (f) => {
      const [z, i] = imm5(x(f, 'imm5'));
      const eb = 1 << z;
      const perm: number[] = [];
      for (let j = 0; j < 16; j++) perm.push(i * eb + (j % eb));
      return permExec(perm, x(f, 'rn'), 0, x(f, 'rd'), x(f, 'q'));
    },
  },
  {
    id: 'DUP_elem_s',
    cls: 'simd',
    pattern: '01 0 11110000 imm5:5 0 0000 1 rn:5 rd:5',
    when: (f) => imm5(x(f, 'imm5'))[0] >= 0,
    disasm: (f) => {
      const [z, i] = imm5(x(f, 'imm5'));
      return `mov ${sr(x(f, 'rd'), z)}, ${ge(x(f, 'rn'), z, i)}`;
    },
    exec: (f) => {
      const [z, i] = imm5(x(f, 'imm5'));
      const eb = 1 << z;
      const perm: number[] = [];
      for (let j = 0; j < 16; j++) perm.push(j < eb ? i * eb + j : -1);
      return permExec(perm, x(f, 'rn'), 0, x(f, 'rd'), 0);
    },
  },
  {
    id: 'DUP_gen',
    cls: 'simd',
    pattern: '0 q:1 0 01110000 imm5:5 0 0001 1 rn:5 rd:5',
    when: (f) => {
      const [z] = imm5(x(f, 'imm5'));
      return z >= 0 && !(z === 3 && f.q === 0);
    },
    disasm: (f) => {
      const [z] = imm5(x(f, 'imm5'));
      return `dup ${vr(x(f, 'rd'), z, x(f, 'q'))}, ${z === 3 ? xn(x(f, 'rn')) : wn(x(f, 'rn'))}`;
    },
    exec: (f) => {
      const [z] = imm5(x(f, 'imm5'));
      const n = f.rn === 31 ? 32 : x(f, 'rn');
      const d = x(f, 'rd');
      const q = x(f, 'q');
      return (s) => {
        const lo = s.xlo[n] as number;
        const hi = s.xhi[n] as number;
        let w = lo;
        if (z === 0) w = (lo & 0xff) * 0x01010101;
        else if (z === 1) w = (lo & 0xffff) * 0x10001;
        D32[0] = w;
        D32[1] = z === 3 ? hi : w;
        D32[2] = D32[0] as number;
        D32[3] = D32[1] as number;
        fin(s, d, q);
      };
    },
  },
  {
    id: 'INS_gen',
    cls: 'simd',
    pattern: '0 1 0 01110000 imm5:5 0 0011 1 rn:5 rd:5',
    when: (f) => imm5(x(f, 'imm5'))[0] >= 0,
    disasm: (f) => {
      const [z, i] = imm5(x(f, 'imm5'));
      return `mov ${ge(x(f, 'rd'), z, i)}, ${z === 3 ? xn(x(f, 'rn')) : wn(x(f, 'rn'))}`;
    },
    exec: (f) => {
      const [z, i] = imm5(x(f, 'imm5'));
      const n = f.rn === 31 ? 32 : x(f, 'rn');
      const d = x(f, 'rd');
      return (s) => {
        const lo = s.xlo[n] as number;
        if (z === 0) s.vb[(d << 4) + i] = lo;
        else if (z === 1) s.vh[(d << 3) + i] = lo;
        else if (z === 2) s.vi[(d << 2) + i] = lo;
        else {
          s.vi[(d << 2) + 2 * i] = lo;
          s.vi[(d << 2) + 2 * i + 1] = s.xhi[n] as number;
        }
      };
    },
  },
  {
    id: 'INS_elem',
    cls: 'simd',
    pattern: '0 1 1 01110000 imm5:5 0 imm4:4 1 rn:5 rd:5',
    when: (f) => imm5(x(f, 'imm5'))[0] >= 0,
    disasm: (f) => {
      const [z, i] = imm5(x(f, 'imm5'));
      return `mov ${ge(x(f, 'rd'), z, i)}, ${ge(x(f, 'rn'), z, x(f, 'imm4') >> z)}`;
    },
    exec: (f) => {
      const [z, i] = imm5(x(f, 'imm5'));
      const j = x(f, 'imm4') >> z;
      const eb = 1 << z;
      const perm: number[] = [];
      for (let k = 0; k < 16; k++) perm.push(k >= i * eb && k < (i + 1) * eb ? j * eb + (k - i * eb) : 32 + k);
      return permExec(perm, x(f, 'rn'), 0, x(f, 'rd'), 1);
    },
  },
  {
    id: 'SMOV',
    cls: 'simd',
    pattern: '0 q:1 0 01110000 imm5:5 0 0101 1 rn:5 rd:5',
    when: (f) => {
      const [z] = imm5(x(f, 'imm5'));
      return z >= 0 && z < 2 + x(f, 'q');
    },
    disasm: (f) => {
      const [z, i] = imm5(x(f, 'imm5'));
      return `smov ${f.q ? xn(x(f, 'rd')) : wn(x(f, 'rd'))}, ${ge(x(f, 'rn'), z, i)}`;
    },
    exec: (f) => {
      const [z, i] = imm5(x(f, 'imm5'));
      const ra = RS[z] as Rd;
      const n = x(f, 'rn');
      const d = f.rd === 31 ? 33 : x(f, 'rd');
      const q = x(f, 'q');
      return (s) => {
        const v = ra(s, n, i);
        s.xlo[d] = v;
        s.xhi[d] = q ? v >> 31 : 0;
      };
    },
  },
  {
    id: 'UMOV',
    cls: 'simd',
    pattern: '0 q:1 0 01110000 imm5:5 0 0111 1 rn:5 rd:5',
    when: (f) => {
      const [z] = imm5(x(f, 'imm5'));
      return f.q ? z === 3 : z >= 0 && z < 3;
    },
    disasm: (f) => {
      const [z, i] = imm5(x(f, 'imm5'));
      const nm = z >= 2 ? 'mov' : 'umov';
      return `${nm} ${f.q ? xn(x(f, 'rd')) : wn(x(f, 'rd'))}, ${ge(x(f, 'rn'), z, i)}`;
    },
    exec: (f) => {
      const [z, i] = imm5(x(f, 'imm5'));
      const n = x(f, 'rn');
      const d = f.rd === 31 ? 33 : x(f, 'rd');
      if (z === 3) {
        return (s) => {
          s.xlo[d] = s.vi[(n << 2) + 2 * i] as number;
          s.xhi[d] = s.vi[(n << 2) + 2 * i + 1] as number;
        };
      }
      const ra = RU[z] as Rd;
      return (s) => {
        s.xlo[d] = ra(s, n, i);
        s.xhi[d] = 0;
      };
    },
  },
];

// ---- modified immediate ---------------------------------------------------------------------

function byteMask(v: number): number {
  let r = 0;
  for (let i = 0; i < 4; i++) if ((v >> i) & 1) r |= 0xff << (8 * i);
  return r;
}

const defsImm: InsnDef[] = [
  {
    id: 'MODIMM',
    cls: 'simd',
    pattern: '0 q:1 op:1 0111100000 abc:3 cmode:4 0 1 defgh:5 rd:5',
    when: (f) => f.cmode !== 15,
    disasm: (f) => {
      const [q, op, cm, d] = [x(f, 'q'), x(f, 'op'), x(f, 'cmode'), x(f, 'rd')];
      const i8 = (x(f, 'abc') << 5) | x(f, 'defgh');
      if (cm === 14) {
        if (op === 0) return `movi ${vr(d, 0, q)}, ${imm(i8)}`;
        const lo = byteMask(i8 & 15);
        const hi = byteMask(i8 >> 4);
        const t = (hi | lo) === 0 ? '#0000000000000000' : `#0x${fmt64(hi, lo)}`;
        return q ? `movi v${d}.2d, ${t}` : `movi d${d}, ${t}`;
      }
      const logic = (cm & 1) === 1 && cm < 12;
      const nm = logic ? (op ? 'bic' : 'orr') : op ? 'mvni' : 'movi';
      if (cm < 8) {
        const sh = (cm >> 1) * 8;
        return `${nm} ${vr(d, 2, q)}, ${imm(i8)}${sh ? `, lsl #${sh}` : ''}`;
      }
      if (cm < 12) {
        const sh = ((cm >> 1) & 1) * 8;
        return `${nm} ${vr(d, 1, q)}, ${imm(i8)}${sh ? `, lsl #${sh}` : ''}`;
      }
      return `${nm} ${vr(d, 2, q)}, ${imm(i8)}, msl #${(cm & 1) === 1 ? 16 : 8}`;
    },
    exec: (f) => {
      const [q, op, cm, d] = [x(f, 'q'), x(f, 'op'), x(f, 'cmode'), x(f, 'rd')];
      const i8 = (x(f, 'abc') << 5) | x(f, 'defgh');
      let lo: number;
      let hi: number;
      if (cm < 8) lo = hi = i8 << ((cm >> 1) * 8);
      else if (cm < 12) lo = hi = (i8 << (((cm >> 1) & 1) * 8)) * 0x10001;
      else if (cm < 14) lo = hi = cm === 12 ? (i8 << 8) | 0xff : (i8 << 16) | 0xffff;
      else if (op === 0) lo = hi = i8 * 0x01010101;
      else {
        lo = byteMask(i8 & 15);
        hi = byteMask(i8 >> 4);
      }
      lo |= 0;
      hi |= 0;
      const logic = (cm & 1) === 1 && cm < 12;
      if (!logic) {
        if (op === 1 && cm !== 14) {
          lo = ~lo;
          hi = ~hi;
        }
        return (s) => {
          D32[0] = lo;
          D32[1] = hi;
          D32[2] = lo;
          D32[3] = hi;
          fin(s, d, q);
        };
      }
      const bic = op === 1;
      return (s) => {
        const o = d << 2;
        for (let i = 0; i < 4; i++) {
          const v = s.vi[o + i] as number;
          const k = i & 1 ? hi : lo;
          D32[i] = bic ? v & ~k : v | k;
        }
        fin(s, d, q);
      };
    },
  },
];

function fmt64(hi: number, lo: number): string {
  const h = (hi >>> 0).toString(16);
  const l = (lo >>> 0).toString(16);
  const full = hi ? h + l.padStart(8, '0') : l;
  return full.padStart(14, '0');
}

// ---- shift by immediate ---------------------------------------------------------------------

type ShKind =
  | 'sshr'
  | 'ssra'
  | 'srshr'
  | 'srsra'
  | 'shl'
  | 'sqshl'
  | 'sqshlu'
  | 'uqshl'
  | 'sri'
  | 'sli'
  | 'narrow'
  | 'long';

interface ShOp {
  name: string;
  u: number;
  op: number;
  kind: ShKind;
  sg: boolean;
  /** scalar: 'd' (only 64-bit), 'all', 'n' (narrowing b/h/s), '' none */
  sc: string;
  nk?: NarrowKind;
  rnd?: boolean;
}

const SH: ShOp[] = [];
for (const u of [0, 1]) {
  const p = u ? 'u' : 's';
  SH.push(
    { name: `${p}shr`, u, op: 0, kind: 'sshr', sg: !u, sc: 'd' },
    { name: `${p}sra`, u, op: 2, kind: 'ssra', sg: !u, sc: 'd' },
    { name: `${p}rshr`, u, op: 4, kind: 'srshr', sg: !u, sc: 'd' },
    { name: `${p}rsra`, u, op: 6, kind: 'srsra', sg: !u, sc: 'd' },
    { name: `${p}qshl`, u, op: 14, kind: u ? 'uqshl' : 'sqshl', sg: !u, sc: 'all' },
    { name: `${p}shll`, u, op: 20, kind: 'long', sg: !u, sc: '' },
  );
}
SH.push(
  { name: 'shl', u: 0, op: 10, kind: 'shl', sg: false, sc: 'd' },
  { name: 'sri', u: 1, op: 8, kind: 'sri', sg: false, sc: 'd' },
  { name: 'sli', u: 1, op: 10, kind: 'sli', sg: false, sc: 'd' },
  { name: 'sqshlu', u: 1, op: 12, kind: 'sqshlu', sg: true, sc: 'all' },
  { name: 'shrn', u: 0, op: 16, kind: 'narrow', sg: false, sc: '', nk: 'trunc' },
  { name: 'rshrn', u: 0, op: 17, kind: 'narrow', sg: false, sc: '', nk: 'trunc', rnd: true },
  { name: 'sqshrn', u: 0, op: 18, kind: 'narrow', sg: true, sc: 'n', nk: 'ss' },
  { name: 'sqrshrn', u: 0, op: 19, kind: 'narrow', sg: true, sc: 'n', nk: 'ss', rnd: true },
  { name: 'sqshrun', u: 1, op: 16, kind: 'narrow', sg: true, sc: 'n', nk: 'su' },
  { name: 'sqrshrun', u: 1, op: 17, kind: 'narrow', sg: true, sc: 'n', nk: 'su', rnd: true },
  { name: 'uqshrn', u: 1, op: 18, kind: 'narrow', sg: false, sc: 'n', nk: 'uu' },
  { name: 'uqrshrn', u: 1, op: 19, kind: 'narrow', sg: false, sc: 'n', nk: 'uu', rnd: true },
);

/** Element size index from immh (0..3), -1 for 0. */
function immhSize(immh: number): number {
  return immh >= 8 ? 3 : immh >= 4 ? 2 : immh >= 2 ? 1 : immh >= 1 ? 0 : -1;
}

/** Shift amount: right shifts 2e - immh:immb (1..e), left shifts immh:immb - e (0..e-1). */
function shAmt(o: ShOp, f: Fields): number {
  const z = immhSize(x(f, 'immh'));
  const e = 8 << z;
  const v = (x(f, 'immh') << 3) | x(f, 'immb');
  const left = o.kind === 'shl' || o.kind === 'sqshl' || o.kind === 'uqshl' || o.kind === 'sqshlu' || o.kind === 'sli';
  if (o.kind === 'long') return v - e;
  return left ? v - e : 2 * e - v;
}

function shExec(o: ShOp, n: number, d: number, z: number, q: number, sh: number, scalar: boolean): Op {
  const k = o.kind;
  const sg = o.sg;
  const rnd = k === 'srshr' || k === 'srsra' || !!o.rnd;
  const acc = k === 'ssra' || k === 'srsra';
  if (k === 'narrow') {
    // source 2e (z+1), dest e (z)
    const nk = o.nk as NarrowKind;
    const cnt = scalar ? 1 : 8 >> z;
    if (z === 2) {
      return (s) => {
        D32[1] = 0;
        for (let i = 0; i < cnt; i++) {
          const a = (n << 2) + 2 * i;
          const l = shift64(s.vi[a] as number, s.vi[a + 1] as number, -sh, sg, rnd, false);
          D32[i] = narrow64(l, R.hi, nk);
        }
        finN(s, d, q);
      };
    }
    const ra = (sg ? RS : RU)[z + 1] as Rd;
    const w = WD[z] as Wr;
    return (s) => {
      D32[0] = 0;
      D32[1] = 0;
      for (let i = 0; i < cnt; i++) w(i, narrowN(shiftN(ra(s, n, i), -sh, z + 1, sg, rnd, false), z, nk));
      finN(s, d, q);
    };
  }
  if (k === 'long') {
    const cnt = 8 >> z;
    const base = q ? cnt : 0;
    const ra = (sg ? RS : RU)[z] as Rd;
    const p = 2 ** sh;
    if (z === 2) {
      return (s) => {
        for (let i = 0; i < cnt; i++) {
          D32[2 * i] = pairOf(ra(s, n, base + i) * p);
          D32[2 * i + 1] = R.hi;
        }
        fin(s, d, 1);
      };
    }
    const w = WD[z + 1] as Wr;
    return (s) => {
      for (let i = 0; i < cnt; i++) w(i, ra(s, n, base + i) * p);
      fin(s, d, 1);
    };
  }
  const cnt = scalar ? 1 : lanes(z, q);
  if (z === 3) {
    return (s) => {
      const vi = s.vi;
      for (let i = 0; i < cnt; i++) {
        const a = (n << 2) + 2 * i;
        const c = (d << 2) + 2 * i;
        const al = vi[a] as number;
        const ah = vi[a + 1] as number;
        const dl = vi[c] as number;
        const dh = vi[c + 1] as number;
        let l: number;
        switch (k) {
          case 'sshr':
          case 'srshr':
          case 'ssra':
          case 'srsra':
            l = shift64(al, ah, -sh, sg, rnd, false);
            if (acc) l = add64(dl, dh, l, R.hi);
            break;
          case 'shl':
            l = shl64(al, ah, sh);
            break;
          case 'sqshl':
            l = shift64(al, ah, sh, true, false, true);
            break;
          case 'uqshl':
            l = shift64(al, ah, sh, false, false, true);
            break;
          case 'sqshlu':
            if (ah < 0) l = satU64(false);
            else l = shift64(al, ah, sh, false, false, true);
            break;
          case 'sli': {
            const vl = shl64(al, ah, sh);
            const vh = R.hi;
            const ml = shl64(-1, -1, sh);
            const mh = R.hi;
            l = (dl & ~ml) | vl;
            R.hi = (dh & ~mh) | vh;
            break;
          }
          default: {
            // sri, sh in 1..64
            if (sh === 64) {
              l = dl;
              R.hi = dh;
              break;
            }
            const vl = lsr64(al, ah, sh);
            const vh = R.hi;
            const ml = lsr64(-1, -1, sh);
            const mh = R.hi;
            l = (dl & ~ml) | vl;
            R.hi = (dh & ~mh) | vh;
          }
        }
        D32[2 * i] = l;
        D32[2 * i + 1] = R.hi;
      }
      fin(s, d, q);
    };
  }
  const ra = (sg ? RS : RU)[z] as Rd;
  const ru = RU[z] as Rd;
  const w = WD[z] as Wr;
  const e = 8 << z;
  const all = UMAX[z] as number;
  let g: (a: number, dv: number) => number;
  switch (k) {
    case 'sshr':
    case 'srshr':
    case 'ssra':
    case 'srsra':
      g = acc ? (a, dv) => dv + shiftN(a, -sh, z, sg, rnd, false) : (a) => shiftN(a, -sh, z, sg, rnd, false);
      break;
    case 'shl':
      g = (a) => a << sh;
      break;
    case 'sqshl':
      g = (a) => shiftN(a, sh, z, true, false, true);
      break;
    case 'uqshl':
      g = (a) => shiftN(a, sh, z, false, false, true);
      break;
    case 'sqshlu':
      g = (a) => (a < 0 ? sat(a, 0, 0) : shiftN(a, sh, z, false, false, true));
      break;
    case 'sli': {
      const mask = (all * 2 ** sh) % 2 ** e;
      g = (a, dv) => ((dv & ~mask) | (a << sh)) >>> 0;
      break;
    }
    default: {
      const mask = sh >= e ? 0 : Math.floor(all / 2 ** sh);
      g = sh >= e ? (_a, dv) => dv : (a, dv) => ((dv & ~mask) | Math.floor(a / 2 ** sh)) >>> 0;
    }
  }
  return (s) => {
    D32[0] = 0;
    D32[1] = 0;
    for (let i = 0; i < cnt; i++) w(i, g(ra(s, n, i), ru(s, d, i)));
    fin(s, d, q);
  };
}

const defsShift: InsnDef[] = [];
for (const o of SH) {
  const ob = bitsOf(o.op, 5);
  const narrowish = o.kind === 'narrow' || o.kind === 'long';
  defsShift.push({
    id: `${o.name.toUpperCase()}_imm_v`,
    cls: 'simd',
    pattern: `0 q:1 ${o.u} 011110 immh:4 immb:3 ${ob} 1 rn:5 rd:5`,
    when: (f) => {
      const h = x(f, 'immh');
      if (h === 0) return false;
      if (narrowish) return h < 8;
      return !(h >= 8 && f.q === 0);
    },
    disasm: (f) => {
      const z = immhSize(x(f, 'immh'));
      const q = x(f, 'q');
      const sh = shAmt(o, f);
      const [d, n] = [x(f, 'rd'), x(f, 'rn')];
      if (o.kind === 'narrow') return `${o.name}${q ? '2' : ''} ${vr(d, z, q)}, ${vr(n, z + 1, 1)}, ${imm(sh)}`;
      if (o.kind === 'long') return `${o.name}${q ? '2' : ''} ${vr(d, z + 1, 1)}, ${vr(n, z, q)}, ${imm(sh)}`;
      return `${o.name} ${vr(d, z, q)}, ${vr(n, z, q)}, ${imm(sh)}`;
    },
    exec: (f) => shExec(o, x(f, 'rn'), x(f, 'rd'), immhSize(x(f, 'immh')), x(f, 'q'), shAmt(o, f), false),
  });
  if (o.sc) {
    defsShift.push({
      id: `${o.name.toUpperCase()}_imm_s`,
      cls: 'simd',
      pattern: `01 ${o.u} 111110 immh:4 immb:3 ${ob} 1 rn:5 rd:5`,
      when: (f) => {
        const h = x(f, 'immh');
        if (o.sc === 'd') return h >= 8;
        if (o.sc === 'n') return h > 0 && h < 8;
        return h > 0;
      },
      disasm: (f) => {
        const z = immhSize(x(f, 'immh'));
        const sh = shAmt(o, f);
        if (o.kind === 'narrow') return `${o.name} ${sr(x(f, 'rd'), z)}, ${sr(x(f, 'rn'), z + 1)}, ${imm(sh)}`;
        return `${o.name} ${sr(x(f, 'rd'), z)}, ${sr(x(f, 'rn'), z)}, ${imm(sh)}`;
      },
      exec: (f) => shExec(o, x(f, 'rn'), x(f, 'rd'), immhSize(x(f, 'immh')), 0, shAmt(o, f), true),
    });
  }
}

// ---- permute, EXT, TBL/TBX ------------------------------------------------------------------

const PERM: [string, number][] = [
  ['uzp1', 1],
  ['trn1', 2],
  ['zip1', 3],
  ['uzp2', 5],
  ['trn2', 6],
  ['zip2', 7],
];

const defsPerm: InsnDef[] = [];
for (const [name, opc] of PERM) {
  defsPerm.push({
    id: `${name.toUpperCase()}`,
    cls: 'simd',
    pattern: `0 q:1 001110 size:2 0 rm:5 0 ${bitsOf(opc, 3)} 10 rn:5 rd:5`,
    when: (f) => !(f.size === 3 && f.q === 0),
    disasm: (f) => {
      const z = x(f, 'size');
      const q = x(f, 'q');
      return `${name} ${vr(x(f, 'rd'), z, q)}, ${vr(x(f, 'rn'), z, q)}, ${vr(x(f, 'rm'), z, q)}`;
    },
    exec: (f) => {
      const z = x(f, 'size');
      const q = x(f, 'q');
      const eb = 1 << z;
      const cnt = lanes(z, q);
      const half = cnt >> 1;
      const part = opc >> 2;
      const src: number[] = []; // element index into Vn ++ Vm (in units of elements; Vm at 16/eb)
      const mOff = 16 / eb;
      for (let i = 0; i < cnt; i++) {
        let el: number;
        const kind = opc & 3;
        if (kind === 1) {
          // UZP: even (part 0) or odd elements of concatenated n:m
          const k = 2 * i + part;
          el = k < cnt ? k : mOff + (k - cnt);
        } else if (kind === 2) {
          // TRN
          const pair = i >> 1;
          el = i & 1 ? mOff + 2 * pair + part : 2 * pair + part;
        } else {
          // ZIP
          const base = part * half;
          el = i & 1 ? mOff + base + (i >> 1) : base + (i >> 1);
        }
        src.push(el);
      }
      const perm: number[] = [];
      for (let j = 0; j < 16; j++) {
        const i = Math.floor(j / eb);
        perm.push(i < cnt ? (src[i] as number) * eb + (j % eb) : -1);
      }
      return permExec(perm, x(f, 'rn'), x(f, 'rm'), x(f, 'rd'), q);
    },
  });
}

defsPerm.push({
  id: 'EXT',
  cls: 'simd',
  pattern: '0 q:1 101110 00 0 rm:5 0 imm4:4 0 rn:5 rd:5',
  when: (f) => f.q === 1 || x(f, 'imm4') < 8,
  disasm: (f) => {
    const q = x(f, 'q');
    return `ext ${vr(x(f, 'rd'), 0, q)}, ${vr(x(f, 'rn'), 0, q)}, ${vr(x(f, 'rm'), 0, q)}, ${imm(x(f, 'imm4'))}`;
  },
  exec: (f) => {
    const q = x(f, 'q');
    const len = q ? 16 : 8;
    const p = x(f, 'imm4');
    const perm: number[] = [];
    for (let j = 0; j < 16; j++) {
      const k = j + p;
      perm.push(j >= len ? -1 : k < len ? k : 16 + (k - len));
    }
    return permExec(perm, x(f, 'rn'), x(f, 'rm'), x(f, 'rd'), q);
  },
});

defsPerm.push({
  id: 'TBL_TBX',
  cls: 'simd',
  pattern: '0 q:1 001110 00 0 rm:5 0 len:2 op:1 00 rn:5 rd:5',
  disasm: (f) => {
    const q = x(f, 'q');
    const regs: string[] = [];
    for (let i = 0; i <= x(f, 'len'); i++) regs.push(`v${(x(f, 'rn') + i) % 32}.16b`);
    return `${f.op ? 'tbx' : 'tbl'} ${vr(x(f, 'rd'), 0, q)}, { ${regs.join(', ')} }, ${vr(x(f, 'rm'), 0, q)}`;
  },
  exec: (f) => {
    const [q, n, m, d] = [x(f, 'q'), x(f, 'rn'), x(f, 'rm'), x(f, 'rd')];
    const nregs = x(f, 'len') + 1;
    const tbx = f.op === 1;
    const len = q ? 16 : 8;
    const limit = nregs * 16;
    return (s) => {
      const vb = s.vb;
      for (let j = 0; j < len; j++) {
        const k = vb[(m << 4) + j] as number;
        if (k < limit) D8[j] = vb[(((n + (k >> 4)) & 31) << 4) + (k & 15)] as number;
        else D8[j] = tbx ? (vb[(d << 4) + j] as number) : 0;
      }
      fin(s, d, q);
    };
  },
});

// ---- scalar pairwise ADDP -------------------------------------------------------------------

const defsScalarPair: InsnDef[] = [
  {
    id: 'ADDP_s',
    cls: 'simd',
    pattern: '01 0 11110 11 11000 11011 10 rn:5 rd:5',
    disasm: (f) => `addp d${x(f, 'rd')}, v${x(f, 'rn')}.2d`,
    exec: (f) => {
      const n = x(f, 'rn') << 2;
      const d = x(f, 'rd');
      return (s) => {
        const vi = s.vi;
        D32[0] = add64(vi[n] as number, vi[n + 1] as number, vi[n + 2] as number, vi[n + 3] as number);
        D32[1] = R.hi;
        fin(s, d, 0);
      };
    },
  },
];

export const defs: InsnDef[] = [
  ...defsCopy,
  ...defsImm,
  ...defsShift,
  ...defsIdx,
  ...defs3same,
  ...defsDiff,
  ...defsMisc,
  ...defsAcross,
  ...defsPerm,
  ...defsScalarPair,
];

/** Exposed for tests: exact 64-bit multiply helpers. */
export const _internal = { umul64, smul64, shift64, shiftN };
