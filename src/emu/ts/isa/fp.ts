/**
 * Scalar floating point (ARMv8.0 FP): moves, arithmetic, fused multiply-add, compares,
 * conditional select/compare, precision conversions, rounding to integral, conversions to and
 * from general registers (also fixed point). Half precision exists only in FCVT; the v8.2 FP16
 * arithmetic, v8.3 FJCVTZS and v8.5 FRINT32/64 encodings are left undefined.
 * Semantics live in ../fpu.ts; this file decodes, disassembles and moves register bits.
 */
import { type Fields, type InsnDef, insn } from '../decoder.ts';
import * as fpu from '../fpu.ts';
import { type CpuState, type Op, ZR, ZR_W } from '../state.ts';
import { COND, imm, rr } from './fmt.ts';

// Module-level copies of the FP core's exports: cheaper than a module-binding lookup per call.
const {
  cvtDH,
  cvtDS,
  cvtHD,
  cvtHS,
  cvtSD,
  cvtSH,
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
  fmul32,
  fmul64,
  fpcrRounding,
  fromInt32,
  fromInt64,
  fsqrt32,
  fsqrt64,
  fsub32,
  fsub64,
  OP_MAX,
  OP_MAXNM,
  OP_MIN,
  OP_MINNM,
  out,
  RA,
  RZ,
  roundInt32,
  roundInt64,
  toInt32,
  toInt64,
} = fpu;

// ---- shared helpers (also used by simd_fp.ts) ---------------------------------------------------

/** Scalar register name by FP type field: 00 = S, 01 = D, 11 = H. */
export function fpr(ftype: number, n: number): string {
  return `${ftype === 0 ? 's' : ftype === 1 ? 'd' : ftype === 3 ? 'h' : '?'}${n}`;
}

/** Write a single to S<d>, zeroing the rest of the vector register. */
export function wrS(s: CpuState, d: number, v: number): void {
  const i = d << 2;
  const vi = s.vi;
  vi[i] = v;
  vi[i + 1] = 0;
  vi[i + 2] = 0;
  vi[i + 3] = 0;
}

export function wrD(s: CpuState, d: number, lo: number, hi: number): void {
  const i = d << 2;
  const vi = s.vi;
  vi[i] = lo;
  vi[i + 1] = hi;
  vi[i + 2] = 0;
  vi[i + 3] = 0;
}

export function wrH(s: CpuState, d: number, v: number): void {
  const i = d << 2;
  const vi = s.vi;
  vi[i] = v & 0xffff;
  vi[i + 1] = 0;
  vi[i + 2] = 0;
  vi[i + 3] = 0;
}

export function condHolds(s: CpuState, cond: number): boolean {
  let r: boolean;
  switch (cond >> 1) {
    case 0:
      r = s.z === 1;
      break;
    case 1:
      r = s.c === 1;
      break;
    case 2:
      r = s.n === 1;
      break;
    case 3:
      r = s.v === 1;
      break;
    case 4:
      r = s.c === 1 && s.z === 0;
      break;
    case 5:
      r = s.n === s.v;
      break;
    case 6:
      r = s.n === s.v && s.z === 0;
      break;
    default:
      return true;
  }
  return cond & 1 ? !r : r;
}

function setFlags(s: CpuState, nzcv: number): void {
  s.n = nzcv >> 3;
  s.z = (nzcv >> 2) & 1;
  s.c = (nzcv >> 1) & 1;
  s.v = nzcv & 1;
}

/** VFPExpandImm as a number (exactly representable in S and D). */
export function fpImmValue(imm8: number): number {
  const b = (imm8 >> 6) & 1;
  const cd = (imm8 >> 4) & 3;
  const exp = b ? cd - 3 : cd + 1;
  const v = ((16 + (imm8 & 15)) / 16) * 2 ** exp;
  return imm8 & 0x80 ? -v : v;
}

export function fpImmText(imm8: number): string {
  return `#${fpImmValue(imm8).toFixed(8)}`;
}

const rdW = (f: Fields) => (f.rd === 31 ? ZR_W : (f.rd as number));
const rnX = (f: Fields) => (f.rn === 31 ? ZR : (f.rn as number));

function writeGpr(s: CpuState, d: number, is64: boolean, lo: number, hi: number): void {
  s.xlo[d] = lo;
  s.xhi[d] = is64 ? hi : 0;
}

// ---- definitions ----------------------------------------------------------------------------------

const FROUND = ['n', 'p', 'm', 'z'];

const DP1 = ['fmov', 'fabs', 'fneg', 'fsqrt'];
const DP2 = ['fmul', 'fdiv', 'fadd', 'fsub', 'fmax', 'fmin', 'fmaxnm', 'fminnm', 'fnmul'];
const FRINT = ['frintn', 'frintp', 'frintm', 'frintz', 'frinta', '', 'frintx', 'frinti'];
const DP3 = ['fmadd', 'fmsub', 'fnmadd', 'fnmsub'];

function dp1Op(op: number, dbl: boolean, d: number, n: number): Op {
  if (!dbl) {
    const i = n << 2;
    switch (op) {
      case 0:
        return (s) => wrS(s, d, s.vi[i] as number);
      case 1:
        return (s) => wrS(s, d, (s.vi[i] as number) & 0x7fffffff);
      case 2:
        return (s) => wrS(s, d, (s.vi[i] as number) ^ 0x80000000);
      default:
        return (s) => wrS(s, d, fsqrt32(s, s.vi[i] as number));
    }
  }
  const i = n << 2;
  switch (op) {
    case 0:
      return (s) => wrD(s, d, s.vi[i] as number, s.vi[i + 1] as number);
    case 1:
      return (s) => wrD(s, d, s.vi[i] as number, (s.vi[i + 1] as number) & 0x7fffffff);
    case 2:
      return (s) => wrD(s, d, s.vi[i] as number, (s.vi[i + 1] as number) ^ 0x80000000);
    default:
      return (s) => {
        const lo = fsqrt64(s, s.vi[i + 1] as number, s.vi[i] as number);
        wrD(s, d, lo, out.hi);
      };
  }
}

const BIN32 = [fmul32, fdiv32, fadd32, fsub32];
const BIN64 = [fmul64, fdiv64, fadd64, fsub64];
const MINMAX = [OP_MAX, OP_MIN, OP_MAXNM, OP_MINNM];

function dp2Op(op: number, dbl: boolean, d: number, n: number, m: number): Op {
  const i = n << 2;
  const j = m << 2;
  if (!dbl) {
    if (op < 4) {
      const fn = BIN32[op] as (s: CpuState, a: number, b: number) => number;
      return (s) => wrS(s, d, fn(s, s.vi[i] as number, s.vi[j] as number));
    }
    if (op === 8) return (s) => wrS(s, d, fmul32(s, s.vi[i] as number, s.vi[j] as number) ^ 0x80000000);
    const code = MINMAX[op - 4] as number;
    return (s) => wrS(s, d, fbin32(s, code, s.vi[i] as number, s.vi[j] as number));
  }
  if (op < 4) {
    const fn = BIN64[op] as (s: CpuState, ahi: number, alo: number, bhi: number, blo: number) => number;
    return (s) => {
      const vi = s.vi;
      const lo = fn(s, vi[i + 1] as number, vi[i] as number, vi[j + 1] as number, vi[j] as number);
      wrD(s, d, lo, out.hi);
    };
  }
  if (op === 8) {
    return (s) => {
      const vi = s.vi;
      const lo = fmul64(s, vi[i + 1] as number, vi[i] as number, vi[j + 1] as number, vi[j] as number);
      wrD(s, d, lo, out.hi ^ 0x80000000);
    };
  }
  const code = MINMAX[op - 4] as number;
  return (s) => {
    const vi = s.vi;
    const lo = fbin64(s, code, vi[i + 1] as number, vi[i] as number, vi[j + 1] as number, vi[j] as number);
    wrD(s, d, lo, out.hi);
  };
}

export const defs: InsnDef[] = [
  // ---- FMOV between general and FP registers ----
  insn({
    id: 'FMOV_ws',
    cls: 'fp',
    pattern: '0 0 0 11110 00 1 00 110 000000 rn:5 rd:5',
    disasm: (f) => `fmov ${rr(0, f.rd as number)}, s${f.rn}`,
    exec: (f) => {
      const d = rdW(f);
      const i = (f.rn as number) << 2;
      return (s) => {
        s.xlo[d] = s.vi[i] as number;
        s.xhi[d] = 0;
      };
    },
  }),
  insn({
    id: 'FMOV_sw',
    cls: 'fp',
    pattern: '0 0 0 11110 00 1 00 111 000000 rn:5 rd:5',
    disasm: (f) => `fmov s${f.rd}, ${rr(0, f.rn as number)}`,
    exec: (f) => {
      const d = f.rd as number;
      const n = rnX(f);
      return (s) => wrS(s, d, s.xlo[n] as number);
    },
  }),
  insn({
    id: 'FMOV_xd',
    cls: 'fp',
    pattern: '1 0 0 11110 01 1 00 110 000000 rn:5 rd:5',
    disasm: (f) => `fmov ${rr(1, f.rd as number)}, d${f.rn}`,
    exec: (f) => {
      const d = rdW(f);
      const i = (f.rn as number) << 2;
      return (s) => {
        s.xlo[d] = s.vi[i] as number;
        s.xhi[d] = s.vi[i + 1] as number;
      };
    },
  }),
  insn({
    id: 'FMOV_dx',
    cls: 'fp',
    pattern: '1 0 0 11110 01 1 00 111 000000 rn:5 rd:5',
    disasm: (f) => `fmov d${f.rd}, ${rr(1, f.rn as number)}`,
    exec: (f) => {
      const d = f.rd as number;
      const n = rnX(f);
      return (s) => wrD(s, d, s.xlo[n] as number, s.xhi[n] as number);
    },
  }),
  insn({
    id: 'FMOV_xv1',
    cls: 'fp',
    pattern: '1 0 0 11110 10 1 01 110 000000 rn:5 rd:5',
    disasm: (f) => `fmov ${rr(1, f.rd as number)}, v${f.rn}.d[1]`,
    exec: (f) => {
      const d = rdW(f);
      const i = ((f.rn as number) << 2) + 2;
      return (s) => {
        s.xlo[d] = s.vi[i] as number;
        s.xhi[d] = s.vi[i + 1] as number;
      };
    },
  }),
  insn({
    id: 'FMOV_v1x',
    cls: 'fp',
    pattern: '1 0 0 11110 10 1 01 111 000000 rn:5 rd:5',
    disasm: (f) => `fmov v${f.rd}.d[1], ${rr(1, f.rn as number)}`,
    exec: (f) => {
      const i = ((f.rd as number) << 2) + 2;
      const n = rnX(f);
      return (s) => {
        s.vi[i] = s.xlo[n] as number;
        s.vi[i + 1] = s.xhi[n] as number;
      };
    },
  }),
  // ---- conversions to and from general registers ----
  insn({
    id: 'FCVT_to_int',
    cls: 'fp',
    pattern: 'sf:1 0 0 11110 0 ft:1 1 rmode:2 00 u:1 000000 rn:5 rd:5',
    disasm: (f) =>
      `fcvt${FROUND[f.rmode as number]}${f.u ? 'u' : 's'} ${rr(f.sf as number, f.rd as number)}, ${fpr(f.ft as number, f.rn as number)}`,
    exec: (f) => cvtToIntOp(f, f.rmode as number, 0),
  }),
  insn({
    id: 'FCVTA_to_int',
    cls: 'fp',
    pattern: 'sf:1 0 0 11110 0 ft:1 1 00 10 u:1 000000 rn:5 rd:5',
    disasm: (f) =>
      `fcvta${f.u ? 'u' : 's'} ${rr(f.sf as number, f.rd as number)}, ${fpr(f.ft as number, f.rn as number)}`,
    exec: (f) => cvtToIntOp(f, RA, 0),
  }),
  insn({
    id: 'FCVTZ_fixed',
    cls: 'fp',
    pattern: 'sf:1 0 0 11110 0 ft:1 0 11 00 u:1 scale:6 rn:5 rd:5',
    when: (f) => f.sf === 1 || (f.scale as number) >= 32,
    disasm: (f) =>
      `fcvtz${f.u ? 'u' : 's'} ${rr(f.sf as number, f.rd as number)}, ${fpr(f.ft as number, f.rn as number)}, ${imm(64 - (f.scale as number))}`,
    exec: (f) => cvtToIntOp(f, RZ, 64 - (f.scale as number)),
  }),
  insn({
    id: 'CVTF_from_int',
    cls: 'fp',
    pattern: 'sf:1 0 0 11110 0 ft:1 1 00 01 u:1 000000 rn:5 rd:5',
    disasm: (f) =>
      `${f.u ? 'u' : 's'}cvtf ${fpr(f.ft as number, f.rd as number)}, ${rr(f.sf as number, f.rn as number)}`,
    exec: (f) => cvtFromIntOp(f, 0),
  }),
  insn({
    id: 'CVTF_fixed',
    cls: 'fp',
    pattern: 'sf:1 0 0 11110 0 ft:1 0 00 01 u:1 scale:6 rn:5 rd:5',
    when: (f) => f.sf === 1 || (f.scale as number) >= 32,
    disasm: (f) =>
      `${f.u ? 'u' : 's'}cvtf ${fpr(f.ft as number, f.rd as number)}, ${rr(f.sf as number, f.rn as number)}, ${imm(64 - (f.scale as number))}`,
    exec: (f) => cvtFromIntOp(f, 64 - (f.scale as number)),
  }),
  // ---- data processing, one source ----
  insn({
    id: 'FP_DP1',
    cls: 'fp',
    pattern: '0 0 0 11110 0 ft:1 1 0000 op:2 10000 rn:5 rd:5',
    disasm: (f) =>
      `${DP1[f.op as number]} ${fpr(f.ft as number, f.rd as number)}, ${fpr(f.ft as number, f.rn as number)}`,
    exec: (f) => dp1Op(f.op as number, f.ft === 1, f.rd as number, f.rn as number),
  }),
  insn({
    id: 'FCVT_prec',
    cls: 'fp',
    pattern: '0 0 0 11110 ft:2 1 0001 opc:2 10000 rn:5 rd:5',
    when: (f) => f.ft !== 2 && f.opc !== 2 && f.opc !== f.ft,
    disasm: (f) => `fcvt ${fpr(f.opc as number, f.rd as number)}, ${fpr(f.ft as number, f.rn as number)}`,
    exec: (f) => {
      const d = f.rd as number;
      const i = (f.rn as number) << 2;
      const h = (f.rn as number) << 3;
      switch ((f.ft as number) * 4 + (f.opc as number)) {
        case 0 * 4 + 1:
          return (s) => {
            const lo = cvtSD(s, s.vi[i] as number);
            wrD(s, d, lo, out.hi);
          };
        case 0 * 4 + 3:
          return (s) => wrH(s, d, cvtSH(s, s.vi[i] as number));
        case 1 * 4 + 0:
          return (s) => wrS(s, d, cvtDS(s, s.vi[i + 1] as number, s.vi[i] as number, fpcrRounding(s.fpcr)));
        case 1 * 4 + 3:
          return (s) => wrH(s, d, cvtDH(s, s.vi[i + 1] as number, s.vi[i] as number));
        case 3 * 4 + 0:
          return (s) => wrS(s, d, cvtHS(s, s.vh[h] as number));
        default:
          return (s) => {
            const lo = cvtHD(s, s.vh[h] as number);
            wrD(s, d, lo, out.hi);
          };
      }
    },
  }),
  insn({
    id: 'FRINT',
    cls: 'fp',
    pattern: '0 0 0 11110 0 ft:1 1 001 rm:3 10000 rn:5 rd:5',
    when: (f) => f.rm !== 5,
    disasm: (f) =>
      `${FRINT[f.rm as number]} ${fpr(f.ft as number, f.rd as number)}, ${fpr(f.ft as number, f.rn as number)}`,
    exec: (f) => {
      const d = f.rd as number;
      const i = (f.rn as number) << 2;
      const rm = f.rm as number;
      const fixed = rm < 4 ? rm : rm === 4 ? RA : -1;
      const exact = rm === 6;
      if (f.ft === 0) {
        return (s) => wrS(s, d, roundInt32(s, s.vi[i] as number, fixed >= 0 ? fixed : fpcrRounding(s.fpcr), exact));
      }
      return (s) => {
        const lo = roundInt64(
          s,
          s.vi[i + 1] as number,
          s.vi[i] as number,
          fixed >= 0 ? fixed : fpcrRounding(s.fpcr),
          exact,
        );
        wrD(s, d, lo, out.hi);
      };
    },
  }),
  // ---- compares, conditional compare, conditional select ----
  insn({
    id: 'FCMP',
    cls: 'fp',
    pattern: '0 0 0 11110 0 ft:1 1 rm:5 00 1000 rn:5 e:1 z:1 000',
    disasm: (f) =>
      `fcmp${f.e ? 'e' : ''} ${fpr(f.ft as number, f.rn as number)}, ${f.z ? '#0.0' : fpr(f.ft as number, f.rm as number)}`,
    exec: (f) => {
      const i = (f.rn as number) << 2;
      const j = (f.rm as number) << 2;
      const sig = f.e === 1;
      const zero = f.z === 1;
      if (f.ft === 0) {
        return (s) => setFlags(s, fcmp32(s, s.vi[i] as number, zero ? 0 : (s.vi[j] as number), sig));
      }
      return (s) => {
        const vi = s.vi;
        setFlags(
          s,
          fcmp64(
            s,
            vi[i + 1] as number,
            vi[i] as number,
            zero ? 0 : (vi[j + 1] as number),
            zero ? 0 : (vi[j] as number),
            sig,
          ),
        );
      };
    },
  }),
  insn({
    id: 'FCCMP',
    cls: 'fp',
    pattern: '0 0 0 11110 0 ft:1 1 rm:5 cond:4 01 rn:5 e:1 nzcv:4',
    disasm: (f) =>
      `fccmp${f.e ? 'e' : ''} ${fpr(f.ft as number, f.rn as number)}, ${fpr(f.ft as number, f.rm as number)}, ${imm(f.nzcv as number)}, ${COND[f.cond as number]}`,
    exec: (f) => {
      const i = (f.rn as number) << 2;
      const j = (f.rm as number) << 2;
      const sig = f.e === 1;
      const cond = f.cond as number;
      const nzcv = f.nzcv as number;
      if (f.ft === 0) {
        return (s) => setFlags(s, condHolds(s, cond) ? fcmp32(s, s.vi[i] as number, s.vi[j] as number, sig) : nzcv);
      }
      return (s) => {
        const vi = s.vi;
        setFlags(
          s,
          condHolds(s, cond)
            ? fcmp64(s, vi[i + 1] as number, vi[i] as number, vi[j + 1] as number, vi[j] as number, sig)
            : nzcv,
        );
      };
    },
  }),
  insn({
    id: 'FCSEL',
    cls: 'fp',
    pattern: '0 0 0 11110 0 ft:1 1 rm:5 cond:4 11 rn:5 rd:5',
    disasm: (f) =>
      `fcsel ${fpr(f.ft as number, f.rd as number)}, ${fpr(f.ft as number, f.rn as number)}, ${fpr(f.ft as number, f.rm as number)}, ${COND[f.cond as number]}`,
    exec: (f) => {
      const d = f.rd as number;
      const i = (f.rn as number) << 2;
      const j = (f.rm as number) << 2;
      const cond = f.cond as number;
      return f.ft === 0
        ? (s) => wrS(s, d, s.vi[condHolds(s, cond) ? i : j] as number)
        : (s) => {
            const k = condHolds(s, cond) ? i : j;
            wrD(s, d, s.vi[k] as number, s.vi[k + 1] as number);
          };
    },
  }),
  // ---- data processing, two sources ----
  insn({
    id: 'FP_DP2',
    cls: 'fp',
    pattern: '0 0 0 11110 0 ft:1 1 rm:5 op:4 10 rn:5 rd:5',
    when: (f) => (f.op as number) <= 8,
    disasm: (f) =>
      `${DP2[f.op as number]} ${fpr(f.ft as number, f.rd as number)}, ${fpr(f.ft as number, f.rn as number)}, ${fpr(f.ft as number, f.rm as number)}`,
    exec: (f) => dp2Op(f.op as number, f.ft === 1, f.rd as number, f.rn as number, f.rm as number),
  }),
  // ---- immediate ----
  insn({
    id: 'FMOV_imm',
    cls: 'fp',
    pattern: '0 0 0 11110 0 ft:1 1 imm8:8 100 00000 rd:5',
    disasm: (f) => `fmov ${fpr(f.ft as number, f.rd as number)}, ${fpImmText(f.imm8 as number)}`,
    exec: (f) => {
      const d = f.rd as number;
      const v = fpImmValue(f.imm8 as number);
      if (f.ft === 0) {
        const b = new Int32Array(new Float32Array([v]).buffer)[0] as number;
        return (s) => wrS(s, d, b);
      }
      const w = new Int32Array(new Float64Array([v]).buffer);
      const lo = w[0] as number;
      const hi = w[1] as number;
      return (s) => wrD(s, d, lo, hi);
    },
  }),
  // ---- data processing, three sources (fused) ----
  insn({
    id: 'FP_DP3',
    cls: 'fp',
    pattern: '0 0 0 11111 0 ft:1 o1:1 rm:5 o0:1 ra:5 rn:5 rd:5',
    disasm: (f) => {
      const t = f.ft as number;
      return `${DP3[(f.o1 as number) * 2 + (f.o0 as number)]} ${fpr(t, f.rd as number)}, ${fpr(t, f.rn as number)}, ${fpr(t, f.rm as number)}, ${fpr(t, f.ra as number)}`;
    },
    exec: (f) => {
      const d = f.rd as number;
      const i = (f.rn as number) << 2;
      const j = (f.rm as number) << 2;
      const k = (f.ra as number) << 2;
      const negN = f.o0 !== f.o1 ? 0x80000000 : 0; // FMSUB, FNMADD negate the product
      const negA = f.o1 === 1 ? 0x80000000 : 0; // FNMADD, FNMSUB negate the addend
      if (f.ft === 0) {
        return (s) => {
          const vi = s.vi;
          wrS(s, d, ffma32(s, (vi[k] as number) ^ negA, (vi[i] as number) ^ negN, vi[j] as number));
        };
      }
      return (s) => {
        const vi = s.vi;
        const lo = ffma64(
          s,
          (vi[k + 1] as number) ^ negA,
          vi[k] as number,
          (vi[i + 1] as number) ^ negN,
          vi[i] as number,
          vi[j + 1] as number,
          vi[j] as number,
        );
        wrD(s, d, lo, out.hi);
      };
    },
  }),
];

function cvtToIntOp(f: Fields, rounding: number, fbits: number): Op {
  const d = rdW(f);
  const i = (f.rn as number) << 2;
  const is64 = f.sf === 1;
  const intBits = is64 ? 64 : 32;
  const unsigned = f.u === 1;
  if (f.ft === 0) {
    return (s) => {
      const lo = toInt32(s, s.vi[i] as number, fbits, unsigned, intBits, rounding);
      writeGpr(s, d, is64, lo, out.hi);
    };
  }
  return (s) => {
    const lo = toInt64(s, s.vi[i + 1] as number, s.vi[i] as number, fbits, unsigned, intBits, rounding);
    writeGpr(s, d, is64, lo, out.hi);
  };
}

/**
 * SCVTF/UCVTF of the integer lo/hi (64-bit when is64) into D/S register d: the operation of the
 * op below and of the translation tier's snippet (jit/snippets.ts), which handles exact
 * conversions inline and calls this for the rest.
 */
export function cvtFromInt(
  s: CpuState,
  d: number,
  lo: number,
  hi: number,
  signed: boolean,
  is64: boolean,
  fbits: number,
  double: boolean,
): void {
  if (!double) {
    wrS(s, d, fromInt32(s, lo, hi, signed, is64, fbits, fpcrRounding(s.fpcr)));
    return;
  }
  const r = fromInt64(s, lo, hi, signed, is64, fbits, fpcrRounding(s.fpcr));
  wrD(s, d, r, out.hi);
}

function cvtFromIntOp(f: Fields, fbits: number): Op {
  const d = f.rd as number;
  const n = rnX(f);
  const is64 = f.sf === 1;
  const signed = f.u === 0;
  const double = f.ft === 1;
  return (s) => cvtFromInt(s, d, s.xlo[n] as number, s.xhi[n] as number, signed, is64, fbits, double);
}
