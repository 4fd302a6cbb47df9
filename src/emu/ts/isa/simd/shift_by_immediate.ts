/**
 * Advanced SIMD shift by immediate, and Advanced SIMD scalar shift by immediate (integer forms):
 * right shifts with rounding/accumulate, left shifts with saturation, inserts, narrowing and
 * lengthening shifts.
 */
import { type InsnDef, insn } from '../../decoder.ts';
import type { Op } from '../../state.ts';
import { imm } from '../fmt.ts';
import { laneOp, longLaneOp } from './lane-expr.ts';
import {
  add64,
  bitsOf,
  D32,
  fin,
  finN,
  lanes,
  lsr64,
  type NarrowKind,
  narrow64,
  narrowN,
  pairOf,
  R,
  type Rd,
  RS,
  RU,
  sat,
  satU64,
  shift64,
  shiftN,
  shl64,
  sr,
  UMAX,
  vr,
  WD,
  type Wr,
} from './lanes.ts';

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

/** Element size index from immh (0..3), -1 for 0 (also the translation tier's rule, jit/wasm.ts). */
export function immhSize(immh: number): number {
  return immh >= 8 ? 3 : immh >= 4 ? 2 : immh >= 2 ? 1 : immh >= 1 ? 0 : -1;
}

/** Shift amount: right shifts 2e - immh:immb (1..e), left shifts immh:immb - e (0..e-1). */
function shAmt(o: ShOp, f: { readonly immh: number; readonly immb: number }): number {
  const z = immhSize(f.immh);
  const e = 8 << z;
  const v = (f.immh << 3) | f.immb;
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
    // SSHLL/USHLL (SXTL/UXTL): a product of at most 32 bits, as a lane expression.
    if (!scalar) {
      const x = { key: `shll/${sg ? 's' : 'u'}/${sh}`, e: `a * ${p}`, sg, wide: false };
      return longLaneOp(x, z, q !== 0, false)(n, 0, d, -1);
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
  // The shifts that never saturate, vector forms: lane expressions with the amount in them.
  if (!scalar && (k === 'sshr' || k === 'srshr' || k === 'ssra' || k === 'srsra' || k === 'shl')) {
    const shifted = k === 'shl' ? `a << ${sh}` : `shiftN(a, ${-sh}, Z, ${sg}, ${rnd}, false)`;
    const x = { key: `shift/${k}/${sg ? 's' : 'u'}/${sh}`, e: acc ? `d + ${shifted}` : shifted, sg, dsg: false };
    return laneOp(x, z, q)(n, 0, d);
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

export const defs: InsnDef[] = [];
for (const o of SH) {
  const ob = bitsOf(o.op, 5);
  const narrowish = o.kind === 'narrow' || o.kind === 'long';
  defs.push(
    insn({
      id: `${o.name.toUpperCase()}_imm_v`,
      cls: 'simd',
      pattern: `0 q:1 ${o.u} 011110 immh:4 immb:3 ${ob} 1 rn:5 rd:5`,
      when: (f) => {
        const h = f.immh;
        if (h === 0) return false;
        if (narrowish) return h < 8;
        return !(h >= 8 && f.q === 0);
      },
      disasm: (f) => {
        const z = immhSize(f.immh);
        const q = f.q;
        const sh = shAmt(o, f);
        const [d, n] = [f.rd, f.rn];
        if (o.kind === 'narrow') return `${o.name}${q ? '2' : ''} ${vr(d, z, q)}, ${vr(n, z + 1, 1)}, ${imm(sh)}`;
        if (o.kind === 'long') return `${o.name}${q ? '2' : ''} ${vr(d, z + 1, 1)}, ${vr(n, z, q)}, ${imm(sh)}`;
        return `${o.name} ${vr(d, z, q)}, ${vr(n, z, q)}, ${imm(sh)}`;
      },
      exec: (f) => shExec(o, f.rn, f.rd, immhSize(f.immh), f.q, shAmt(o, f), false),
    }),
  );
  if (o.sc) {
    defs.push(
      insn({
        id: `${o.name.toUpperCase()}_imm_s`,
        cls: 'simd',
        pattern: `01 ${o.u} 111110 immh:4 immb:3 ${ob} 1 rn:5 rd:5`,
        when: (f) => {
          const h = f.immh;
          if (o.sc === 'd') return h >= 8;
          if (o.sc === 'n') return h > 0 && h < 8;
          return h > 0;
        },
        disasm: (f) => {
          const z = immhSize(f.immh);
          const sh = shAmt(o, f);
          if (o.kind === 'narrow') return `${o.name} ${sr(f.rd, z)}, ${sr(f.rn, z + 1)}, ${imm(sh)}`;
          return `${o.name} ${sr(f.rd, z)}, ${sr(f.rn, z)}, ${imm(sh)}`;
        },
        exec: (f) => shExec(o, f.rn, f.rd, immhSize(f.immh), 0, shAmt(o, f), true),
      }),
    );
  }
}
