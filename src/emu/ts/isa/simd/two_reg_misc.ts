/**
 * Advanced SIMD two-register miscellaneous, and Advanced SIMD scalar two-register miscellaneous
 * (integer forms): saturating accumulate, counts, compares against zero, ABS/NEG, REV, NOT/RBIT,
 * pairwise add long, narrowing (XTN/SQXTN/UQXTN/SQXTUN), SHLL, URECPE/URSQRTE.
 */
import { type InsnDef, insn } from '../../decoder.ts';
import type { Op } from '../../state.ts';
import { laneFn, laneOp } from './lane-expr.ts';
import {
  add64,
  B,
  bitsOf,
  D8,
  D16,
  D32,
  Dm,
  fin,
  finN,
  H,
  LDS,
  LDU,
  type Ld,
  lanes,
  type NarrowKind,
  narrow64,
  narrowN,
  pairOf,
  permExec,
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
  satS64,
  satU64,
  sr,
  sub64,
  TA,
  TC,
  UMAX,
  vr,
  WD,
  type Wr,
} from './lanes.ts';

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

type F1 = (a: number, d: number) => number;
type F1_64 = (al: number, ah: number, dl: number, dh: number) => number;

export interface UnOp {
  name: string;
  u: number;
  op: number;
  /** how a (the source) and d (old destination) are read. */
  sg: boolean;
  dsg?: boolean;
  vsz: number;
  ssz: number;
  /** The lane operation, for rows described by a closure (see `e` for the others). */
  f?: (z: number) => F1;
  /** The lane operation as an expression over `a` (and `Z`), for rows that never saturate (lane-expr.ts). */
  e?: string;
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

export const UN: UnOp[] = [
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
  { name: 'clz', u: 1, op: 4, sg: false, vsz: B | H | S, ssz: 0, e: 'Math.clz32(a) - (32 - (8 << Z))' },
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
    e: 'a > 0 ? -1 : 0',
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
    e: 'a >= 0 ? -1 : 0',
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
    e: 'a === 0 ? -1 : 0',
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
    e: 'a <= 0 ? -1 : 0',
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
    e: 'a < 0 ? -1 : 0',
    f64: cz64((_l, h) => h < 0),
  },
  { name: 'abs', u: 0, op: 11, sg: true, vsz: 15, ssz: Dm, e: 'Math.abs(a)', f64: abs64 },
  { name: 'neg', u: 1, op: 11, sg: true, vsz: 15, ssz: Dm, e: '-a', f64: neg64 },
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
  const x = o.e === undefined ? undefined : { key: `misc/${o.name}${o.zero ? '0' : ''}`, e: o.e, sg: o.sg };
  if (x !== undefined && !scalar) return laneOp(x, z, q)(n, 0, d);
  const h = x === undefined ? undefined : laneFn(x, z);
  const g: F1 = h === undefined ? (o.f as (z: number) => F1)(z) : (a, dv) => h(a, 0, dv);
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

export const defs: InsnDef[] = [];
for (const o of UN) {
  const ob = bitsOf(o.op, 5);
  const tail = o.zero ? ', #0' : '';
  defs.push(
    insn({
      id: `${o.name.toUpperCase()}_${o.zero ? 'z' : ''}v`,
      cls: 'simd',
      pattern: `0 q:1 ${o.u} 01110 size:2 10000 ${ob} 10 rn:5 rd:5`,
      when: (f) => ((o.vsz >> f.size) & 1) === 1 && !(f.size === 3 && f.q === 0),
      disasm: (f) => {
        const z = f.size;
        const q = f.q;
        return `${o.name} ${vr(f.rd, z, q)}, ${vr(f.rn, z, q)}${tail}`;
      },
      exec: (f) => unExec(o, f.rn, f.rd, f.size, f.q, false),
    }),
  );
  if (o.ssz) {
    defs.push(
      insn({
        id: `${o.name.toUpperCase()}_${o.zero ? 'z' : ''}s`,
        cls: 'simd',
        pattern: `01 ${o.u} 11110 size:2 10000 ${ob} 10 rn:5 rd:5`,
        when: (f) => ((o.ssz >> f.size) & 1) === 1,
        disasm: (f) => {
          const z = f.size;
          return `${o.name} ${sr(f.rd, z)}, ${sr(f.rn, z)}${tail}`;
        },
        exec: (f) => unExec(o, f.rn, f.rd, f.size, 0, true),
      }),
    );
  }
}

// REV64 / REV32 / REV16: reverse elements of size z inside containers of `cb` bytes.
for (const [name, u, op, cb, vsz] of [
  ['rev64', 0, 0, 8, B | H | S],
  ['rev32', 1, 0, 4, B | H],
  ['rev16', 0, 1, 2, B],
] as [string, number, number, number, number][]) {
  defs.push(
    insn({
      id: `${name.toUpperCase()}_v`,
      cls: 'simd',
      pattern: `0 q:1 ${u} 01110 size:2 10000 ${bitsOf(op, 5)} 10 rn:5 rd:5`,
      when: (f) => ((vsz >> f.size) & 1) === 1,
      disasm: (f) => `${name} ${vr(f.rd, f.size, f.q)}, ${vr(f.rn, f.size, f.q)}`,
      exec: (f) => {
        const eb = 1 << f.size;
        const perm: number[] = [];
        for (let j = 0; j < 16; j++) {
          const c = j - (j % cb);
          const within = j % cb;
          const el = Math.floor(within / eb);
          const nel = cb / eb;
          perm.push(c + (nel - 1 - el) * eb + (within % eb));
        }
        return permExec(perm, f.rn, 0, f.rd, f.q);
      },
    }),
  );
}

// NOT (mvn) and RBIT: byte-wise.
for (const [name, sz, fn] of [
  ['mvn', 0, (a: number) => ~a],
  ['rbit', 1, rbit8],
] as [string, number, (a: number) => number][]) {
  defs.push(
    insn({
      id: name === 'mvn' ? 'NOT_v' : 'RBIT_v',
      cls: 'simd',
      pattern: `0 q:1 1 01110 ${bitsOf(sz, 2)} 10000 00101 10 rn:5 rd:5`,
      disasm: (f) => `${name} ${vr(f.rd, 0, f.q)}, ${vr(f.rn, 0, f.q)}`,
      exec: (f) => {
        const n = f.rn;
        const d = f.rd;
        const q = f.q;
        const len = q ? 16 : 8;
        return (s) => {
          for (let j = 0; j < len; j++) D8[j] = fn(s.vb[(n << 4) + j] as number);
          fin(s, d, q);
        };
      },
    }),
  );
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
  defs.push(
    insn({
      id: `${name.toUpperCase()}_v`,
      cls: 'simd',
      pattern: `0 q:1 ${u} 01110 size:2 10000 ${bitsOf(op, 5)} 10 rn:5 rd:5`,
      when: (f) => f.size !== 3,
      disasm: (f) => {
        const z = f.size;
        const q = f.q;
        return `${name} ${vr(f.rd, z + 1, q)}, ${vr(f.rn, z, q)}`;
      },
      exec: (f) => {
        const [n, d, z, q] = [f.rn, f.rd, f.size, f.q];
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
    }),
  );
}

// XTN / SQXTN / UQXTN / SQXTUN (vector and scalar), SHLL.
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
  if (k === 'trunc' && !scalar) {
    // XTN keeps the low half of each lane: the narrow view's stores truncate.
    if (z === 1)
      return (s) => {
        const vi = s.vi;
        const o = n << 2;
        for (let i = 0; i < 4; i++) D16[i] = vi[o + i] as number;
        finN(s, d, q);
      };
    return (s) => {
      const vh = s.vh;
      const o = n << 3;
      for (let i = 0; i < 8; i++) D8[i] = vh[o + i] as number;
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
  defs.push(
    insn({
      id: `${name.toUpperCase()}_v`,
      cls: 'simd',
      pattern: `0 q:1 ${u} 01110 size:2 10000 ${bitsOf(op, 5)} 10 rn:5 rd:5`,
      when: (f) => f.size !== 3,
      disasm: (f) => {
        const z = f.size;
        const q = f.q;
        return `${name}${q ? '2' : ''} ${vr(f.rd, z, q)}, ${vr(f.rn, z + 1, 1)}`;
      },
      exec: (f) => xtnExec(k, f.rn, f.rd, f.size, f.q, false),
    }),
  );
  if (k !== 'trunc') {
    defs.push(
      insn({
        id: `${name.toUpperCase()}_s`,
        cls: 'simd',
        pattern: `01 ${u} 11110 size:2 10000 ${bitsOf(op, 5)} 10 rn:5 rd:5`,
        when: (f) => f.size !== 3,
        disasm: (f) => `${name} ${sr(f.rd, f.size)}, ${sr(f.rn, f.size + 1)}`,
        exec: (f) => xtnExec(k, f.rn, f.rd, f.size, 0, true),
      }),
    );
  }
}

defs.push(
  insn({
    id: 'SHLL_v',
    cls: 'simd',
    pattern: '0 q:1 1 01110 size:2 10000 10011 10 rn:5 rd:5',
    when: (f) => f.size !== 3,
    disasm: (f) => {
      const z = f.size;
      const q = f.q;
      return `shll${q ? '2' : ''} ${vr(f.rd, z + 1, 1)}, ${vr(f.rn, z, q)}, #${8 << z}`;
    },
    exec: (f) => {
      const [n, d, z, q] = [f.rn, f.rd, f.size, f.q];
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
  }),
);

for (const [name, u] of [
  ['urecpe', 0],
  ['ursqrte', 1],
] as [string, number][]) {
  defs.push(
    insn({
      id: `${name.toUpperCase()}_v`,
      cls: 'simd',
      pattern: `0 q:1 ${u} 01110 10 10000 11100 10 rn:5 rd:5`,
      disasm: (f) => `${name} ${vr(f.rd, 2, f.q)}, ${vr(f.rn, 2, f.q)}`,
      exec: (f) => {
        const [n, d, q] = [f.rn, f.rd, f.q];
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
    }),
  );
}
