/**
 * Advanced SIMD three same, and Advanced SIMD scalar three same (ARMv8.0-A integer forms):
 * one row of `SAME` describes both the vector and the scalar encoding of an operation; the
 * bitwise group (opcode 00011, the size field selecting AND/BIC/ORR/ORN/EOR/BSL/BIT/BIF) follows.
 */
import { type InsnDef, insn } from '../../decoder.ts';
import type { Op } from '../../state.ts';
import { laneFn, laneOp, sext8 } from './lane-expr.ts';
import {
  add64,
  B,
  bitsOf,
  D32,
  Dm,
  fin,
  H,
  LDS,
  LDU,
  type Ld,
  lanes,
  ltS64,
  ltU64,
  qdmulh,
  R,
  type Rd,
  RS,
  RU,
  S,
  SMAX,
  SMIN,
  ST,
  type St,
  sat,
  shift64,
  shiftN,
  sqadd64,
  sqsub64,
  sr,
  sub64,
  TA,
  TB,
  TC,
  UMAX,
  uqadd64,
  uqsub64,
  vr,
  WD,
  type Wr,
} from './lanes.ts';

function pmul8(a: number, b: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) if ((b >> i) & 1) r ^= a << i;
  return r;
}

function pmul8x16(a: number, b: number): number {
  return pmul8(a, b);
}

type F3 = (a: number, b: number, d: number) => number;
export type F64 = (al: number, ah: number, bl: number, bh: number, dl: number, dh: number) => number;

export interface SameOp {
  name: string;
  u: number;
  op: number;
  sg: boolean;
  vsz: number;
  ssz: number;
  /** The lane operation, for rows described by a closure (see `e` for the others). */
  f?: (z: number) => F3;
  /**
   * The lane operation as an expression over the lanes `a`, `b`, `d` (signed when `sg`) and the
   * element size `Z`, for the rows that never saturate: the row's only description (lane-expr.ts).
   */
  e?: string;
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

export const SAME: SameOp[] = [
  { name: 'shadd', u: 0, op: 0, sg: true, vsz: B | H | S, ssz: 0, e: 'Math.floor((a + b) / 2)' },
  { name: 'uhadd', u: 1, op: 0, sg: false, vsz: B | H | S, ssz: 0, e: 'Math.floor((a + b) / 2)' },
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
  { name: 'srhadd', u: 0, op: 2, sg: true, vsz: B | H | S, ssz: 0, e: 'Math.floor((a + b + 1) / 2)' },
  { name: 'urhadd', u: 1, op: 2, sg: false, vsz: B | H | S, ssz: 0, e: 'Math.floor((a + b + 1) / 2)' },
  { name: 'shsub', u: 0, op: 4, sg: true, vsz: B | H | S, ssz: 0, e: 'Math.floor((a - b) / 2)' },
  { name: 'uhsub', u: 1, op: 4, sg: false, vsz: B | H | S, ssz: 0, e: 'Math.floor((a - b) / 2)' },
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
    e: 'a > b ? -1 : 0',
    f64: cmpS64((al, ah, bl, bh) => ltS64(bl, bh, al, ah)),
  },
  {
    name: 'cmhi',
    u: 1,
    op: 6,
    sg: false,
    vsz: 15,
    ssz: Dm,
    e: 'a > b ? -1 : 0',
    f64: cmpS64((al, ah, bl, bh) => ltU64(bl, bh, al, ah)),
  },
  {
    name: 'cmge',
    u: 0,
    op: 7,
    sg: true,
    vsz: 15,
    ssz: Dm,
    e: 'a >= b ? -1 : 0',
    f64: cmpS64((al, ah, bl, bh) => !ltS64(al, ah, bl, bh)),
  },
  {
    name: 'cmhs',
    u: 1,
    op: 7,
    sg: false,
    vsz: 15,
    ssz: Dm,
    e: 'a >= b ? -1 : 0',
    f64: cmpS64((al, ah, bl, bh) => !ltU64(al, ah, bl, bh)),
  },
  {
    name: 'sshl',
    u: 0,
    op: 8,
    sg: true,
    vsz: 15,
    ssz: Dm,
    e: 'shiftN(a, sext8(b), Z, true, false, false)',
    f64: sh64(true, false, false),
  },
  {
    name: 'ushl',
    u: 1,
    op: 8,
    sg: false,
    vsz: 15,
    ssz: Dm,
    e: 'shiftN(a, sext8(b), Z, false, false, false)',
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
    e: 'shiftN(a, sext8(b), Z, true, true, false)',
    f64: sh64(true, true, false),
  },
  {
    name: 'urshl',
    u: 1,
    op: 10,
    sg: false,
    vsz: 15,
    ssz: Dm,
    e: 'shiftN(a, sext8(b), Z, false, true, false)',
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
  { name: 'smax', u: 0, op: 12, sg: true, vsz: B | H | S, ssz: 0, e: 'a > b ? a : b' },
  { name: 'umax', u: 1, op: 12, sg: false, vsz: B | H | S, ssz: 0, e: 'a > b ? a : b' },
  { name: 'smin', u: 0, op: 13, sg: true, vsz: B | H | S, ssz: 0, e: 'a < b ? a : b' },
  { name: 'umin', u: 1, op: 13, sg: false, vsz: B | H | S, ssz: 0, e: 'a < b ? a : b' },
  { name: 'sabd', u: 0, op: 14, sg: true, vsz: B | H | S, ssz: 0, e: 'Math.abs(a - b)' },
  { name: 'uabd', u: 1, op: 14, sg: false, vsz: B | H | S, ssz: 0, e: 'Math.abs(a - b)' },
  { name: 'saba', u: 0, op: 15, sg: true, vsz: B | H | S, ssz: 0, e: 'd + Math.abs(a - b)' },
  { name: 'uaba', u: 1, op: 15, sg: false, vsz: B | H | S, ssz: 0, e: 'd + Math.abs(a - b)' },
  { name: 'add', u: 0, op: 16, sg: false, vsz: 15, ssz: Dm, e: 'a + b', f64: add64 },
  { name: 'sub', u: 1, op: 16, sg: false, vsz: 15, ssz: Dm, e: 'a - b', f64: sub64 },
  {
    name: 'cmtst',
    u: 0,
    op: 17,
    sg: false,
    vsz: 15,
    ssz: Dm,
    e: '(a & b) !== 0 ? -1 : 0',
    f64: cmpS64((al, ah, bl, bh) => ((al & bl) | (ah & bh)) !== 0),
  },
  {
    name: 'cmeq',
    u: 1,
    op: 17,
    sg: false,
    vsz: 15,
    ssz: Dm,
    e: 'a === b ? -1 : 0',
    f64: cmpS64((al, ah, bl, bh) => al === bl && ah === bh),
  },
  { name: 'mla', u: 0, op: 18, sg: false, vsz: B | H | S, ssz: 0, e: 'd + Math.imul(a, b)' },
  { name: 'mls', u: 1, op: 18, sg: false, vsz: B | H | S, ssz: 0, e: 'd - Math.imul(a, b)' },
  { name: 'mul', u: 0, op: 19, sg: false, vsz: B | H | S, ssz: 0, e: 'Math.imul(a, b)' },
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
 * The lane loops here and in `unExec` (two_reg_misc.ts) look alike on purpose: each builds a
 * closure whose loop calls only the functions this op needs (two or three loaders), which keeps
 * the loop monomorphic; a shared loop with optional operands would test them in every lane.
 */
export function sameExec(
  o: SameOp,
  n: number,
  m: number,
  d: number,
  z: number,
  q: number,
  scalar: boolean,
  idx = -1,
): Op {
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
  const x = o.e === undefined ? undefined : { key: `same/${o.name}`, e: o.e, sg: o.sg };
  if (!scalar && idx < 0 && !o.pair && x !== undefined) return laneOp(x, z, q)(n, m, d);
  const g = x === undefined ? (o.f as (z: number) => F3)(z) : laneFn(x, z);
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

export const defs: InsnDef[] = [];
for (const o of SAME) {
  const ob = bitsOf(o.op, 5);
  defs.push(
    insn({
      id: `${o.name.toUpperCase()}_v`,
      cls: 'simd',
      pattern: `0 q:1 ${o.u} 01110 size:2 1 rm:5 ${ob} 1 rn:5 rd:5`,
      when: (f) => ((o.vsz >> f.size) & 1) === 1 && !(f.size === 3 && f.q === 0),
      disasm: (f) => {
        const z = f.size;
        const q = f.q;
        return `${o.name} ${vr(f.rd, z, q)}, ${vr(f.rn, z, q)}, ${vr(f.rm, z, q)}`;
      },
      exec: (f) => sameExec(o, f.rn, f.rm, f.rd, f.size, f.q, false),
    }),
  );
  if (o.ssz) {
    defs.push(
      insn({
        id: `${o.name.toUpperCase()}_s`,
        cls: 'simd',
        pattern: `01 ${o.u} 11110 size:2 1 rm:5 ${ob} 1 rn:5 rd:5`,
        when: (f) => ((o.ssz >> f.size) & 1) === 1,
        disasm: (f) => {
          const z = f.size;
          return `${o.name} ${sr(f.rd, z)}, ${sr(f.rn, z)}, ${sr(f.rm, z)}`;
        },
        exec: (f) => sameExec(o, f.rn, f.rm, f.rd, f.size, 0, true),
      }),
    );
  }
}

// Bitwise three same (opcode 00011; the size field selects the operation), as lane expressions
// over 32-bit lanes (lane-expr.ts).
export const LOGIC: [string, number, number, string][] = [
  ['and', 0, 0, 'a & b'],
  ['bic', 0, 1, 'a & ~b'],
  ['orr', 0, 2, 'a | b'],
  ['orn', 0, 3, 'a | ~b'],
  ['eor', 1, 0, 'a ^ b'],
  ['bsl', 1, 1, '(d & a) | (~d & b)'],
  ['bit', 1, 2, '(a & b) | (d & ~b)'],
  ['bif', 1, 3, '(a & ~b) | (d & b)'],
];
for (const [name, u, opc, e] of LOGIC) {
  const x = { key: `logic/${name}`, e, sg: true };
  defs.push(
    insn({
      id: `${name.toUpperCase()}_v`,
      cls: 'simd',
      pattern: `0 q:1 ${u} 01110 ${bitsOf(opc, 2)} 1 rm:5 00011 1 rn:5 rd:5`,
      disasm: (f) => {
        const q = f.q;
        if (name === 'orr' && f.rn === f.rm) return `mov ${vr(f.rd, 0, q)}, ${vr(f.rn, 0, q)}`;
        return `${name} ${vr(f.rd, 0, q)}, ${vr(f.rn, 0, q)}, ${vr(f.rm, 0, q)}`;
      },
      exec: (f) => laneOp(x, 2, f.q)(f.rn, f.rm, f.rd),
    }),
  );
}
