/**
 * JavaScript source snippets for the hottest encodings, keyed by instruction id. A snippet must
 * have exactly the semantics of the table's `exec` for that id (the differential fuzzer runs
 * both tiers against Unicorn: `orc-sandbox fuzz-isa --jit`). Each generator mirrors the closure
 * its `exec` would build for the same fields, with the decode-time constants folded in.
 *
 * Names available inside a snippet: `s` (CpuState), `xl`/`xh` (GPR halves), `mem` (Memory),
 * `vi`/`vf`/`vs` (vector registers as int32/float64/float32), `h` (helpers below). Branch snippets
 * assign the next pc to the local `pc` instead of `s.pc`. Snippets declare their own locals inside
 * a `{...}` block and must not shadow the function's names (`n`, `pc`, `o`, `P`, `C`, `K`, `kn`,
 * `ka`, `until`, `room`, `u`, `L`) nor use names starting with `$`.
 *
 * General registers and flags: the translator (compile.ts `localize`) keeps them in function
 * locals, so a snippet must name a general register only as `xl[N]` / `xh[N]` with a constant N
 * (`xl[N]=expr` ends at the first `;` or `,` outside brackets) and the flags only as `s.n`, `s.z`,
 * `s.c`, `s.v`; anything that reads registers some other way (a helper given `s`) must not need
 * the general registers. A snippet that can throw must be marked `mayThrow` (the function's catch
 * then stores the locals). The flag code of adds64/adds32 is recognised by its exact text
 * (compile.ts DEFER): change both together.
 *
 * D registers (jit/fplocals.ts keeps them in locals): a double operand is read as `vf[2D]`, a fast
 * path's result (never a NaN) written as `vf[2D]=x;vi[4D+2]=0;vi[4D+3]=0;`, the fast paths test
 * FP_FAST as its exact text, and a slow path calls its helper as a statement `h.name(s,...);`
 * (fplocals.ts HELPER_REGS lists which registers each reads and writes); any other reference to
 * vector state is allowed and keeps the registers it names in the state for that snippet.
 */
import { PAGE_SIZE } from '../../engine.ts';
import { PAGE_SHIFT, TLB_MASK } from '../../memory.ts';
import type { Fields } from '../decoder.ts';
import * as fpu from '../fpu.ts';
import * as alu from '../isa/alu.ts';
import { decodeBitMasks } from '../isa/alu.ts';
import { cvtFromInt, fpImmValue } from '../isa/fp.ts';
import {
  EXT_SXTW,
  EXT_UXTW,
  ea,
  gprT,
  K_LDB,
  K_LDQ,
  K_LDRB,
  K_LDRSBW,
  K_LDRSBX,
  K_PRFM,
  K_STB,
  K_STQ,
  K_STRB,
  KINFO,
  kindOf,
  P_D,
  P_S,
  P_SW,
  P_W,
  P_X,
  PSCALE,
  pairKind,
} from '../isa/ldst.ts';
import { FP_FAST } from './fplocals.ts';
import { follow } from './links.ts';

export interface Snippet {
  code: string;
  /** True when the code may throw (memory access, helper that faults). */
  mayThrow: boolean;
  /**
   * True when the code may write guest memory (and so drop the decoded code of the page it runs
   * from): a translated loop then checks its guard on every trip. Loads leave the code as it is.
   */
  stores?: boolean;
}

export type SnippetGen = (f: Fields, address: number) => Snippet | undefined;

/** Helpers callable from snippets as `h.name(...)`. */
export const helpers = {
  /** High 32 bits of the unsigned 64-bit product of two uint32 values. */
  mulhu32(a: number, b: number): number {
    const a0 = a & 0xffff;
    const a1 = a >>> 16;
    const b0 = b & 0xffff;
    const b1 = b >>> 16;
    const mid = a1 * b0 + a0 * b1;
    const low = a0 * b0 + (mid % 65536) * 65536;
    return (a1 * b1 + Math.floor(mid / 65536) + Math.floor(low / 4294967296)) | 0;
  },
  ea,
  follow,
  faddsub64v: fpu.faddsub64v,
  fmul64v: fpu.fmul64v,
  fdiv64v: fpu.fdiv64v,
  ffma64v: fpu.ffma64v,
  pow2: fpu.pow2,
  fbin32v: fpu.fbin32v,
  ffma32v: fpu.ffma32v,
  fmla64vec: fpu.fmla64vec,
  cvtFromInt,
  fmla32vec: fpu.fmla32vec,
  // The interpreter's own arithmetic (isa/alu.ts), so both tiers share one definition; the
  // 64-bit results come back as the low half and `R.hi`.
  R: alu.R,
  umulh64: alu.umulh64,
  smulh64: alu.smulh64,
  udiv64: alu.udiv64,
  sdiv64: alu.sdiv64,
  udiv32: alu.udiv32,
  sdiv32: alu.sdiv32,
  lsl64: alu.lsl64,
  lsr64: alu.lsr64,
  asr64: alu.asr64,
  ror64: alu.ror64,
  ror32: alu.ror32,
  rbit32: alu.rbit32,
  bswap32: alu.bswap32,
  rev16w: alu.rev16w,
  clz64: alu.clz64,
  cls32: alu.cls32,
  cls64: alu.cls64,
};

export type SnippetHelpers = typeof helpers;

// ---- building blocks ------------------------------------------------------------------------

const PAGE_MASK = PAGE_SIZE - 1;
const ZR = 32;
const ZR_W = 33;
const SP = 31;
const rz = (r: number): number => (r === 31 ? ZR : r);
const wz = (r: number): number => (r === 31 ? ZR_W : r);
const u = (f: Fields, k: string): number => f[k] as number;
const pure = (code: string): Snippet => ({ code: `{${code}}`, mayThrow: false });
const throwing = (code: string, stores: boolean): Snippet => ({ code: `{${code}}`, mayThrow: true, stores });

function sext(v: number, bits: number): number {
  const sh = 32 - bits;
  return (v << sh) >> sh;
}

/** Branch target wrapped into [0, 2^64) as the table's branches do. */
function wrap(t: number): number {
  return t < 0 ? t + 2 ** 64 : t;
}

/** ConditionHolds as a JS boolean expression (alu.ts condHolds). */
function cond(c: number): string {
  switch (c) {
    case 0:
      return 's.z===1';
    case 1:
      return 's.z===0';
    case 2:
      return 's.c===1';
    case 3:
      return 's.c===0';
    case 4:
      return 's.n===1';
    case 5:
      return 's.n===0';
    case 6:
      return 's.v===1';
    case 7:
      return 's.v===0';
    case 8:
      return '(s.c===1&&s.z===0)';
    case 9:
      return '!(s.c===1&&s.z===0)';
    case 10:
      return 's.n===s.v';
    case 11:
      return 's.n!==s.v';
    case 12:
      return '(s.z===0&&s.n===s.v)';
    case 13:
      return '!(s.z===0&&s.n===s.v)';
    default:
      return 'true';
  }
}

/**
 * The carry out of the low word of `a + b + cin` from the wrapped int32 sum `l` (a named int32):
 * the sum wrapped when it is unsigned below `a`, or, with a carry in, not above it. Sums stay int32:
 * a double sum up to 2^33 made V8 convert every operand to a double and compare doubles (the
 * int-loop kernel ran 25% faster in int32; see carryOut for the top word). A comparison `|0` is
 * 0/1 by a set-on-condition; `c?1:0` was two branches and a jump (int-loop 10% slower).
 */
function lowCarry(a: string, cin: number): string {
  return `(((l>>>0)${cin ? '<=' : '<'}(${a}>>>0))|0)`;
}

/**
 * The carry out of bit 31 of a + b (+ any carry in) from bit 31 of the operands and of the sum r:
 * both operand bits set, or one set and the sum's bit clear (the carry into bit 31 was 1).
 */
function carryOut(a: string, b: string, r: string): string {
  return `((${a}&${b})|((${a}|${b})&~${r}))>>>31`;
}

/**
 * X[d] = (al:ah) + (bl:bh) + cin without flags. `al` names an int32 read before any write (d may be
 * a source); `ah`, `bl`, `bh` are expressions read before X[d] is written.
 */
function add64(d: number, al: string, ah: string, bl: string, bh: string, cin: number): string {
  const hi = bh === '0' ? ah : `${ah}+${bh}`;
  return `const l=(${al}+${bl}${cin ? '+1' : ''})|0;xh[${d}]=${hi}+${lowCarry(al, cin)};xl[${d}]=l;`;
}

/**
 * alu.ts adds64 inlined: operands al/ah (already declared), bl/bh expressions, carry in; writes
 * the result to register d unless d is null. In int32 (see lowCarry, carryOut).
 */
function adds64(bl: string, bh: string, cin: number, d: number | null): string {
  return (
    `const b0=${bl},b1=${bh};const l=(al+b0${cin ? '+1' : ''})|0;const r1=(ah+b1+${lowCarry('al', cin)})|0;` +
    `const r0=l;s.n=r1>>>31;s.z=(r0|r1)===0?1:0;s.c=${carryOut('ah', 'b1', 'r1')};s.v=((ah^r1)&(b1^r1))>>>31;` +
    (d === null ? '' : `xl[${d}]=r0;xh[${d}]=r1;`)
  );
}

/** alu.ts adds32 inlined: operand `a` declared, b expression; writes W[d] unless d is null. */
function adds32(b: string, cin: number, d: number | null): string {
  return (
    `const b=${b};const r=(a+b${cin ? '+1' : ''})|0;` +
    `s.n=r>>>31;s.z=r===0?1:0;s.c=${carryOut('a', 'b', 'r')};s.v=((a^r)&(b^r))>>>31;` +
    (d === null ? '' : `xl[${d}]=r;xh[${d}]=0;`)
  );
}

/**
 * shift64(type, X[m], k) ^ x as `const bl=..,bh=..;` (alu.ts lsl64/lsr64/asr64/ror64 with a
 * constant amount 0..63).
 */
function shift64(type: number, m: number, k: number, x: number): string {
  const ml = `xl[${m}]`;
  const mh = `xh[${m}]`;
  let lo: string;
  let hi: string;
  if (k === 0) {
    lo = ml;
    hi = mh;
  } else if (type === 0) {
    if (k < 32) {
      hi = `((${mh}<<${k})|(${ml}>>>${32 - k}))`;
      lo = `(${ml}<<${k})`;
    } else {
      hi = `(${ml}<<${k - 32})`;
      lo = '0';
    }
  } else if (type === 1) {
    if (k < 32) {
      hi = `(${mh}>>>${k})`;
      lo = `((${ml}>>>${k})|(${mh}<<${32 - k}))`;
    } else {
      hi = '0';
      lo = `(${mh}>>>${k - 32})`;
    }
  } else if (type === 2) {
    if (k < 32) {
      hi = `(${mh}>>${k})`;
      lo = `((${ml}>>>${k})|(${mh}<<${32 - k}))`;
    } else {
      hi = `(${mh}>>31)`;
      lo = `(${mh}>>${k - 32})`;
    }
  } else if (k === 32) {
    hi = ml;
    lo = mh;
  } else if (k < 32) {
    hi = `((${mh}>>>${k})|(${ml}<<${32 - k}))`;
    lo = `((${ml}>>>${k})|(${mh}<<${32 - k}))`;
  } else {
    const j = k - 32;
    hi = `((${ml}>>>${j})|(${mh}<<${32 - j}))`;
    lo = `((${mh}>>>${j})|(${ml}<<${32 - j}))`;
  }
  // Read both halves before either is used (m may equal the destination).
  return `const m0=${ml},m1=${mh};const bl=${lo.replaceAll(ml, 'm0').replaceAll(mh, 'm1')}^${x},bh=${hi.replaceAll(ml, 'm0').replaceAll(mh, 'm1')}^${x};`;
}

/** shift32(type, W[m], k) ^ x as an expression (k 0..31). */
function shift32(type: number, m: number, k: number, x: number): string {
  const v = `xl[${m}]`;
  let e: string;
  if (type === 0) e = `(${v}<<${k})`;
  else if (type === 1) e = `(${v}>>>${k})`;
  else if (type === 2) e = `(${v}>>${k})`;
  else e = k === 0 ? `(${v}|0)` : `((${v}>>>${k})|(${v}<<${32 - k}))`;
  return `(${e}^${x})`;
}

/** ror64 of X[n] by a constant (0..63) as `const rl=..,rh=..;` (reads X[n] once). */
function ror64(n: number, k: number): string {
  const pre = `const x0=xl[${n}],x1=xh[${n}];`;
  if (k === 0) return `${pre}const rl=x0,rh=x1;`;
  if (k === 32) return `${pre}const rl=x1,rh=x0;`;
  if (k < 32) return `${pre}const rh=(x1>>>${k})|(x0<<${32 - k}),rl=(x0>>>${k})|(x1<<${32 - k});`;
  const j = k - 32;
  return `${pre}const rh=(x0>>>${j})|(x1<<${32 - j}),rl=(x1>>>${j})|(x0<<${32 - j});`;
}

/** ror32 with a constant amount. */
function ror32(v: string, k: number): string {
  return k === 0 ? `(${v}|0)` : `((${v}>>>${k})|(${v}<<${32 - k}))`;
}

// ---- data processing (immediate) ------------------------------------------------------------

function addSubImm(sub: boolean, setFlags: boolean): SnippetGen {
  return (f) => {
    const sf = u(f, 'sf');
    const n = u(f, 'rn');
    const rd = u(f, 'rd');
    const d = setFlags ? wz(rd) : rd;
    const k = u(f, 'imm12') * (f.sh ? 4096 : 1);
    if (sf) {
      if (!setFlags) {
        // k < 2^24: the sum wrapped when it is unsigned below k; the difference borrows when a < k.
        if (!sub) return pure(`const l=(xl[${n}]+${k})|0;xh[${d}]=xh[${n}]+(((l>>>0)<${k})|0);xl[${d}]=l;`);
        return pure(`const a=xl[${n}];xh[${d}]=xh[${n}]-(((a>>>0)<${k})|0);xl[${d}]=a-${k};`);
      }
      const blo = sub ? ~k : k;
      const bhi = sub ? -1 : 0;
      return pure(
        `const al=xl[${n}],ah=xh[${n}];${adds64(String(blo), String(bhi), sub ? 1 : 0, rd === 31 ? null : d)}`,
      );
    }
    if (!setFlags) return pure(`xl[${d}]=xl[${n}]+${sub ? -k : k};xh[${d}]=0;`);
    return pure(`const a=xl[${n}];${adds32(String(sub ? ~k : k), sub ? 1 : 0, rd === 31 ? null : d)}`);
  };
}

function logicalImm(opc: number): SnippetGen {
  return (f) => {
    const sf = u(f, 'sf');
    if (!sf && f.N) return undefined;
    const mk = decodeBitMasks(u(f, 'N'), u(f, 'imms'), u(f, 'immr'), true, sf ? 64 : 32);
    if (mk === null) return undefined;
    const [mlo, mhi] = mk;
    const n = rz(u(f, 'rn'));
    const rd = u(f, 'rd');
    const d = opc === 3 ? wz(rd) : rd;
    const op = opc === 1 ? '|' : opc === 2 ? '^' : '&';
    if (sf) {
      if (opc !== 3) return pure(`xl[${d}]=xl[${n}]${op}${mlo};xh[${d}]=xh[${n}]${op}${mhi};`);
      return pure(
        `const lo=xl[${n}]&${mlo},hi=xh[${n}]&${mhi};xl[${d}]=lo;xh[${d}]=hi;s.n=hi>>>31;s.z=(lo|hi)===0?1:0;s.c=0;s.v=0;`,
      );
    }
    if (opc !== 3) return pure(`xl[${d}]=xl[${n}]${op}${mlo};xh[${d}]=0;`);
    return pure(`const r=xl[${n}]&${mlo};xl[${d}]=r;xh[${d}]=0;s.n=r>>>31;s.z=r===0?1:0;s.c=0;s.v=0;`);
  };
}

const movn: SnippetGen = (f) => {
  const d = wz(u(f, 'rd'));
  const hw = u(f, 'hw');
  const v = u(f, 'imm16');
  const lo = ~(hw === 0 ? v : hw === 1 ? v << 16 : 0);
  const hi = f.sf ? ~(hw === 2 ? v : hw === 3 ? v << 16 : 0) : 0;
  return pure(`xl[${d}]=${lo};xh[${d}]=${hi};`);
};

const movz: SnippetGen = (f) => {
  const d = wz(u(f, 'rd'));
  const hw = u(f, 'hw');
  const v = u(f, 'imm16');
  const lo = hw === 0 ? v : hw === 1 ? v << 16 : 0;
  const hi = hw === 2 ? v : hw === 3 ? v << 16 : 0;
  return pure(`xl[${d}]=${lo};xh[${d}]=${hi};`);
};

const movk: SnippetGen = (f) => {
  const d = wz(u(f, 'rd'));
  const hw = u(f, 'hw');
  const v = u(f, 'imm16');
  const clr = f.sf ? '' : `xh[${d}]=0;`;
  switch (hw) {
    case 0:
      return pure(`xl[${d}]=(xl[${d}]&${~0xffff})|${v};${clr}`);
    case 1:
      return pure(`xl[${d}]=(xl[${d}]&65535)|${v << 16};${clr}`);
    case 2:
      return pure(`xh[${d}]=(xh[${d}]&${~0xffff})|${v};`);
    default:
      return pure(`xh[${d}]=(xh[${d}]&65535)|${v << 16};`);
  }
};

/** SBFM (0), BFM (1), UBFM (2): dp_imm.ts bitfieldExec. */
function bitfield(opc: number): SnippetGen {
  return (f) => {
    const sf = u(f, 'sf');
    const size = sf ? 64 : 32;
    const immr = u(f, 'immr');
    const imms = u(f, 'imms');
    const n = rz(u(f, 'rn'));
    const d = wz(u(f, 'rd'));
    if (opc === 2 && imms + 1 === immr && imms !== size - 1) {
      const k = size - immr;
      if (sf) {
        // lsl64 by k (1..63)
        if (k < 32)
          return pure(`const x0=xl[${n}],x1=xh[${n}];xl[${d}]=x0<<${k};xh[${d}]=(x1<<${k})|(x0>>>${32 - k});`);
        return pure(`const x0=xl[${n}];xl[${d}]=0;xh[${d}]=x0<<${k - 32};`);
      }
      return pure(`xl[${d}]=xl[${n}]<<${k};xh[${d}]=0;`);
    }
    if (opc !== 1 && imms === size - 1) {
      if (sf) {
        const sh = opc === 2 ? '>>>' : '>>';
        if (immr === 0) return pure(`const x0=xl[${n}],x1=xh[${n}];xl[${d}]=x0;xh[${d}]=x1;`);
        if (immr < 32)
          return pure(
            `const x0=xl[${n}],x1=xh[${n}];xl[${d}]=(x0>>>${immr})|(x1<<${32 - immr});xh[${d}]=x1${sh}${immr};`,
          );
        return pure(`const x1=xh[${n}];xl[${d}]=x1${sh}${immr - 32};xh[${d}]=${opc === 2 ? '0' : 'x1>>31'};`);
      }
      return pure(`xl[${d}]=xl[${n}]${opc === 2 ? '>>>' : '>>'}${immr};xh[${d}]=0;`);
    }
    const m = decodeBitMasks(u(f, 'N'), imms, immr, false, size);
    if (m === null) return undefined;
    const [wlo, whi, tlo, thi] = m;
    if (sf) {
      const rot = ror64(n, immr);
      if (opc === 1) {
        return pure(
          `${rot}const dlo=xl[${d}],dhi=xh[${d}];const blo=(dlo&${~wlo})|(rl&${wlo}),bhi=(dhi&${~whi})|(rh&${whi});` +
            `xl[${d}]=(dlo&${~tlo})|(blo&${tlo});xh[${d}]=(dhi&${~thi})|(bhi&${thi});`,
        );
      }
      if (opc === 2) return pure(`${rot}xl[${d}]=rl&${wlo & tlo};xh[${d}]=rh&${whi & thi};`);
      const top = imms >= 32 ? 'x1' : 'x0';
      const sh = imms & 31;
      return pure(
        `${rot}const top=(${top}<<${31 - sh})>>31;xl[${d}]=(top&${~tlo})|(rl&${wlo & tlo});xh[${d}]=(top&${~thi})|(rh&${whi & thi});`,
      );
    }
    if (opc === 1) {
      return pure(
        `const r=${ror32(`xl[${n}]`, immr)};const dv=xl[${d}];const b=(dv&${~wlo})|(r&${wlo});xl[${d}]=(dv&${~tlo})|(b&${tlo});xh[${d}]=0;`,
      );
    }
    if (opc === 2) return pure(`xl[${d}]=${ror32(`xl[${n}]`, immr)}&${wlo & tlo};xh[${d}]=0;`);
    return pure(
      `const x=xl[${n}];const top=(x<<${31 - imms})>>31;xl[${d}]=(top&${~tlo})|(${ror32('x', immr)}&${wlo & tlo});xh[${d}]=0;`,
    );
  };
}

// ---- data processing (register) -------------------------------------------------------------

/** dp_reg.ts logicalRegExec. */
function logicalReg(opc: number, inv: boolean): SnippetGen {
  return (f) => {
    const sf = u(f, 'sf');
    const n = rz(u(f, 'rn'));
    const m = rz(u(f, 'rm'));
    const d = wz(u(f, 'rd'));
    const t = u(f, 'shift');
    const k = u(f, 'imm6');
    const op = opc === 1 ? '|' : opc === 2 ? '^' : '&';
    const flags64 = 's.n=hi>>>31;s.z=(lo|hi)===0?1:0;s.c=0;s.v=0;';
    const flags32 = 's.n=r>>>31;s.z=r===0?1:0;s.c=0;s.v=0;';
    if (k === 0 && !inv) {
      if (sf) {
        if (opc === 1 && n === ZR) return pure(`xl[${d}]=xl[${m}];xh[${d}]=xh[${m}];`);
        if (opc !== 3) return pure(`xl[${d}]=xl[${n}]${op}xl[${m}];xh[${d}]=xh[${n}]${op}xh[${m}];`);
        return pure(`const lo=xl[${n}]&xl[${m}],hi=xh[${n}]&xh[${m}];xl[${d}]=lo;xh[${d}]=hi;${flags64}`);
      }
      if (opc !== 3) return pure(`xl[${d}]=xl[${n}]${op}xl[${m}];xh[${d}]=0;`);
      return pure(`const r=xl[${n}]&xl[${m}];xl[${d}]=r;xh[${d}]=0;${flags32}`);
    }
    const x = inv ? -1 : 0;
    if (sf) {
      return pure(
        `${shift64(t, m, k, x)}const lo=xl[${n}]${op}bl,hi=xh[${n}]${op}bh;xl[${d}]=lo;xh[${d}]=hi;${opc === 3 ? flags64 : ''}`,
      );
    }
    return pure(`const r=xl[${n}]${op}${shift32(t, m, k, x)};xl[${d}]=r;xh[${d}]=0;${opc === 3 ? flags32 : ''}`);
  };
}

/** dp_reg.ts addSubShiftedExec. */
function addSubReg(sub: boolean, setf: boolean): SnippetGen {
  return (f) => {
    const sf = u(f, 'sf');
    const n = rz(u(f, 'rn'));
    const m = rz(u(f, 'rm'));
    const rd = u(f, 'rd');
    const d = wz(rd);
    const t = u(f, 'shift');
    const k = u(f, 'imm6');
    const x = sub ? -1 : 0;
    const cin = sub ? 1 : 0;
    if (k === 0) {
      if (sf) {
        if (!setf && !sub) return pure(`const a=xl[${n}];${add64(d, 'a', `xh[${n}]`, `xl[${m}]`, `xh[${m}]`, 0)}`);
        if (!setf)
          return pure(`const a=xl[${n}],b=xl[${m}];xh[${d}]=xh[${n}]-xh[${m}]-(((a>>>0)<(b>>>0))|0);xl[${d}]=a-b;`);
        const dd = sub && rd === 31 ? null : d;
        return pure(
          `const al=xl[${n}],ah=xh[${n}];${adds64(sub ? `~xl[${m}]` : `xl[${m}]`, sub ? `~xh[${m}]` : `xh[${m}]`, cin, dd)}`,
        );
      }
      if (!setf && !sub) return pure(`xl[${d}]=xl[${n}]+xl[${m}];xh[${d}]=0;`);
      if (!setf) return pure(`xl[${d}]=xl[${n}]-xl[${m}];xh[${d}]=0;`);
      if (sub && rd === 31) return pure(`const a=xl[${n}];${adds32(`~xl[${m}]`, 1, null)}`);
      return pure(`const a=xl[${n}];${adds32(`xl[${m}]^${x}`, cin, d)}`);
    }
    if (sf) {
      if (setf) return pure(`${shift64(t, m, k, x)}const al=xl[${n}],ah=xh[${n}];${adds64('bl', 'bh', cin, d)}`);
      return pure(`${shift64(t, m, k, x)}const a=xl[${n}];${add64(d, 'a', `xh[${n}]`, 'bl', 'bh', cin)}`);
    }
    const b = shift32(t, m, k, x);
    if (setf) return pure(`const a=xl[${n}];${adds32(b, cin, null)}xl[${d}]=r;xh[${d}]=0;`);
    return pure(`xl[${d}]=xl[${n}]+${b}+${cin};xh[${d}]=0;`);
  };
}

/** dp_reg.ts addSubExtExec: the extended register operand (alu.ts extendOperand) inlined. */
function addSubExt(sub: boolean, setf: boolean): SnippetGen {
  return (f) => {
    const sf = u(f, 'sf');
    const n = u(f, 'rn');
    const m = rz(u(f, 'rm'));
    const rd = u(f, 'rd');
    const d = setf ? wz(rd) : rd;
    const opt = u(f, 'option');
    const k = u(f, 'imm3');
    const ml = `xl[${m}]`;
    let lo: string;
    let hi: string;
    switch (opt) {
      case 0:
        lo = `(${ml}&255)`;
        hi = '0';
        break;
      case 1:
        lo = `(${ml}&65535)`;
        hi = '0';
        break;
      case 2:
        lo = ml;
        hi = '0';
        break;
      case 4:
        lo = `((${ml}<<24)>>24)`;
        hi = `(${lo}>>31)`;
        break;
      case 5:
        lo = `((${ml}<<16)>>16)`;
        hi = `(${lo}>>31)`;
        break;
      case 6:
        lo = ml;
        hi = `(${ml}>>31)`;
        break;
      default:
        lo = ml;
        hi = sf ? `xh[${m}]` : '0';
    }
    const x = sub ? -1 : 0;
    const cin = sub ? 1 : 0;
    if (!sf) {
      const b = `((${lo}<<${k})^${x})`;
      if (setf) return pure(`const a=xl[${n}];${adds32(b, cin, rd === 31 ? null : d)}`);
      return pure(`xl[${d}]=xl[${n}]+${b}+${cin};xh[${d}]=0;`);
    }
    const ops =
      `const e0=${lo},e1=${hi};` +
      (k === 0 ? `const s0=e0^${x},s1=e1^${x};` : `const s0=(e0<<${k})^${x},s1=((e1<<${k})|(e0>>>${32 - k}))^${x};`);
    if (setf) return pure(`${ops}const al=xl[${n}],ah=xh[${n}];${adds64('s0', 's1', cin, rd === 31 ? null : d)}`);
    return pure(`${ops}const a=xl[${n}];${add64(d, 'a', `xh[${n}]`, 's0', 's1', cin)}`);
  };
}

/** dp_imm.ts pcRel: a constant address. */
function pcRel(page: boolean): SnippetGen {
  return (f, a) => {
    const off = sext((u(f, 'immhi') << 2) | u(f, 'immlo'), 21);
    const v = page ? BigInt(a - (a % 4096)) + BigInt(off) * 4096n : BigInt(a) + BigInt(off);
    const w = BigInt.asUintN(64, v);
    const d = wz(u(f, 'rd'));
    return pure(`xl[${d}]=${Number(BigInt.asIntN(32, w))};xh[${d}]=${Number(BigInt.asIntN(32, w >> 32n))};`);
  };
}

/**
 * The high word of the unsigned product of the int32s `nl`, `ml` (low word `pl`), as alu.ts
 * umulhi32 computes it: the double product is off by at most 2^12, so the scaled difference lies
 * within 2^-20 of the (non-negative) high word, and adding 1/2 and truncating rounds it. The scale
 * 2^-32 is exact (a power of two). Truncation with `|0` wraps the high word into int32 in one
 * conversion; Math.round cost a rounding, its fix-up and a checked conversion that deoptimizes
 * when the high word is 2^31 or more.
 */
const UMULHI32 = '(((nl>>>0)*(ml>>>0)-(pl>>>0))*2.3283064365386963e-10+0.5|0)';

/** dp_reg.ts maddExec (MADD / MSUB). */
function madd(sub: boolean): SnippetGen {
  return (f) => {
    const n = rz(u(f, 'rn'));
    const m = rz(u(f, 'rm'));
    const a = rz(u(f, 'ra'));
    const d = wz(u(f, 'rd'));
    if (!f.sf) {
      if (a === ZR && !sub) return pure(`xl[${d}]=Math.imul(xl[${n}],xl[${m}]);xh[${d}]=0;`);
      return pure(`xl[${d}]=xl[${a}]${sub ? '-' : '+'}Math.imul(xl[${n}],xl[${m}]);xh[${d}]=0;`);
    }
    const prod = `const nl=xl[${n}],ml=xl[${m}];const pl=Math.imul(nl,ml);const ph=(${UMULHI32}+Math.imul(nl,xh[${m}])+Math.imul(xh[${n}],ml))|0;`;
    if (a === ZR && !sub) return pure(`${prod}xh[${d}]=ph;xl[${d}]=pl;`);
    if (sub) return pure(`${prod}const ac=xl[${a}];xh[${d}]=xh[${a}]-ph-(((ac>>>0)<(pl>>>0))|0);xl[${d}]=ac-pl;`);
    return pure(`${prod}const ac=xl[${a}];${add64(d, 'ac', `xh[${a}]`, 'pl', 'ph', 0)}`);
  };
}

/** dp_reg.ts condSelectExec: 0 CSEL, 1 CSINC, 2 CSINV, 3 CSNEG. */
function condSelect(kind: number): SnippetGen {
  return (f) => {
    const n = rz(u(f, 'rn'));
    const m = rz(u(f, 'rm'));
    const d = wz(u(f, 'rd'));
    const c = u(f, 'cond');
    if (c >= 14) {
      if (f.sf) return pure(`xl[${d}]=xl[${n}];xh[${d}]=xh[${n}];`);
      return pure(`xl[${d}]=xl[${n}];xh[${d}]=0;`);
    }
    if (f.sf) {
      const keep = `xl[${d}]=xl[${n}];xh[${d}]=xh[${n}];`;
      let other: string;
      switch (kind) {
        case 0:
          other = `xl[${d}]=xl[${m}];xh[${d}]=xh[${m}];`;
          break;
        case 1:
          other = `const l=(xl[${m}]+1)|0;xh[${d}]=xh[${m}]+((l===0)|0);xl[${d}]=l;`;
          break;
        case 2:
          other = `xl[${d}]=~xl[${m}];xh[${d}]=~xh[${m}];`;
          break;
        default:
          other = `const l=xl[${m}];xh[${d}]=~xh[${m}]+(l===0?1:0);xl[${d}]=-l;`;
      }
      return pure(`if(${cond(c)}){${keep}}else{${other}}`);
    }
    const v = `xl[${m}]`;
    const alt = kind === 0 ? v : kind === 1 ? `${v}+1` : kind === 2 ? `~${v}` : `-${v}`;
    return pure(`if(${cond(c)})xl[${d}]=xl[${n}];else xl[${d}]=${alt};xh[${d}]=0;`);
  };
}

/** dp_reg.ts longMulExec: SMADDL/SMSUBL/UMADDL/UMSUBL (32x32 -> 64, plus or minus Xa). */
function longMul(signed: boolean, sub: boolean): SnippetGen {
  return (f) => {
    const n = rz(u(f, 'rn'));
    const m = rz(u(f, 'rm'));
    const a = rz(u(f, 'ra'));
    const d = wz(u(f, 'rd'));
    // Signed: the high word can be negative, where truncation would not round; Math.round does.
    const hi = signed
      ? '(Math.round((x*y-(pl>>>0))*2.3283064365386963e-10)|0)'
      : '(((x>>>0)*(y>>>0)-(pl>>>0))*2.3283064365386963e-10+0.5|0)';
    const prod = `const x=xl[${n}],y=xl[${m}];${sub ? 'let' : 'const'} pl=Math.imul(x,y);${sub ? 'let' : 'const'} ph=${hi};`;
    const neg = sub ? 'pl=-pl|0;ph=~ph+(pl===0?1:0);' : '';
    if (a === ZR && !sub) return pure(`${prod}xl[${d}]=pl;xh[${d}]=ph;`);
    return pure(`${prod}${neg}const ac=xl[${a}];${add64(d, 'ac', `xh[${a}]`, 'pl', 'ph', 0)}`);
  };
}

/** dp_reg.ts mulHigh: SMULH/UMULH through the interpreter's alu.ts functions. */
function mulHigh(signed: boolean): SnippetGen {
  return (f) => {
    const n = rz(u(f, 'rn'));
    const m = rz(u(f, 'rm'));
    const d = wz(u(f, 'rd'));
    return pure(`xl[${d}]=h.${signed ? 'smulh64' : 'umulh64'}(xl[${n}],xh[${n}],xl[${m}],xh[${m}]);xh[${d}]=h.R.hi;`);
  };
}

/** dp_reg.ts twoSourceExec: UDIV/SDIV/LSLV/LSRV/ASRV/RORV. */
function twoSource(opcode: number): SnippetGen {
  return (f) => {
    const n = rz(u(f, 'rn'));
    const m = rz(u(f, 'rm'));
    const d = wz(u(f, 'rd'));
    if (f.sf) {
      const fn = (['udiv64', 'sdiv64', '', '', '', '', 'lsl64', 'lsr64', 'asr64', 'ror64'] as const)[opcode - 2];
      const b = opcode < 8 ? `xl[${m}],xh[${m}]` : `xl[${m}]&63`;
      return pure(`xl[${d}]=h.${fn}(xl[${n}],xh[${n}],${b});xh[${d}]=h.R.hi;`);
    }
    let e: string;
    switch (opcode) {
      case 2:
        e = `h.udiv32(xl[${n}],xl[${m}])`;
        break;
      case 3:
        e = `h.sdiv32(xl[${n}],xl[${m}])`;
        break;
      case 8:
        e = `xl[${n}]<<(xl[${m}]&31)`;
        break;
      case 9:
        e = `xl[${n}]>>>(xl[${m}]&31)`;
        break;
      case 10:
        e = `xl[${n}]>>(xl[${m}]&31)`;
        break;
      default:
        e = `h.ror32(xl[${n}],xl[${m}]&31)`;
    }
    return pure(`xl[${d}]=${e};xh[${d}]=0;`);
  };
}

/** dp_reg.ts oneSourceExec: RBIT/REV16/REV32/REV/CLZ/CLS through alu.ts's functions. */
function oneSource(opcode: number): SnippetGen {
  return (f) => {
    const n = rz(u(f, 'rn'));
    const d = wz(u(f, 'rd'));
    if (f.sf) {
      switch (opcode) {
        case 0:
          return pure(`const lo=xl[${n}];xl[${d}]=h.rbit32(xh[${n}]);xh[${d}]=h.rbit32(lo);`);
        case 1:
          return pure(`xl[${d}]=h.rev16w(xl[${n}]);xh[${d}]=h.rev16w(xh[${n}]);`);
        case 2:
          return pure(`xl[${d}]=h.bswap32(xl[${n}]);xh[${d}]=h.bswap32(xh[${n}]);`);
        case 3:
          return pure(`const lo=xl[${n}];xl[${d}]=h.bswap32(xh[${n}]);xh[${d}]=h.bswap32(lo);`);
        case 4:
          return pure(`xl[${d}]=h.clz64(xl[${n}],xh[${n}]);xh[${d}]=0;`);
        default:
          return pure(`xl[${d}]=h.cls64(xl[${n}],xh[${n}]);xh[${d}]=0;`);
      }
    }
    const fn = ['rbit32', 'rev16w', 'bswap32', '', 'clz32', 'cls32'][opcode] as string;
    return pure(`xl[${d}]=${fn === 'clz32' ? 'Math' : 'h'}.${fn}(xl[${n}]);xh[${d}]=0;`);
  };
}

/**
 * dp_reg.ts condCompareExec: CCMP/CCMN. The flag code is written in another order than
 * adds64/adds32's on purpose: compile.ts DEFER must not recognise (and defer) flags that are set
 * on one branch only.
 */
function condCompare(sub: boolean, immediate: boolean): SnippetGen {
  return (f) => {
    const n = rz(u(f, 'rn'));
    const m = immediate ? 0 : rz(u(f, 'rm'));
    const k = immediate ? u(f, 'imm5') : 0;
    const c = u(f, 'cond');
    const nzcv = u(f, 'nzcv');
    const x = sub ? -1 : 0;
    const cin = sub ? 1 : 0;
    const other = `s.n=${(nzcv >>> 3) & 1};s.z=${(nzcv >>> 2) & 1};s.c=${(nzcv >>> 1) & 1};s.v=${nzcv & 1};`;
    let cmp: string;
    if (f.sf) {
      const bl = immediate ? String(k ^ x) : `xl[${m}]^${x}`;
      const bh = immediate ? String(x) : `xh[${m}]^${x}`;
      cmp =
        `const al=xl[${n}],ah=xh[${n}];const b0=${bl},b1=${bh};const l=(al+b0${cin ? '+1' : ''})|0;` +
        `const r1=(ah+b1+${lowCarry('al', cin)})|0;const r0=l;` +
        `s.z=(r0|r1)===0?1:0;s.n=r1>>>31;s.c=${carryOut('ah', 'b1', 'r1')};s.v=((ah^r1)&(b1^r1))>>>31;`;
    } else {
      const b = immediate ? String(k ^ x) : `xl[${m}]^${x}`;
      cmp =
        `const a=xl[${n}];const b=${b};const r=(a+b${cin ? '+1' : ''})|0;` +
        `s.z=r===0?1:0;s.n=r>>>31;s.c=${carryOut('a', 'b', 'r')};s.v=((a^r)&(b^r))>>>31;`;
    }
    if (c >= 14) return pure(cmp);
    return pure(`if(${cond(c)}){${cmp}}else{${other}}`);
  };
}

/** dp_imm.ts EXTR: bits k.. of the concatenation Rn:Rm. */
const extr: SnippetGen = (f) => {
  const n = rz(u(f, 'rn'));
  const m = rz(u(f, 'rm'));
  const d = wz(u(f, 'rd'));
  const k = u(f, 'imms');
  if (!f.sf) {
    if (k === 0) return pure(`xl[${d}]=xl[${m}];xh[${d}]=0;`);
    return pure(`xl[${d}]=(xl[${m}]>>>${k})|(xl[${n}]<<${32 - k});xh[${d}]=0;`);
  }
  const pre = `const m0=xl[${m}],m1=xh[${m}],n0=xl[${n}],n1=xh[${n}];`;
  let lo: string;
  let hi: string;
  if (k === 0) {
    lo = 'm0';
    hi = 'm1';
  } else if (k < 32) {
    lo = `(m0>>>${k})|(m1<<${32 - k})`;
    hi = `(m1>>>${k})|(n0<<${32 - k})`;
  } else if (k === 32) {
    lo = 'm1';
    hi = 'n0';
  } else {
    const j = k - 32;
    lo = `(m1>>>${j})|(n0<<${32 - j})`;
    hi = `(n0>>>${j})|(n1<<${32 - j})`;
  }
  return pure(`${pre}xl[${d}]=${lo};xh[${d}]=${hi};`);
};

// ---- branches --------------------------------------------------------------------------------

const bImm: SnippetGen = (f, a) => pure(`pc=${wrap(a + sext(u(f, 'imm26'), 26) * 4)};`);

const bl: SnippetGen = (f, a) => {
  const t = wrap(a + sext(u(f, 'imm26'), 26) * 4);
  const lo = ((a + 4) % 4294967296) | 0;
  const hi = Math.floor((a + 4) / 4294967296) | 0;
  return pure(`xl[30]=${lo};xh[30]=${hi};pc=${t};`);
};

const bCond: SnippetGen = (f, a) => {
  const t = wrap(a + sext(u(f, 'imm19'), 19) * 4);
  const c = u(f, 'cond');
  if (c >= 14) return pure(`pc=${t};`);
  return pure(`pc=${cond(c)}?${t}:${a + 4};`);
};

function cbz(nz: boolean): SnippetGen {
  return (f, a) => {
    const t = wrap(a + sext(u(f, 'imm19'), 19) * 4);
    const r = rz(u(f, 'rt'));
    const v = f.sf ? `(xl[${r}]|xh[${r}])` : `xl[${r}]`;
    return pure(`pc=${v}${nz ? '!==' : '==='}0?${t}:${a + 4};`);
  };
}

function tbz(nz: boolean): SnippetGen {
  return (f, a) => {
    const t = wrap(a + sext(u(f, 'imm14'), 14) * 4);
    const r = rz(u(f, 'rt'));
    const mask = 1 << u(f, 'b40');
    const v = f.b5 ? `xh[${r}]` : `xl[${r}]`;
    return pure(`pc=(${v}&${mask})${nz ? '!==' : '==='}0?${t}:${a + 4};`);
  };
}

const addrOf = (r: number): string => `(xh[${r}]>>>0)*4294967296+(xl[${r}]>>>0)`;

const ret: SnippetGen = (f) => pure(`pc=${addrOf(rz(u(f, 'rn')))};`);

const blr: SnippetGen = (f, a) => {
  const r = rz(u(f, 'rn'));
  const ra = a + 4;
  return pure(`const t=${addrOf(r)};xl[30]=${ra % 4294967296};xh[30]=${Math.floor(ra / 4294967296)};pc=t;`);
};

// ---- loads and stores ----------------------------------------------------------------------------

/**
 * The address of an access, from the base halves in bl/bh: `pre` declares what it needs, `lo`
 * (unsigned) and `hi` (int32) are its halves when `guard` holds (no carry out of the low half),
 * `addr` is the exact address as a double for Memory's methods (always valid).
 */
interface Where {
  pre: string;
  guard: string;
  lo: string;
  hi: string;
  addr: string;
}

/**
 * ldst.ts ea(blo, bhi, off). An offset in int32 range is added in int32: the low half wraps and
 * the unsigned compare with the base says whether it carried (or borrowed) into the high half.
 */
function whereImm(off: number): Where {
  if (off === 0) return { pre: 'const q=bl>>>0;', guard: '', lo: 'q', hi: 'bh', addr: '(bh>>>0)*4294967296+q' };
  if (off > -(2 ** 31) && off < 2 ** 31) {
    const noWrap = off > 0 ? 'q>=(bl>>>0)' : 'q<(bl>>>0)';
    return {
      pre: `const q=(bl+${off})>>>0;`,
      guard: noWrap,
      lo: 'q',
      hi: 'bh',
      addr: `(${noWrap}?(bh>>>0)*4294967296+q:h.ea(bl,bh,${off}))`,
    };
  }
  const noCarry = off > 0 ? 'q<4294967296' : 'q>=0';
  return {
    pre: `const q=(bl>>>0)+${off};`,
    guard: noCarry,
    lo: 'q',
    hi: 'bh',
    addr: `(${noCarry}?(bh>>>0)*4294967296+q:h.ea(bl,bh,${off}))`,
  };
}

/** ldst.ts eaReg with constants ext/sh. */
function whereReg(m: number, ext: number, sh: number): Where {
  const oh = ext === EXT_UXTW ? '0' : ext === EXT_SXTW ? 'ol>>31' : `xh[${m}]`;
  const shift = sh !== 0 ? `oh=(oh<<${sh})|(ol>>>${32 - sh});ol<<=${sh};` : '';
  return {
    pre: `let ol=xl[${m}];let oh=${oh};${shift}const al=(bl+ol)>>>0,ah=bh+oh+((al<(bl>>>0))|0);`,
    guard: '',
    lo: 'al',
    hi: 'ah',
    addr: '(ah>>>0)*4294967296+al',
  };
}

/** ldst.ts wback: the base plus a small offset (|off| < 2^12), carry or borrow as in whereImm. */
function wbackCode(n: number, off: number): string {
  if (off === 0) return `{xl[${n}]=bl;xh[${n}]=bh;}`;
  const hi = off > 0 ? 'bh+(((w>>>0)<(bl>>>0))|0)' : 'bh-(((w>>>0)>(bl>>>0))|0)';
  return `{const w=(bl+${off})|0;xl[${n}]=w;xh[${n}]=${hi};}`;
}

/**
 * How an access body reads and writes guest memory: through the page's view `pv` at offset `po`
 * (the fast path, no checks left) or through Memory's methods at address `a` (which check, fault,
 * report to observers and drop code). Offsets `k` are constants added to the access's address.
 */
interface Io {
  ld8(k: number): string;
  ld16(k: number): string;
  ld32(k: number): string;
  /** Statement declaring `lo` and `hi` as the doubleword's halves. */
  ld64(lo: string, hi: string, k: number): string;
  st8(k: number, v: string): string;
  st16(k: number, v: string): string;
  st32(k: number, v: string): string;
  st64(k: number, lo: string, hi: string): string;
}

const plus = (base: string, k: number): string => (k === 0 ? base : `${base}+${k}`);

const VIEW_IO: Io = {
  ld8: (k) => `pv.getUint8(${plus('po', k)})`,
  ld16: (k) => `pv.getUint16(${plus('po', k)},true)`,
  ld32: (k) => `pv.getInt32(${plus('po', k)},true)`,
  ld64: (lo, hi, k) => `const ${lo}=pv.getInt32(${plus('po', k)},true),${hi}=pv.getInt32(${plus('po', k + 4)},true);`,
  st8: (k, v) => `pv.setUint8(${plus('po', k)},${v});`,
  st16: (k, v) => `pv.setUint16(${plus('po', k)},${v},true);`,
  st32: (k, v) => `pv.setInt32(${plus('po', k)},${v},true);`,
  st64: (k, lo, hi) => `pv.setInt32(${plus('po', k)},${lo},true);pv.setInt32(${plus('po', k + 4)},${hi},true);`,
};

const MEMORY_IO: Io = {
  ld8: (k) => `mem.ld8(${plus('a', k)})`,
  ld16: (k) => `mem.ld16(${plus('a', k)})`,
  ld32: (k) => `mem.ld32(${plus('a', k)})`,
  ld64: (lo, hi, k) => `const ${lo}=mem.ld64(${plus('a', k)}),${hi}=mem.hi;`,
  st8: (k, v) => `mem.st8(${plus('a', k)},${v});`,
  st16: (k, v) => `mem.st16(${plus('a', k)},${v});`,
  st32: (k, v) => `mem.st32(${plus('a', k)},${v});`,
  st64: (k, lo, hi) => `mem.st64(${plus('a', k)},${lo},${hi});`,
};

/**
 * An access of `bytes` bytes at `w`: inline through Memory's fast TLB (Memory.fastReadTag) when
 * the page's entry hits and the access stays inside the page; else through Memory's methods,
 * which keep every rule (faults with exact addresses, observers, page crossing, code dropped by
 * stores) and fill the fast TLB for the next time. `body` gives the access's code for either way.
 */
function viaTlb(w: Where, store: boolean, bytes: number, body: (io: Io) => string): string {
  const tag = store ? 'mem.fastWriteTag' : 'mem.fastReadTag';
  const view = store ? 'mem.fastWriteView' : 'mem.fastReadView';
  const guard = w.guard === '' ? '' : `${w.guard}&&`;
  const pn = `(${w.hi}>>>0)*${2 ** (32 - PAGE_SHIFT)}+(${w.lo}>>>${PAGE_SHIFT})`;
  return (
    `${w.pre}const ti=(${w.lo}>>>${PAGE_SHIFT})&${TLB_MASK};` +
    `if(${guard}${tag}[ti]===${pn}${bytes === 1 ? '' : `&&(${w.lo}&${PAGE_MASK})<=${PAGE_SIZE - bytes}`})` +
    `{const pv=${view}[ti],po=${w.lo}&${PAGE_MASK};${body(VIEW_IO)}}` +
    `else{const a=${w.addr};${body(MEMORY_IO)}}`
  );
}

/** The access of ldst.ts accessOp for kind k, register t. */
function accessCode(k: number, t: number, io: Io): string | undefined {
  const vt = t * 4;
  const zero = `vi[${vt + 1}]=0;vi[${vt + 2}]=0;vi[${vt + 3}]=0;`;
  switch (k) {
    case K_STRB:
      return io.st8(0, `xl[${t}]`);
    case K_STRB + 1:
      return io.st16(0, `xl[${t}]`);
    case K_STRB + 2:
      return io.st32(0, `xl[${t}]`);
    case K_STRB + 3:
      return io.st64(0, `xl[${t}]`, `xh[${t}]`);
    case K_LDRB:
      return `xl[${t}]=${io.ld8(0)};xh[${t}]=0;`;
    case K_LDRB + 1:
      return `xl[${t}]=${io.ld16(0)};xh[${t}]=0;`;
    case K_LDRB + 2:
      return `xl[${t}]=${io.ld32(0)};xh[${t}]=0;`;
    case K_LDRB + 3:
      return `${io.ld64('l0', 'h0', 0)}xl[${t}]=l0;xh[${t}]=h0;`;
    case K_LDRSBX:
      return `const v=(${io.ld8(0)}<<24)>>24;xl[${t}]=v;xh[${t}]=v>>31;`;
    case K_LDRSBX + 1:
      return `const v=(${io.ld16(0)}<<16)>>16;xl[${t}]=v;xh[${t}]=v>>31;`;
    case K_LDRSBX + 2:
      return `const v=${io.ld32(0)};xl[${t}]=v;xh[${t}]=v>>31;`;
    case K_LDRSBW:
      return `xl[${t}]=(${io.ld8(0)}<<24)>>24;xh[${t}]=0;`;
    case K_LDRSBW + 1:
      return `xl[${t}]=(${io.ld16(0)}<<16)>>16;xh[${t}]=0;`;
    case K_STB:
      return io.st8(0, `s.vb[${vt * 4}]`);
    case K_STB + 1:
      return io.st16(0, `s.vh[${vt * 2}]`);
    case K_STB + 2:
      return io.st32(0, `vi[${vt}]`);
    case K_STB + 3:
      return io.st64(0, `vi[${vt}]`, `vi[${vt + 1}]`);
    case K_STQ:
      return io.st64(0, `vi[${vt}]`, `vi[${vt + 1}]`) + io.st64(8, `vi[${vt + 2}]`, `vi[${vt + 3}]`);
    case K_LDB:
      return `const v=${io.ld8(0)};vi[${vt}]=v;${zero}`;
    case K_LDB + 1:
      return `const v=${io.ld16(0)};vi[${vt}]=v;${zero}`;
    case K_LDB + 2:
      return `const v=${io.ld32(0)};vi[${vt}]=v;${zero}`;
    case K_LDB + 3:
      return `${io.ld64('l0', 'h0', 0)}vi[${vt}]=l0;vi[${vt + 1}]=h0;vi[${vt + 2}]=0;vi[${vt + 3}]=0;`;
    case K_LDQ:
      return `${io.ld64('l0', 'h0', 0)}${io.ld64('l1', 'h1', 8)}vi[${vt}]=l0;vi[${vt + 1}]=h0;vi[${vt + 2}]=l1;vi[${vt + 3}]=h1;`;
  }
  return undefined;
}

/** ldst.ts accessOp as a snippet; m < 0: immediate offset. */
function accessSnippet(
  k: number,
  t: number,
  n: number,
  off: number,
  wb: boolean,
  wbo: number,
  m: number,
  ext: number,
  sh: number,
): Snippet | undefined {
  if (k === K_PRFM) return pure('');
  if (accessCode(k, t, MEMORY_IO) === undefined) return undefined;
  const ki = KINFO[k] as { ld: boolean; scale: number };
  const where = m < 0 ? whereImm(off) : whereReg(m, ext, sh);
  const access = viaTlb(where, !ki.ld, 1 << ki.scale, (io) => accessCode(k, t, io) as string);
  return throwing(`const bl=xl[${n}],bh=xh[${n}];${access}${wb ? wbackCode(n, wbo) : ''}`, !ki.ld);
}

type Mode = 'uimm' | 'unscaled' | 'post' | 'pre';

function ldstImm(mode: Mode): SnippetGen {
  return (f) => {
    const k = kindOf(u(f, 'size'), u(f, 'v'), u(f, 'opc'));
    if (k < 0) return undefined;
    const scale = (KINFO[k] as { scale: number }).scale;
    const off = mode === 'uimm' ? u(f, 'imm12') * 2 ** scale : sext(u(f, 'imm9'), 9);
    const n = f.rn === 31 ? SP : u(f, 'rn');
    const t = gprT(k, u(f, 'rt'));
    if (mode === 'post') return accessSnippet(k, t, n, 0, true, off, -1, 0, 0);
    if (mode === 'pre') return accessSnippet(k, t, n, off, true, off, -1, 0, 0);
    return accessSnippet(k, t, n, off, false, 0, -1, 0, 0);
  };
}

const ldstReg: SnippetGen = (f) => {
  const k = kindOf(u(f, 'size'), u(f, 'v'), u(f, 'opc'));
  if (k < 0 || (u(f, 'option') & 2) === 0) return undefined;
  const n = f.rn === 31 ? SP : u(f, 'rn');
  const m = f.rm === 31 ? ZR : u(f, 'rm');
  const sh = f.S ? (KINFO[k] as { scale: number }).scale : 0;
  return accessSnippet(k, gprT(k, u(f, 'rt')), n, 0, false, 0, m, u(f, 'option'), sh);
};

const ldrLit: SnippetGen = (f, a) => {
  const LIT = [
    [K_LDRB + 2, K_LDRB + 3, K_LDRSBX + 2, K_PRFM],
    [K_LDB + 2, K_LDB + 3, K_LDQ, -1],
  ];
  const k = (LIT[u(f, 'v')] as number[])[u(f, 'opc')] as number;
  if (k < 0) return undefined;
  if (k === K_PRFM) return pure('');
  return accessSnippet(k, gprT(k, u(f, 'rt')), ZR, a + sext(u(f, 'imm19'), 19) * 4, false, 0, -1, 0, 0);
};

/** ldst.ts loadVec for register t at byte `k` of the access. */
function loadVecCode(t: number, words: number, k: number, io: Io): string {
  const i = t * 4;
  if (words === 1) return `vi[${i}]=${io.ld32(k)};vi[${i + 1}]=0;vi[${i + 2}]=0;vi[${i + 3}]=0;`;
  if (words === 2) return `{${io.ld64('l0', 'h0', k)}vi[${i}]=l0;vi[${i + 1}]=h0;vi[${i + 2}]=0;vi[${i + 3}]=0;}`;
  return `{${io.ld64('l0', 'h0', k)}${io.ld64('l1', 'h1', k + 8)}vi[${i}]=l0;vi[${i + 1}]=h0;vi[${i + 2}]=l1;vi[${i + 3}]=h1;}`;
}

/** ldst.ts pairOp. */
function pairCode(pk: number, ld: boolean, t: number, t2: number, io: Io): string {
  const bytes = 1 << (PSCALE[pk] as number);
  if (!ld) {
    switch (pk) {
      case P_W:
        return io.st32(0, `xl[${t}]`) + io.st32(4, `xl[${t2}]`);
      case P_X:
        return io.st64(0, `xl[${t}]`, `xh[${t}]`) + io.st64(8, `xl[${t2}]`, `xh[${t2}]`);
      case P_S:
        return io.st32(0, `vi[${t * 4}]`) + io.st32(4, `vi[${t2 * 4}]`);
      case P_D:
        return io.st64(0, `vi[${t * 4}]`, `vi[${t * 4 + 1}]`) + io.st64(8, `vi[${t2 * 4}]`, `vi[${t2 * 4 + 1}]`);
      default:
        return (
          io.st64(0, `vi[${t * 4}]`, `vi[${t * 4 + 1}]`) +
          io.st64(8, `vi[${t * 4 + 2}]`, `vi[${t * 4 + 3}]`) +
          io.st64(16, `vi[${t2 * 4}]`, `vi[${t2 * 4 + 1}]`) +
          io.st64(24, `vi[${t2 * 4 + 2}]`, `vi[${t2 * 4 + 3}]`)
        );
    }
  }
  switch (pk) {
    case P_W:
      return `const v0=${io.ld32(0)};const v1=${io.ld32(4)};xl[${t2}]=v1;xh[${t2}]=0;xl[${t}]=v0;xh[${t}]=0;`;
    case P_SW:
      return `const v0=${io.ld32(0)};const v1=${io.ld32(4)};xl[${t2}]=v1;xh[${t2}]=v1>>31;xl[${t}]=v0;xh[${t}]=v0>>31;`;
    case P_X:
      return `${io.ld64('l0', 'h0', 0)}${io.ld64('l1', 'h1', 8)}xl[${t2}]=l1;xh[${t2}]=h1;xl[${t}]=l0;xh[${t}]=h0;`;
    default:
      return loadVecCode(t, bytes / 4, 0, io) + loadVecCode(t2, bytes / 4, bytes, io);
  }
}

function ldstPair(mode: 'nt' | 'post' | 'off' | 'pre'): SnippetGen {
  return (f) => {
    const pk = pairKind(f, mode === 'nt');
    if (pk < 0) return undefined;
    const ld = f.L === 1;
    const off = sext(u(f, 'imm7'), 7) * 2 ** (PSCALE[pk] as number);
    const n = f.rn === 31 ? SP : u(f, 'rn');
    const map = (r: number): number => (pk >= P_S || r !== 31 ? r : ld ? ZR_W : ZR);
    const t = map(u(f, 'rt'));
    const t2 = map(u(f, 'rt2'));
    const where = whereImm(mode === 'post' ? 0 : off);
    const bytes = 2 << (PSCALE[pk] as number);
    const access = viaTlb(where, !ld, bytes, (io) => pairCode(pk, ld, t, t2, io));
    const wb = mode === 'post' || mode === 'pre';
    return throwing(`const bl=xl[${n}],bh=xh[${n}];${access}${wb ? wbackCode(n, off) : ''}`, !ld);
  };
}

// ---- floating point ----------------------------------------------------------------------------

/**
 * FMUL/FDIV/FADD/FSUB fast path once FPSR.IXC is set, with FPCR's RMode, FZ and DN clear: the
 * host's operation (round to nearest even; for singles the double result rounded once more, which
 * is exact for these four operations) is the architecture's result whenever that result is a
 * normal finite number, and then the only exception it can raise is Inexact, already recorded.
 * Inputs need no test: NaN and infinite inputs never give a normal finite result, and denormal
 * inputs are used as they are when FZ is clear (no Input Denormal either). A result at or below
 * the smallest normal (tininess is detected before rounding) or at the top of the range, or a
 * first inexact operation, goes to the helper (fpu.ts), which is exact in every case. FP_FAST
 * (jit/fplocals.ts) is that test of FPSR and FPCR, hoisted into a local by the translator.
 */
const fpDp2: SnippetGen = (f) => {
  const op = u(f, 'op');
  if (op >= 4) return undefined;
  const d = u(f, 'rd');
  const n = u(f, 'rn');
  const m = u(f, 'rm');
  const sym = ['*', '/', '+', '-'][op] as string;
  if (f.ft !== 1) {
    return pure(
      `const r=Math.fround(vs[${n * 4}]${sym}vs[${m * 4}]);const ar=Math.abs(r);` +
        `if(ar>${2 ** -126}&&ar<${(2 - 2 ** -23) * 2 ** 127}&&${FP_FAST}){vs[${d * 4}]=r;vi[${d * 4 + 1}]=0;vi[${d * 4 + 2}]=0;vi[${d * 4 + 3}]=0;}` +
        `else h.fbin32v(s,${op},${d},${n},${m});`,
    );
  }
  let slow: string;
  switch (op) {
    case 0:
      slow = `h.fmul64v(s,${d},${n},${m});`;
      break;
    case 1:
      slow = `h.fdiv64v(s,${d},${n},${m});`;
      break;
    case 2:
      slow = `h.faddsub64v(s,${d},${n},${m},false);`;
      break;
    default:
      slow = `h.faddsub64v(s,${d},${n},${m},true);`;
  }
  return pure(
    `const r=vf[${n * 2}]${sym}vf[${m * 2}];const ar=Math.abs(r);` +
      `if(ar>${2 ** -1022}&&ar<${Number.MAX_VALUE}&&${FP_FAST}){vf[${d * 2}]=r;vi[${d * 4 + 2}]=0;vi[${d * 4 + 3}]=0;}` +
      `else ${slow}`,
  );
};

/**
 * FMADD/FMSUB/FNMADD/FNMSUB: the exact helpers. A function that keeps the D registers in locals
 * puts fpu.ts fmaCore inline instead (jit/fplocals.ts fmaInline).
 */
const fpDp3: SnippetGen = (f) => {
  const negN = f.o0 !== f.o1 ? 0x80000000 : 0;
  const negA = f.o1 === 1 ? 0x80000000 : 0;
  const args = `s,${u(f, 'rd')},${u(f, 'ra')},${u(f, 'rn')},${u(f, 'rm')},${negA},${negN}`;
  return pure(f.ft === 0 ? `h.ffma32v(${args});` : `h.ffma64v(${args});`);
};

const fmovImm: SnippetGen = (f) => {
  const i = u(f, 'rd') << 2;
  const v = fpImmValue(u(f, 'imm8'));
  if (f.ft === 0) {
    const b = new Int32Array(new Float32Array([v]).buffer)[0] as number;
    return pure(`vi[${i}]=${b};vi[${i + 1}]=0;vi[${i + 2}]=0;vi[${i + 3}]=0;`);
  }
  const w = new Int32Array(new Float64Array([v]).buffer);
  return pure(`vi[${i}]=${w[0]};vi[${i + 1}]=${w[1]};vi[${i + 2}]=0;vi[${i + 3}]=0;`);
};

/** FMOV/FABS/FNEG (register); FSQRT stays an op. */
const fpDp1: SnippetGen = (f) => {
  const op = u(f, 'op');
  if (op === 3) return undefined;
  const d = u(f, 'rd') << 2;
  const i = u(f, 'rn') << 2;
  if (f.ft !== 1) {
    const v = op === 0 ? `vi[${i}]` : op === 1 ? `vi[${i}]&2147483647` : `vi[${i}]^2147483648`;
    return pure(`vi[${d}]=${v};vi[${d + 1}]=0;vi[${d + 2}]=0;vi[${d + 3}]=0;`);
  }
  const hi = op === 0 ? `vi[${i + 1}]` : op === 1 ? `vi[${i + 1}]&2147483647` : `vi[${i + 1}]^2147483648`;
  return pure(`const lo=vi[${i}],hi=${hi};vi[${d}]=lo;vi[${d + 1}]=hi;vi[${d + 2}]=0;vi[${d + 3}]=0;`);
};

const fmovXd: SnippetGen = (f) => {
  const d = wz(u(f, 'rd'));
  const i = u(f, 'rn') << 2;
  return pure(`xl[${d}]=vi[${i}];xh[${d}]=vi[${i + 1}];`);
};

const fmovDx: SnippetGen = (f) => {
  const i = u(f, 'rd') << 2;
  const n = rz(u(f, 'rn'));
  return pure(`const lo=xl[${n}],hi=xh[${n}];vi[${i}]=lo;vi[${i + 1}]=hi;vi[${i + 2}]=0;vi[${i + 3}]=0;`);
};

const fmovWs: SnippetGen = (f) => {
  const d = wz(u(f, 'rd'));
  const i = u(f, 'rn') << 2;
  return pure(`xl[${d}]=vi[${i}];xh[${d}]=0;`);
};

const fmovSw: SnippetGen = (f) => {
  const i = u(f, 'rd') << 2;
  const n = rz(u(f, 'rn'));
  return pure(`vi[${i}]=xl[${n}];vi[${i + 1}]=0;vi[${i + 2}]=0;vi[${i + 3}]=0;`);
};

/**
 * SCVTF/UCVTF (integer): an integer that the format holds exactly (|v| < 2^53 for doubles, 2^24
 * for singles; the test on the computed double is exact below 2^53) converts inline, with no
 * exception and whatever FPCR says; any other value goes through isa/fp.ts cvtFromInt, the op's
 * own operation.
 */
const cvtFromIntSnippet: SnippetGen = (f) => {
  const n = rz(u(f, 'rn'));
  const i = u(f, 'rd') << 2;
  const signed = f.u === 0;
  const is64 = f.sf === 1;
  const dbl = f.ft === 1;
  const lim = dbl ? 2 ** 53 : 2 ** 24;
  let value: string;
  if (!is64) value = signed ? `xl[${n}]` : `(xl[${n}]>>>0)`;
  else value = `${signed ? `xh[${n}]` : `(xh[${n}]>>>0)`}*4294967296+(xl[${n}]>>>0)`;
  const slow = `h.cvtFromInt(s,${u(f, 'rd')},xl[${n}],xh[${n}],${signed},${is64},0,${dbl});`;
  const store = dbl
    ? `vf[${i >> 1}]=v;vi[${i + 2}]=0;vi[${i + 3}]=0;`
    : `vs[${i}]=v;vi[${i + 1}]=0;vi[${i + 2}]=0;vi[${i + 3}]=0;`;
  // Doubles: a W register always converts exactly.
  if (dbl && !is64) return pure(`const v=${value};${store}`);
  return pure(`const v=${value};if(v>${-lim}&&v<${lim}){${store}}else ${slow}`);
};

// ---- the table ----------------------------------------------------------------------------------

/*
 * No snippet for FMLA/FMLS by element (SIMD_FP_ELEM). One calling fpu.ts fmla64vec was measured
 * on the programs' matrix phase, whose hot loop is 22 of them in 40 instructions: no gain at 100
 * rounds (CPU s 1.00/1.09/1.19 against 1.05/1.01/1.14 without), as the exact fused multiply-add
 * (fpu.ts fmaCore) costs the same in either tier, and at 20 rounds a loss (best of 3: 0.73 s
 * against 0.53): the snippet made the loop a translated region, compiled by V8 for a short phase.
 * Without it the region is mostly op calls and stays interpreted (compile.ts mostlyOpCalls).
 */
export const SNIPPETS: Record<string, SnippetGen> = {
  ADD_imm: addSubImm(false, false),
  ADDS_imm: addSubImm(false, true),
  SUB_imm: addSubImm(true, false),
  SUBS_imm: addSubImm(true, true),
  AND_imm: logicalImm(0),
  ORR_imm: logicalImm(1),
  EOR_imm: logicalImm(2),
  ANDS_imm: logicalImm(3),
  MOVN: movn,
  MOVZ: movz,
  MOVK: movk,
  SBFM: bitfield(0),
  BFM: bitfield(1),
  UBFM: bitfield(2),
  AND_reg: logicalReg(0, false),
  BIC_reg: logicalReg(0, true),
  ORR_reg: logicalReg(1, false),
  ORN_reg: logicalReg(1, true),
  EOR_reg: logicalReg(2, false),
  EON_reg: logicalReg(2, true),
  ANDS_reg: logicalReg(3, false),
  BICS_reg: logicalReg(3, true),
  ADD_reg: addSubReg(false, false),
  ADDS_reg: addSubReg(false, true),
  SUB_reg: addSubReg(true, false),
  SUBS_reg: addSubReg(true, true),
  ADD_ext: addSubExt(false, false),
  ADDS_ext: addSubExt(false, true),
  SUB_ext: addSubExt(true, false),
  SUBS_ext: addSubExt(true, true),
  ADR: pcRel(false),
  ADRP: pcRel(true),
  NOP: () => pure(''),
  MADD: madd(false),
  MSUB: madd(true),
  CSEL: condSelect(0),
  CSINC: condSelect(1),
  CSINV: condSelect(2),
  CSNEG: condSelect(3),
  SMADDL: longMul(true, false),
  SMSUBL: longMul(true, true),
  UMADDL: longMul(false, false),
  UMSUBL: longMul(false, true),
  SMULH: mulHigh(true),
  UMULH: mulHigh(false),
  UDIV: twoSource(2),
  SDIV: twoSource(3),
  LSLV: twoSource(8),
  LSRV: twoSource(9),
  ASRV: twoSource(10),
  RORV: twoSource(11),
  RBIT: oneSource(0),
  REV16: oneSource(1),
  REV32: oneSource(2),
  REV: oneSource(3),
  CLZ: oneSource(4),
  CLS: oneSource(5),
  CCMN_reg: condCompare(false, false),
  CCMN_imm: condCompare(false, true),
  CCMP_reg: condCompare(true, false),
  CCMP_imm: condCompare(true, true),
  EXTR: extr,
  B: bImm,
  BL: bl,
  B_cond: bCond,
  CBZ: cbz(false),
  CBNZ: cbz(true),
  TBZ: tbz(false),
  TBNZ: tbz(true),
  RET: ret,
  BR: ret,
  BLR: blr,
  LDST_uimm: ldstImm('uimm'),
  LDST_unscaled: ldstImm('unscaled'),
  LDST_post: ldstImm('post'),
  LDST_pre: ldstImm('pre'),
  LDST_reg: ldstReg,
  LDR_lit: ldrLit,
  LDSTNP: ldstPair('nt'),
  LDSTP_post: ldstPair('post'),
  LDSTP_off: ldstPair('off'),
  LDSTP_pre: ldstPair('pre'),
  FP_DP2: fpDp2,
  FP_DP3: fpDp3,
  FMOV_imm: fmovImm,
  FP_DP1: fpDp1,
  FMOV_xd: fmovXd,
  FMOV_dx: fmovDx,
  FMOV_ws: fmovWs,
  FMOV_sw: fmovSw,
  CVTF_from_int: cvtFromIntSnippet,
};
