/**
 * AdvSIMD floating point (ARMv8.0, single and double lanes; the v8.2 FP16 forms stay undefined):
 * three-same (vector and scalar), two-register misc (vector and scalar, incl. FCVTN/FCVTL/FCVTXN),
 * by element, across lanes, pairwise scalar, fixed-point conversions by immediate, FMOV vector
 * immediate. Lane semantics come from ../fpu.ts. Every vector op computes all lanes into a scratch
 * buffer first, then writes Vd, so overlapping registers read their old values.
 * Patterns are exact (no catch-alls): this table precedes the integer AdvSIMD table.
 */
import { type Fields, type InsnDef, insn } from '../decoder.ts';
import * as fpu from '../fpu.ts';
import type { CpuState, Op } from '../state.ts';
import { imm } from './fmt.ts';
import { fpImmText, fpImmValue } from './fp.ts';

// Module-level copies of the FP core's exports: cheaper than a module-binding lookup per call.
const {
  b32,
  b64,
  CMP_EQ,
  CMP_GE,
  CMP_GT,
  cvtDS,
  cvtHS,
  cvtSD,
  cvtSH,
  FD,
  FS,
  fadd32,
  fadd64,
  fbin32,
  fbin64,
  fcmpv32,
  fcmpv64,
  fdiv32,
  fdiv64,
  ffma32,
  ffma64,
  fmul32,
  fmul64,
  fpcrRounding,
  fromInt32,
  fromInt64,
  fsqrt32,
  fsqrt64,
  fsub32,
  fsub64,
  genRecipEstimate,
  genRecpX,
  genRSqrtEstimate,
  n32,
  n64,
  OP_MAX,
  OP_MAXNM,
  OP_MIN,
  OP_MINNM,
  OP_MULX,
  OP_RECPS,
  OP_RSQRTS,
  out,
  RA,
  RM,
  RN,
  RODD,
  RP,
  RZ,
  roundInt32,
  roundInt64,
  toInt32,
  toInt64,
} = fpu;

type F32 = (s: CpuState, a: number, b: number, c: number) => number;
type F64 = (s: CpuState, ahi: number, alo: number, bhi: number, blo: number, chi: number, clo: number) => number;

const SIGN = 0x80000000 | 0;
/** Scratch for lane results (one 128-bit register). */
const T = new Int32Array(4);

// ---- lane functions -------------------------------------------------------------------------------

function cmp32(kind: number, abs: boolean): F32 {
  return abs
    ? (s, a, b) => (fcmpv32(s, kind, a & 0x7fffffff, b & 0x7fffffff) ? -1 : 0)
    : (s, a, b) => (fcmpv32(s, kind, a, b) ? -1 : 0);
}
function cmp64(kind: number, abs: boolean): F64 {
  return (s, ahi, alo, bhi, blo) => {
    const r = abs
      ? fcmpv64(s, kind, ahi & 0x7fffffff, alo, bhi & 0x7fffffff, blo)
      : fcmpv64(s, kind, ahi, alo, bhi, blo);
    out.hi = r ? -1 : 0;
    return out.hi;
  };
}

/** Two-operand lane ops by name (c = the destination lane, for the fused forms). */
function bin32(kind: string): F32 {
  switch (kind) {
    case 'fadd':
      return (s, a, b) => fadd32(s, a, b);
    case 'fsub':
      return (s, a, b) => fsub32(s, a, b);
    case 'fmul':
      return (s, a, b) => fmul32(s, a, b);
    case 'fdiv':
      return (s, a, b) => fdiv32(s, a, b);
    case 'fmax':
      return (s, a, b) => fbin32(s, OP_MAX, a, b);
    case 'fmin':
      return (s, a, b) => fbin32(s, OP_MIN, a, b);
    case 'fmaxnm':
      return (s, a, b) => fbin32(s, OP_MAXNM, a, b);
    case 'fminnm':
      return (s, a, b) => fbin32(s, OP_MINNM, a, b);
    case 'fmulx':
      return (s, a, b) => fbin32(s, OP_MULX, a, b);
    case 'frecps':
      return (s, a, b) => fbin32(s, OP_RECPS, a, b);
    case 'frsqrts':
      return (s, a, b) => fbin32(s, OP_RSQRTS, a, b);
    case 'fmla':
      return (s, a, b, c) => ffma32(s, c, a, b);
    case 'fmls':
      return (s, a, b, c) => ffma32(s, c, a ^ SIGN, b);
    case 'fabd':
      return (s, a, b) => fsub32(s, a, b) & 0x7fffffff;
    case 'fcmeq':
      return cmp32(CMP_EQ, false);
    case 'fcmge':
      return cmp32(CMP_GE, false);
    case 'fcmgt':
      return cmp32(CMP_GT, false);
    case 'facge':
      return cmp32(CMP_GE, true);
    default:
      return cmp32(CMP_GT, true);
  }
}

function bin64(kind: string): F64 {
  const wrap =
    (op: number): F64 =>
    (s, ahi, alo, bhi, blo) =>
      fbin64(s, op, ahi, alo, bhi, blo);
  switch (kind) {
    case 'fadd':
      return (s, ahi, alo, bhi, blo) => fadd64(s, ahi, alo, bhi, blo);
    case 'fsub':
      return (s, ahi, alo, bhi, blo) => fsub64(s, ahi, alo, bhi, blo);
    case 'fmul':
      return (s, ahi, alo, bhi, blo) => fmul64(s, ahi, alo, bhi, blo);
    case 'fdiv':
      return (s, ahi, alo, bhi, blo) => fdiv64(s, ahi, alo, bhi, blo);
    case 'fmax':
      return wrap(OP_MAX);
    case 'fmin':
      return wrap(OP_MIN);
    case 'fmaxnm':
      return wrap(OP_MAXNM);
    case 'fminnm':
      return wrap(OP_MINNM);
    case 'fmulx':
      return wrap(OP_MULX);
    case 'frecps':
      return wrap(OP_RECPS);
    case 'frsqrts':
      return wrap(OP_RSQRTS);
    case 'fmla':
      return (s, ahi, alo, bhi, blo, chi, clo) => ffma64(s, chi, clo, ahi, alo, bhi, blo);
    case 'fmls':
      return (s, ahi, alo, bhi, blo, chi, clo) => ffma64(s, chi, clo, ahi ^ SIGN, alo, bhi, blo);
    case 'fabd':
      return (s, ahi, alo, bhi, blo) => {
        const lo = fsub64(s, ahi, alo, bhi, blo);
        out.hi &= 0x7fffffff;
        return lo;
      };
    case 'fcmeq':
      return cmp64(CMP_EQ, false);
    case 'fcmge':
      return cmp64(CMP_GE, false);
    case 'fcmgt':
      return cmp64(CMP_GT, false);
    case 'facge':
      return cmp64(CMP_GE, true);
    default:
      return cmp64(CMP_GT, true);
  }
}

const CVT_ROUND: Record<string, number> = { n: RN, m: RM, a: RA, p: RP, z: RZ };

/** One-operand lane ops by name; `fbits` for the fixed-point conversions. */
function un32(kind: string, fbits = 0): F32 {
  switch (kind) {
    case 'fabs':
      return (_s, a) => a & 0x7fffffff;
    case 'fneg':
      return (_s, a) => a ^ SIGN;
    case 'fsqrt':
      return (s, a) => fsqrt32(s, a);
    case 'frecpe':
      return (s, a) => n32(genRecipEstimate(FS, b32(a), s));
    case 'frsqrte':
      return (s, a) => n32(genRSqrtEstimate(FS, b32(a), s));
    case 'frecpx':
      return (s, a) => n32(genRecpX(FS, b32(a), s));
    case 'scvtf':
      return (s, a) => fromInt32(s, a, 0, true, false, fbits, fpcrRounding(s.fpcr));
    case 'ucvtf':
      return (s, a) => fromInt32(s, a, 0, false, false, fbits, fpcrRounding(s.fpcr));
    case 'fcmgt0':
      return (s, a) => (fcmpv32(s, CMP_GT, a, 0) ? -1 : 0);
    case 'fcmge0':
      return (s, a) => (fcmpv32(s, CMP_GE, a, 0) ? -1 : 0);
    case 'fcmeq0':
      return (s, a) => (fcmpv32(s, CMP_EQ, a, 0) ? -1 : 0);
    case 'fcmle0':
      return (s, a) => (fcmpv32(s, CMP_GE, 0, a) ? -1 : 0);
    case 'fcmlt0':
      return (s, a) => (fcmpv32(s, CMP_GT, 0, a) ? -1 : 0);
  }
  if (kind.startsWith('frint')) {
    const r = kind[5] as string;
    const exact = r === 'x';
    if (r === 'x' || r === 'i') return (s, a) => roundInt32(s, a, fpcrRounding(s.fpcr), exact);
    const rounding = CVT_ROUND[r] as number;
    return (s, a) => roundInt32(s, a, rounding, false);
  }
  // fcvt[nmapz][su]
  const rounding = CVT_ROUND[kind[4] as string] as number;
  const unsigned = kind[5] === 'u';
  return (s, a) => toInt32(s, a, fbits, unsigned, 32, rounding);
}

function un64(kind: string, fbits = 0): F64 {
  const gen =
    (fn: (s: CpuState, v: bigint) => bigint): F64 =>
    (s, ahi, alo) =>
      n64(fn(s, b64(ahi, alo)));
  switch (kind) {
    case 'fabs':
      return (_s, ahi, alo) => {
        out.hi = ahi & 0x7fffffff;
        return alo;
      };
    case 'fneg':
      return (_s, ahi, alo) => {
        out.hi = ahi ^ SIGN;
        return alo;
      };
    case 'fsqrt':
      return (s, ahi, alo) => fsqrt64(s, ahi, alo);
    case 'frecpe':
      return gen((s, v) => genRecipEstimate(FD, v, s));
    case 'frsqrte':
      return gen((s, v) => genRSqrtEstimate(FD, v, s));
    case 'frecpx':
      return gen((s, v) => genRecpX(FD, v, s));
    case 'scvtf':
      return (s, ahi, alo) => fromInt64(s, alo, ahi, true, true, fbits, fpcrRounding(s.fpcr));
    case 'ucvtf':
      return (s, ahi, alo) => fromInt64(s, alo, ahi, false, true, fbits, fpcrRounding(s.fpcr));
    case 'fcmgt0':
      return cmpZero64(CMP_GT, false);
    case 'fcmge0':
      return cmpZero64(CMP_GE, false);
    case 'fcmeq0':
      return cmpZero64(CMP_EQ, false);
    case 'fcmle0':
      return cmpZero64(CMP_GE, true);
    case 'fcmlt0':
      return cmpZero64(CMP_GT, true);
  }
  if (kind.startsWith('frint')) {
    const r = kind[5] as string;
    const exact = r === 'x';
    if (r === 'x' || r === 'i') return (s, ahi, alo) => roundInt64(s, ahi, alo, fpcrRounding(s.fpcr), exact);
    const rounding = CVT_ROUND[r] as number;
    return (s, ahi, alo) => roundInt64(s, ahi, alo, rounding, false);
  }
  const rounding = CVT_ROUND[kind[4] as string] as number;
  const unsigned = kind[5] === 'u';
  return (s, ahi, alo) => toInt64(s, ahi, alo, fbits, unsigned, 64, rounding);
}

function cmpZero64(kind: number, swap: boolean): F64 {
  return (s, ahi, alo) => {
    const r = swap ? fcmpv64(s, kind, 0, 0, ahi, alo) : fcmpv64(s, kind, ahi, alo, 0, 0);
    out.hi = r ? -1 : 0;
    return out.hi;
  };
}

// ---- op builders ----------------------------------------------------------------------------------

/**
 * Lane-wise op over 32-bit lanes: `lanes` of them (1 = scalar: the rest of Vd is zeroed);
 * mFixed >= 0 takes the second operand from that element of Vm (by-element forms).
 */
function op32(lanes: number, d: number, n: number, m: number, fn: F32, mFixed = -1): Op {
  const di = d << 2;
  const ni = n << 2;
  const mi = m << 2;
  return (s) => {
    const vi = s.vi;
    for (let i = 0; i < lanes; i++) {
      T[i] = fn(s, vi[ni + i] as number, vi[mi + (mFixed >= 0 ? mFixed : i)] as number, vi[di + i] as number);
    }
    for (let i = 0; i < lanes; i++) vi[di + i] = T[i] as number;
    for (let i = lanes; i < 4; i++) vi[di + i] = 0;
  };
}

/**
 * A lanewise double operation `kind`; FMLA and FMLS read the lanes as doubles (fpu.ts
 * fmla64vec) instead of passing bit halves through the generic lane function.
 */
function vec64(lanes: number, d: number, n: number, m: number, kind: string, mFixed = -1): Op {
  if (kind !== 'fmla' && kind !== 'fmls') return op64(lanes, d, n, m, bin64(kind), mFixed);
  const neg = kind === 'fmls';
  return (s) => fpu.fmla64vec(s, lanes, d, n, m, mFixed, neg);
}

function op64(lanes: number, d: number, n: number, m: number, fn: F64, mFixed = -1): Op {
  const di = d << 2;
  const ni = n << 2;
  const mi = m << 2;
  return (s) => {
    const vi = s.vi;
    for (let i = 0; i < lanes; i++) {
      const k = 2 * i;
      const mk = mi + 2 * (mFixed >= 0 ? mFixed : i);
      T[k] = fn(
        s,
        vi[ni + k + 1] as number,
        vi[ni + k] as number,
        vi[mk + 1] as number,
        vi[mk] as number,
        vi[di + k + 1] as number,
        vi[di + k] as number,
      );
      T[k + 1] = out.hi;
    }
    for (let i = 0; i < 2 * lanes; i++) vi[di + i] = T[i] as number;
    for (let i = 2 * lanes; i < 4; i++) vi[di + i] = 0;
  };
}

/** Pairwise over the concatenation Vm:Vn (lanes = result lanes). */
function pair32(lanes: number, d: number, n: number, m: number, fn: F32): Op {
  const di = d << 2;
  const ni = n << 2;
  const mi = m << 2;
  const half = lanes >> 1;
  return (s) => {
    const vi = s.vi;
    for (let i = 0; i < lanes; i++) {
      const base = i < half ? ni + 2 * i : mi + 2 * (i - half);
      T[i] = fn(s, vi[base] as number, vi[base + 1] as number, 0);
    }
    for (let i = 0; i < lanes; i++) vi[di + i] = T[i] as number;
    for (let i = lanes; i < 4; i++) vi[di + i] = 0;
  };
}

function pair64(d: number, n: number, m: number, fn: F64): Op {
  const di = d << 2;
  const ni = n << 2;
  const mi = m << 2;
  return (s) => {
    const vi = s.vi;
    T[0] = fn(s, vi[ni + 1] as number, vi[ni] as number, vi[ni + 3] as number, vi[ni + 2] as number, 0, 0);
    T[1] = out.hi;
    T[2] = fn(s, vi[mi + 1] as number, vi[mi] as number, vi[mi + 3] as number, vi[mi + 2] as number, 0, 0);
    T[3] = out.hi;
    vi.set(T, di);
  };
}

// ---- tables ---------------------------------------------------------------------------------------

/** Three-same FP: key (u << 4) | (a << 3) | op3, opcode = 11:op3. */
const SAME: Record<number, string> = {
  0: 'fmaxnm',
  1: 'fmla',
  2: 'fadd',
  3: 'fmulx',
  4: 'fcmeq',
  6: 'fmax',
  7: 'frecps',
  8: 'fminnm',
  9: 'fmls',
  10: 'fsub',
  14: 'fmin',
  15: 'frsqrts',
  16: 'fmaxnmp',
  18: 'faddp',
  19: 'fmul',
  20: 'fcmge',
  21: 'facge',
  22: 'fmaxp',
  23: 'fdiv',
  24: 'fminnmp',
  26: 'fabd',
  28: 'fcmgt',
  29: 'facgt',
  30: 'fminp',
};
const SAME_SCALAR = new Set(['fmulx', 'fcmeq', 'frecps', 'frsqrts', 'fcmge', 'facge', 'fabd', 'fcmgt', 'facgt']);
const sameKey = (f: Fields) => ((f.u as number) << 4) | ((f.a as number) << 3) | (f.op as number);
/** The operation of a SIMD_FP_3SAME word ('fmla', 'fadd', ...). */
export const sameKind = (f: Fields): string | undefined => SAME[sameKey(f)];

/** Two-register misc FP: key (u << 6) | (a << 5) | opcode. */
const MISC: Record<number, string> = {
  24: 'frintn',
  25: 'frintm',
  26: 'fcvtns',
  27: 'fcvtms',
  28: 'fcvtas',
  29: 'scvtf',
  44: 'fcmgt0',
  45: 'fcmeq0',
  46: 'fcmlt0',
  47: 'fabs',
  56: 'frintp',
  57: 'frintz',
  58: 'fcvtps',
  59: 'fcvtzs',
  61: 'frecpe',
  88: 'frinta',
  89: 'frintx',
  90: 'fcvtnu',
  91: 'fcvtmu',
  92: 'fcvtau',
  93: 'ucvtf',
  108: 'fcmge0',
  109: 'fcmle0',
  111: 'fneg',
  121: 'frinti',
  122: 'fcvtpu',
  123: 'fcvtzu',
  125: 'frsqrte',
  127: 'fsqrt',
};
const MISC_SCALAR = new Set([
  'fcvtns',
  'fcvtms',
  'fcvtas',
  'scvtf',
  'fcmgt0',
  'fcmeq0',
  'fcmlt0',
  'fcvtps',
  'fcvtzs',
  'frecpe',
  'frecpx',
  'fcvtnu',
  'fcvtmu',
  'fcvtau',
  'ucvtf',
  'fcmge0',
  'fcmle0',
  'fcvtpu',
  'fcvtzu',
  'frsqrte',
]);
const miscKey = (f: Fields) => ((f.u as number) << 6) | ((f.a as number) << 5) | (f.op as number);
const miscName = (f: Fields, scalar: boolean) => (scalar && miscKey(f) === 0x3f ? 'frecpx' : MISC[miscKey(f)]);

const arr = (sz: number, q: number) => (sz ? '2d' : q ? '4s' : '2s');
const sreg = (sz: number, n: number) => `${sz ? 'd' : 's'}${n}`;
const mnem = (k: string) => (k.endsWith('0') ? k.slice(0, -1) : k);
const zeroSuffix = (k: string) => (k.endsWith('0') ? ', #0.0' : '');

const BASE_OF_PAIR: Record<string, string> = {
  faddp: 'fadd',
  fmaxp: 'fmax',
  fminp: 'fmin',
  fmaxnmp: 'fmaxnm',
  fminnmp: 'fminnm',
};

const BYELEM: Record<number, string> = { 1: 'fmla', 5: 'fmls', 9: 'fmul', 25: 'fmulx' };
export const elemIndex = (f: Fields) => (f.sz ? (f.h as number) : ((f.h as number) << 1) | (f.l as number));
export const elemReg = (f: Fields) => ((f.m as number) << 4) | (f.rm as number);
/** The operation of a SIMD_FP_ELEM word ('fmla', 'fmls', 'fmul', 'fmulx'). */
export const byElemKind = (f: Fields): string | undefined => BYELEM[((f.u as number) << 4) | (f.op as number)];

export const defs: InsnDef[] = [
  // ---- three same ----
  insn({
    id: 'SIMD_FP_3SAME',
    cls: 'simd',
    pattern: '0 q:1 u:1 01110 a:1 sz:1 1 rm:5 11 op:3 1 rn:5 rd:5',
    when: (f) => SAME[sameKey(f)] !== undefined && !(f.sz === 1 && f.q === 0),
    disasm: (f) => {
      const t = arr(f.sz as number, f.q as number);
      return `${SAME[sameKey(f)]} v${f.rd}.${t}, v${f.rn}.${t}, v${f.rm}.${t}`;
    },
    exec: (f) => {
      const kind = SAME[sameKey(f)] as string;
      const d = f.rd as number;
      const n = f.rn as number;
      const m = f.rm as number;
      const base = BASE_OF_PAIR[kind];
      if (base !== undefined) {
        return f.sz ? pair64(d, n, m, bin64(base)) : pair32(f.q ? 4 : 2, d, n, m, bin32(base));
      }
      return f.sz ? vec64(2, d, n, m, kind) : op32(f.q ? 4 : 2, d, n, m, bin32(kind));
    },
  }),
  insn({
    id: 'SIMD_FP_3SAME_scalar',
    cls: 'simd',
    pattern: '01 u:1 11110 a:1 sz:1 1 rm:5 11 op:3 1 rn:5 rd:5',
    when: (f) => SAME_SCALAR.has(SAME[sameKey(f)] ?? ''),
    disasm: (f) => {
      const z = f.sz as number;
      return `${SAME[sameKey(f)]} ${sreg(z, f.rd as number)}, ${sreg(z, f.rn as number)}, ${sreg(z, f.rm as number)}`;
    },
    exec: (f) => {
      const kind = SAME[sameKey(f)] as string;
      const d = f.rd as number;
      const n = f.rn as number;
      const m = f.rm as number;
      return f.sz ? op64(1, d, n, m, bin64(kind)) : op32(1, d, n, m, bin32(kind));
    },
  }),
  // ---- two-register misc ----
  insn({
    id: 'SIMD_FP_MISC',
    cls: 'simd',
    pattern: '0 q:1 u:1 01110 a:1 sz:1 10000 op:5 10 rn:5 rd:5',
    when: (f) => MISC[miscKey(f)] !== undefined && !(f.sz === 1 && f.q === 0),
    disasm: (f) => {
      const k = MISC[miscKey(f)] as string;
      const t = arr(f.sz as number, f.q as number);
      return `${mnem(k)} v${f.rd}.${t}, v${f.rn}.${t}${zeroSuffix(k)}`;
    },
    exec: (f) => {
      const k = MISC[miscKey(f)] as string;
      const d = f.rd as number;
      const n = f.rn as number;
      return f.sz ? op64(2, d, n, n, un64(k)) : op32(f.q ? 4 : 2, d, n, n, un32(k));
    },
  }),
  insn({
    id: 'SIMD_FP_MISC_scalar',
    cls: 'simd',
    pattern: '01 u:1 11110 a:1 sz:1 10000 op:5 10 rn:5 rd:5',
    when: (f) => MISC_SCALAR.has(miscName(f, true) ?? ''),
    disasm: (f) => {
      const k = miscName(f, true) as string;
      const z = f.sz as number;
      return `${mnem(k)} ${sreg(z, f.rd as number)}, ${sreg(z, f.rn as number)}${zeroSuffix(k)}`;
    },
    exec: (f) => {
      const k = miscName(f, true) as string;
      const d = f.rd as number;
      const n = f.rn as number;
      return f.sz ? op64(1, d, n, n, un64(k)) : op32(1, d, n, n, un32(k));
    },
  }),
  insn({
    id: 'FCVTN',
    cls: 'simd',
    pattern: '0 q:1 u:1 01110 0 sz:1 10000 10110 10 rn:5 rd:5',
    when: (f) => f.u === 0 || f.sz === 1,
    disasm: (f) => {
      const name = f.u ? 'fcvtxn' : 'fcvtn';
      const dt = f.sz ? (f.q ? '4s' : '2s') : f.q ? '8h' : '4h';
      return `${name}${f.q ? '2' : ''} v${f.rd}.${dt}, v${f.rn}.${f.sz ? '2d' : '4s'}`;
    },
    exec: (f) => {
      const d = f.rd as number;
      const ni = (f.rn as number) << 2;
      const q = f.q === 1;
      const odd = f.u === 1;
      if (f.sz) {
        // 2D -> 2S into the low (FCVTN) or high (FCVTN2) half.
        return (s) => {
          const vi = s.vi;
          const rounding = odd ? RODD : fpcrRounding(s.fpcr);
          T[0] = cvtDS(s, vi[ni + 1] as number, vi[ni] as number, rounding);
          T[1] = cvtDS(s, vi[ni + 3] as number, vi[ni + 2] as number, rounding);
          const di = d << 2;
          if (q) {
            vi[di + 2] = T[0] as number;
            vi[di + 3] = T[1] as number;
          } else {
            vi[di] = T[0] as number;
            vi[di + 1] = T[1] as number;
            vi[di + 2] = 0;
            vi[di + 3] = 0;
          }
        };
      }
      return (s) => {
        const vi = s.vi;
        for (let i = 0; i < 4; i++) T[i] = cvtSH(s, vi[ni + i] as number);
        const di = d << 2;
        const lo = ((T[0] as number) & 0xffff) | ((T[1] as number) << 16);
        const hi = ((T[2] as number) & 0xffff) | ((T[3] as number) << 16);
        if (q) {
          vi[di + 2] = lo;
          vi[di + 3] = hi;
        } else {
          vi[di] = lo;
          vi[di + 1] = hi;
          vi[di + 2] = 0;
          vi[di + 3] = 0;
        }
      };
    },
  }),
  insn({
    id: 'FCVTXN_scalar',
    cls: 'simd',
    pattern: '01 1 11110 0 1 10000 10110 10 rn:5 rd:5',
    disasm: (f) => `fcvtxn s${f.rd}, d${f.rn}`,
    exec: (f) => {
      const d = f.rd as number;
      const ni = (f.rn as number) << 2;
      return (s) => {
        const vi = s.vi;
        const r = cvtDS(s, vi[ni + 1] as number, vi[ni] as number, RODD);
        const di = d << 2;
        vi[di] = r;
        vi[di + 1] = 0;
        vi[di + 2] = 0;
        vi[di + 3] = 0;
      };
    },
  }),
  insn({
    id: 'FCVTL',
    cls: 'simd',
    pattern: '0 q:1 0 01110 0 sz:1 10000 10111 10 rn:5 rd:5',
    disasm: (f) => {
      const st = f.sz ? (f.q ? '4s' : '2s') : f.q ? '8h' : '4h';
      return `fcvtl${f.q ? '2' : ''} v${f.rd}.${f.sz ? '2d' : '4s'}, v${f.rn}.${st}`;
    },
    exec: (f) => {
      const d = f.rd as number;
      const n = f.rn as number;
      const q = f.q as number;
      if (f.sz) {
        const ni = (n << 2) + 2 * q;
        return (s) => {
          const vi = s.vi;
          T[0] = cvtSD(s, vi[ni] as number);
          T[1] = out.hi;
          T[2] = cvtSD(s, vi[ni + 1] as number);
          T[3] = out.hi;
          vi.set(T, d << 2);
        };
      }
      const hi = (n << 3) + 4 * q;
      return (s) => {
        const vh = s.vh;
        for (let i = 0; i < 4; i++) T[i] = cvtHS(s, vh[hi + i] as number);
        s.vi.set(T, d << 2);
      };
    },
  }),
  // ---- pairwise scalar, across lanes ----
  insn({
    id: 'SIMD_FP_PAIR_scalar',
    cls: 'simd',
    pattern: '01 1 11110 a:1 sz:1 11000 op:5 10 rn:5 rd:5',
    when: (f) => f.op === 0x0c || f.op === 0x0f || (f.op === 0x0d && f.a === 0),
    disasm: (f) => {
      const name = pairName(f);
      return `${name} ${sreg(f.sz as number, f.rd as number)}, v${f.rn}.${f.sz ? '2d' : '2s'}`;
    },
    exec: (f) => {
      const base = BASE_OF_PAIR[pairName(f)] as string;
      const d = f.rd as number;
      const n = f.rn as number;
      if (f.sz) {
        const fn = bin64(base);
        const di = d << 2;
        const ni = n << 2;
        return (s) => {
          const vi = s.vi;
          const lo = fn(s, vi[ni + 1] as number, vi[ni] as number, vi[ni + 3] as number, vi[ni + 2] as number, 0, 0);
          vi[di] = lo;
          vi[di + 1] = out.hi;
          vi[di + 2] = 0;
          vi[di + 3] = 0;
        };
      }
      return pair32(1, d, n, n, bin32(base));
    },
  }),
  insn({
    id: 'SIMD_FP_ACROSS',
    cls: 'simd',
    pattern: '0 1 1 01110 a:1 0 11000 op:5 10 rn:5 rd:5',
    when: (f) => f.op === 0x0c || f.op === 0x0f,
    disasm: (f) => `${acrossName(f)} s${f.rd}, v${f.rn}.4s`,
    exec: (f) => {
      const fn = bin32(BASE_OF_PAIR[`${acrossName(f).slice(0, -1)}p`] as string);
      const di = (f.rd as number) << 2;
      const ni = (f.rn as number) << 2;
      return (s) => {
        const vi = s.vi;
        const lo = fn(s, vi[ni] as number, vi[ni + 1] as number, 0);
        const hi = fn(s, vi[ni + 2] as number, vi[ni + 3] as number, 0);
        vi[di] = fn(s, lo, hi, 0);
        vi[di + 1] = 0;
        vi[di + 2] = 0;
        vi[di + 3] = 0;
      };
    },
  }),
  // ---- by element ----
  insn({
    id: 'SIMD_FP_ELEM',
    cls: 'simd',
    pattern: '0 q:1 u:1 01111 1 sz:1 l:1 m:1 rm:4 op:4 h:1 0 rn:5 rd:5',
    when: (f) =>
      BYELEM[((f.u as number) << 4) | (f.op as number)] !== undefined && !(f.sz === 1 && (f.l === 1 || f.q === 0)),
    disasm: (f) => {
      const name = BYELEM[((f.u as number) << 4) | (f.op as number)] as string;
      const t = arr(f.sz as number, f.q as number);
      return `${name} v${f.rd}.${t}, v${f.rn}.${t}, v${elemReg(f)}.${f.sz ? 'd' : 's'}[${elemIndex(f)}]`;
    },
    exec: (f) => {
      const kind = BYELEM[((f.u as number) << 4) | (f.op as number)] as string;
      const d = f.rd as number;
      const n = f.rn as number;
      const m = elemReg(f);
      const idx = elemIndex(f);
      if (f.sz) return vec64(2, d, n, m, kind, idx);
      const lanes = f.q ? 4 : 2;
      if (kind === 'fmla' || kind === 'fmls') {
        const neg = kind === 'fmls';
        return (s) => fpu.fmla32vec(s, lanes, d, n, m, idx, neg);
      }
      return op32(lanes, d, n, m, bin32(kind), idx);
    },
  }),
  insn({
    id: 'SIMD_FP_ELEM_scalar',
    cls: 'simd',
    pattern: '01 u:1 11111 1 sz:1 l:1 m:1 rm:4 op:4 h:1 0 rn:5 rd:5',
    when: (f) => BYELEM[((f.u as number) << 4) | (f.op as number)] !== undefined && !(f.sz === 1 && f.l === 1),
    disasm: (f) => {
      const name = BYELEM[((f.u as number) << 4) | (f.op as number)] as string;
      const z = f.sz as number;
      return `${name} ${sreg(z, f.rd as number)}, ${sreg(z, f.rn as number)}, v${elemReg(f)}.${z ? 'd' : 's'}[${elemIndex(f)}]`;
    },
    exec: (f) => {
      const kind = BYELEM[((f.u as number) << 4) | (f.op as number)] as string;
      const d = f.rd as number;
      const n = f.rn as number;
      const m = elemReg(f);
      const idx = elemIndex(f);
      return f.sz ? vec64(1, d, n, m, kind, idx) : op32(1, d, n, m, bin32(kind), idx);
    },
  }),
  // ---- fixed-point conversions by immediate ----
  insn({
    id: 'SIMD_FP_CVT_fixed',
    cls: 'simd',
    pattern: '0 q:1 u:1 011110 immh:4 immb:3 op:5 1 rn:5 rd:5',
    when: (f) => (f.immh as number) >= 4 && (f.op === 0x1c || f.op === 0x1f) && !((f.immh as number) >= 8 && f.q === 0),
    disasm: (f) => {
      const t = (f.immh as number) >= 8 ? '2d' : f.q ? '4s' : '2s';
      return `${fixedName(f)} v${f.rd}.${t}, v${f.rn}.${t}, ${imm(fixedBits(f))}`;
    },
    exec: (f) => {
      const k = fixedName(f);
      const fb = fixedBits(f);
      const d = f.rd as number;
      const n = f.rn as number;
      return (f.immh as number) >= 8 ? op64(2, d, n, n, un64(k, fb)) : op32(f.q ? 4 : 2, d, n, n, un32(k, fb));
    },
  }),
  insn({
    id: 'SIMD_FP_CVT_fixed_scalar',
    cls: 'simd',
    pattern: '01 u:1 111110 immh:4 immb:3 op:5 1 rn:5 rd:5',
    when: (f) => (f.immh as number) >= 4 && (f.op === 0x1c || f.op === 0x1f),
    disasm: (f) => {
      const z = (f.immh as number) >= 8 ? 1 : 0;
      return `${fixedName(f)} ${sreg(z, f.rd as number)}, ${sreg(z, f.rn as number)}, ${imm(fixedBits(f))}`;
    },
    exec: (f) => {
      const k = fixedName(f);
      const fb = fixedBits(f);
      const d = f.rd as number;
      const n = f.rn as number;
      return (f.immh as number) >= 8 ? op64(1, d, n, n, un64(k, fb)) : op32(1, d, n, n, un32(k, fb));
    },
  }),
  // ---- FMOV (vector, immediate) ----
  insn({
    id: 'FMOV_vec_imm',
    cls: 'simd',
    pattern: '0 q:1 op:1 0111100000 abc:3 1111 01 defgh:5 rd:5',
    when: (f) => !(f.op === 1 && f.q === 0),
    disasm: (f) => {
      const t = f.op ? '2d' : f.q ? '4s' : '2s';
      return `fmov v${f.rd}.${t}, ${fpImmText(((f.abc as number) << 5) | (f.defgh as number))}`;
    },
    exec: (f) => {
      const v = fpImmValue(((f.abc as number) << 5) | (f.defgh as number));
      const di = (f.rd as number) << 2;
      const w = new Int32Array(4);
      if (f.op) {
        const b = new Int32Array(new Float64Array([v]).buffer);
        w[0] = w[2] = b[0] as number;
        w[1] = w[3] = b[1] as number;
      } else {
        const b = new Int32Array(new Float32Array([v]).buffer)[0] as number;
        w[0] = w[1] = b;
        if (f.q) w[2] = w[3] = b;
      }
      return (s) => s.vi.set(w, di);
    },
  }),
];

function pairName(f: Fields): string {
  if (f.op === 0x0d) return 'faddp';
  if (f.op === 0x0c) return f.a ? 'fminnmp' : 'fmaxnmp';
  return f.a ? 'fminp' : 'fmaxp';
}

function acrossName(f: Fields): string {
  if (f.op === 0x0c) return f.a ? 'fminnmv' : 'fmaxnmv';
  return f.a ? 'fminv' : 'fmaxv';
}

function fixedName(f: Fields): string {
  if (f.op === 0x1c) return f.u ? 'ucvtf' : 'scvtf';
  return f.u ? 'fcvtzu' : 'fcvtzs';
}

function fixedBits(f: Fields): number {
  const v = ((f.immh as number) << 3) | (f.immb as number);
  return ((f.immh as number) >= 8 ? 128 : 64) - v;
}
