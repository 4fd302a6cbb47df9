/**
 * Advanced SIMD three different (long, wide and narrowing-high forms), and Advanced SIMD scalar
 * three different (SQDMLAL/SQDMLSL/SQDMULL). `longExec` is shared with the by-element forms.
 */
import { type InsnDef, insn } from '../../decoder.ts';
import type { Op } from '../../state.ts';
import { longLaneOp } from './lane-expr.ts';
import {
  add64,
  B,
  bitsOf,
  D32,
  fin,
  finN,
  H,
  pairOf,
  R,
  type Rd,
  RS,
  RU,
  S,
  SMAX,
  SMIN,
  sat,
  satS64,
  smul64,
  sqadd64,
  sqsub64,
  sr,
  sub64,
  umul64,
  vr,
  WD,
  type Wr,
} from './lanes.ts';

export type Core = 'add' | 'sub' | 'abd' | 'mul' | 'qdmul' | 'pmul';
export type Acc = 'none' | 'add' | 'sub' | 'qadd' | 'qsub';

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
 * The long and wide ops of results up to 32 bits that never saturate, as lane expressions
 * (lane-expr.ts longLaneOp): by core, then by accumulation. They are exact as numbers (a 16 x
 * 16-bit product and a 32-bit accumulator stay below 2^53) and Vd's lanes keep their low bits.
 */
export const LONG_EXPR: Partial<Record<Core, Partial<Record<Acc, string>>>> = {
  add: { none: 'a + b' },
  sub: { none: 'a - b' },
  abd: { none: 'Math.abs(a - b)', add: 'd + Math.abs(a - b)' },
  mul: { none: 'a * b', add: 'd + a * b', sub: 'd - a * b' },
};

/**
 * Long ops: Vd (2e) = acc(Vd, core(Vn.e or Vn.2e for wide, Vm.e)). `hiHalf` takes the narrow
 * sources from the upper 64 bits; `idx` >= 0 uses element idx of Vm; `scalar` does lane 0.
 */
export function longExec(
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
  const e = z < 2 && !scalar ? LONG_EXPR[c]?.[a] : undefined;
  if (e !== undefined) {
    const x = { key: `long/${c}/${a}/${sg ? 's' : 'u'}/${wide ? 'w' : 'l'}`, e, sg, wide };
    return longLaneOp(x, z, hiHalf !== 0, idx >= 0)(n, m, d, idx);
  }
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

export const defs: InsnDef[] = [];
for (const o of DIFF) {
  defs.push(
    insn({
      id: `${o.name.toUpperCase()}_v`,
      cls: 'simd',
      pattern: `0 q:1 ${o.u} 01110 size:2 1 rm:5 ${bitsOf(o.op, 4)} 00 rn:5 rd:5`,
      when: (f) => ((o.sizes >> f.size) & 1) === 1,
      disasm: (f) => {
        const z = f.size;
        const q = f.q;
        const nm = `${o.name}${q ? '2' : ''}`;
        const [d, n, m] = [f.rd, f.rn, f.rm];
        if (o.kind === 'l') return `${nm} ${vr(d, z + 1, 1)}, ${vr(n, z, q)}, ${vr(m, z, q)}`;
        if (o.kind === 'w') return `${nm} ${vr(d, z + 1, 1)}, ${vr(n, z + 1, 1)}, ${vr(m, z, q)}`;
        return `${nm} ${vr(d, z, q)}, ${vr(n, z + 1, 1)}, ${vr(m, z + 1, 1)}`;
      },
      exec: (f) => {
        const [d, n, m, z, q] = [f.rd, f.rn, f.rm, f.size, f.q];
        if (o.kind === 'hn') return hnExec(o.core === 'sub', !!o.rnd, n, m, d, z, q);
        const sg = o.u === 0 && o.core !== 'pmul';
        return longExec(o.core, o.acc, sg, o.kind === 'w', n, m, d, z, q, -1, false);
      },
    }),
  );
  if (o.core === 'qdmul') {
    defs.push(
      insn({
        id: `${o.name.toUpperCase()}_s`,
        cls: 'simd',
        pattern: `01 0 11110 size:2 1 rm:5 ${bitsOf(o.op, 4)} 00 rn:5 rd:5`,
        when: (f) => f.size === 1 || f.size === 2,
        disasm: (f) => {
          const z = f.size;
          return `${o.name} ${sr(f.rd, z + 1)}, ${sr(f.rn, z)}, ${sr(f.rm, z)}`;
        },
        exec: (f) => longExec(o.core, o.acc, true, false, f.rn, f.rm, f.rd, f.size, 0, -1, true),
      }),
    );
  }
}
