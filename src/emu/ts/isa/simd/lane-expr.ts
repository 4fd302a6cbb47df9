/**
 * Element-wise AdvSIMD ops described by a JavaScript expression over their lanes, for the integer
 * rows that never saturate (three_same.ts SameOp.e, two_reg_misc.ts UnOp.e). The expression is
 * the row's only description: its lane function (the scalar and by-element forms call it) and its
 * vector op are both made from it, with `new Function` (as the JavaScript tier makes its regions),
 * or, where the host forbids that (a content security policy without 'unsafe-eval'), from its
 * parse (lane-eval.ts): slower, the same results.
 *
 * The vector op reads and writes the register file in place (lane i of Vd is written after lane i
 * of the sources is read, so they may alias). Each (row, element size, width) gets a function of
 * its own, made once per thread: a lane loop shared by every row (sameExec, unExec) reaches its
 * lane function, loaders and store through call sites that all rows share, which V8 cannot
 * inline (a vectorized ADD/MLA .4S loop of 56 M instructions took 1.9 s that way, 0.46 s now).
 */
import type { CpuState, Op } from '../../state.ts';
import { evalLaneExpr, type Lanes } from './lane-eval.ts';
import { lanes, shiftN } from './lanes.ts';

/** Sign-extends a byte (a shift amount of USHL/SSHL and friends). */
export function sext8(b: number): number {
  return (b << 24) >> 24;
}

/** The text reading lane `at` of a view of element size `size` (0-2), sign-extended or not. */
function laneRead(view: string, at: string, size: number, signed: boolean): string {
  const r = `${view}[${at}]`;
  if (size === 2) return signed ? r : `(${r} >>> 0)`;
  if (!signed) return r;
  return size === 0 ? `((${r} << 24) >> 24)` : `((${r} << 16) >> 16)`;
}

/** The helpers an expression may call, besides Math. */
const SCOPE_NAMES = ['shiftN', 'sext8'];
const SCOPE = [shiftN, sext8];
const HELPERS = {
  // The parse passes true and false as 1 and 0.
  shiftN: (x: number, sh: number, z: number, sg: number, rnd: number, st: number) =>
    shiftN(x, sh, z, sg !== 0, rnd !== 0, st !== 0),
  sext8,
};

let compiling: boolean | undefined;

/**
 * Whether ops are generated with `new Function`: false where the host forbids it (a content
 * security policy without 'unsafe-eval'), then the expressions are evaluated from their parse
 * (lane-eval.ts): slower, the same results.
 */
function compiled(): boolean {
  if (compiling === undefined) {
    try {
      compiling = new Function('return 1')() === 1;
    } catch {
      compiling = false;
    }
  }
  return compiling;
}

/** Tests: force evaluation from the parse (false), or back to detection (undefined). */
export function setLaneCompilation(on: boolean | undefined): void {
  compiling = on;
  fns.clear();
  ops.clear();
  longOps.clear();
}

/** A view of the register file by element size (0-2). */
function viewOf(s: CpuState, size: number): Uint8Array | Uint16Array | Int32Array {
  return size === 0 ? s.vb : size === 1 ? s.vh : s.vi;
}

/** Lane `k` of a view of element size `size`, sign-extended or not (as laneRead's text). */
function readLane(v: Uint8Array | Uint16Array | Int32Array, k: number, size: number, signed: boolean): number {
  const r = v[k] as number;
  if (size === 2) return signed ? r : r >>> 0;
  if (!signed) return r;
  return size === 0 ? (r << 24) >> 24 : (r << 16) >> 16;
}

export interface LaneExpr {
  /** Names the row in the caches (group and mnemonic). */
  key: string;
  /** The lane operation over `a` (Vn), `b` (Vm), `d` (Vd before) and `Z` (log2 element bytes). */
  e: string;
  /** How `a` and `b` are read: sign-extended or not. */
  sg: boolean;
  /** How `d` is read (default: as `a`). */
  dsg?: boolean;
}

export type LaneFn = (a: number, b: number, d: number) => number;
const fns = new Map<string, LaneFn>();

/** The expression as a function of its lanes, for element size z. */
export function laneFn(x: LaneExpr, z: number): LaneFn {
  const key = `${x.key}/${z}`;
  let g = fns.get(key);
  if (g === undefined) {
    if (compiled()) g = new Function(...SCOPE_NAMES, `const Z = ${z}; return (a, b, d) => ${x.e};`)(...SCOPE) as LaneFn;
    else {
      const node = evalLaneExpr(x.e, z, HELPERS);
      const l: Lanes = { a: 0, b: 0, d: 0 };
      g = (a, b, d) => {
        l.a = a;
        l.b = b;
        l.d = d;
        return node(l);
      };
    }
    fns.set(key, g);
  }
  return g;
}

/** Makes the vector op for registers Vn, Vm (ignored by a unary row) and Vd. */
export type LaneOpFactory = (n: number, m: number, d: number) => Op;
const ops = new Map<string, LaneOpFactory>();

/** The vector op of the expression for element size z (0-2) and width q. */
export function laneOp(x: LaneExpr, z: number, q: number): LaneOpFactory {
  const key = `${x.key}/${z}/${q}`;
  let make = ops.get(key);
  if (make === undefined && !compiled()) {
    const g = laneFn(x, z);
    const cnt = lanes(z, q);
    const shift = 4 - z;
    const dsg = x.dsg ?? x.sg;
    make = (n, m, r) => (s) => {
      const v = viewOf(s, z);
      const xa = n << shift;
      const yb = m << shift;
      const w = r << shift;
      for (let i = 0; i < cnt; i++)
        v[w + i] = g(readLane(v, xa + i, z, x.sg), readLane(v, yb + i, z, x.sg), readLane(v, w + i, z, dsg));
      if (q === 0) {
        s.vi[(r << 2) + 2] = 0;
        s.vi[(r << 2) + 3] = 0;
      }
    };
    ops.set(key, make);
  }
  if (make === undefined) {
    const view = ['vb', 'vh', 'vi'][z] as string;
    const shift = 4 - z;
    const lane = (base: string, signed: boolean): string => laneRead('v', `${base} + i`, z, signed);
    const reads = [`a = ${lane('x', x.sg)}`];
    if (/\bb\b/.test(x.e)) reads.push(`b = ${lane('y', x.sg)}`);
    if (/\bd\b/.test(x.e)) reads.push(`d = ${lane('w', x.dsg ?? x.sg)}`);
    const src = [
      `const Z = ${z};`,
      'return (n, m, r) => (s) => {',
      `  const v = s.${view}, x = n << ${shift}, y = m << ${shift}, w = r << ${shift};`,
      `  for (let i = 0; i < ${lanes(z, q)}; i++) {`,
      `    const ${reads.join(', ')};`,
      `    v[w + i] = ${x.e};`,
      '  }',
      // A 64-bit form zeroes the upper half of Vd.
      q === 0 ? '  s.vi[(r << 2) + 2] = 0; s.vi[(r << 2) + 3] = 0;' : '',
      '};',
    ].join('\n');
    make = new Function(...SCOPE_NAMES, src)(...SCOPE) as LaneOpFactory;
    ops.set(key, make);
  }
  return make;
}

/** A long or wide op (three different, by element, SSHLL/USHLL): Vd.2e from Vn (and Vm) lanes. */
export interface LongLaneExpr {
  /** Names the row in the caches. */
  key: string;
  /** The lane operation over `a` (Vn's lane, wide for `wide`), `b` (Vm's), `d` (Vd's before). */
  e: string;
  /** How the narrow (and wide) sources are read. */
  sg: boolean;
  /** Vn holds wide lanes (UADDW, SSUBW). */
  wide: boolean;
}

/** Makes the op for registers Vn, Vm and Vd; `idx` >= 0 takes every b from that lane of Vm. */
export type LongOpFactory = (n: number, m: number, d: number, idx: number) => Op;
const longOps = new Map<string, LongOpFactory>();

/**
 * The long op of the expression for narrow element size z (0 or 1: results of 16 or 32 bits),
 * taking the narrow lanes from the upper half when `hi`, Vm's lane `idx` when `byElement`. Every
 * result is made before any is written: Vd's wider lanes overlap narrow source lanes not yet read.
 */
export function longLaneOp(x: LongLaneExpr, z: number, hi: boolean, byElement: boolean): LongOpFactory {
  const key = `${x.key}/${z}/${hi ? 1 : 0}/${byElement ? 1 : 0}`;
  let make = longOps.get(key);
  if (make === undefined && !compiled()) {
    const g = laneFn({ key: `long:${x.key}`, e: x.e, sg: x.sg }, z);
    const cnt = 8 >> z;
    const base = hi ? cnt : 0;
    const za = x.wide ? z + 1 : z;
    const T = new Float64Array(cnt);
    make = (n, m, r, idx) => (s) => {
      const A = viewOf(s, za);
      const B = viewOf(s, z);
      const D = viewOf(s, z + 1);
      const xa = n << (4 - za);
      const yb = m << (4 - z);
      const w = r << (3 - z);
      for (let i = 0; i < cnt; i++) {
        const a = readLane(A, x.wide ? xa + i : xa + base + i, za, x.sg);
        const b = readLane(B, byElement ? yb + idx : yb + base + i, z, x.sg);
        T[i] = g(a, b, readLane(D, w + i, z + 1, true));
      }
      for (let i = 0; i < cnt; i++) D[w + i] = T[i] as number;
    };
    longOps.set(key, make);
  }
  if (make === undefined) {
    const cnt = 8 >> z;
    const base = hi ? cnt : 0;
    const views = ['vb', 'vh', 'vi'];
    const za = x.wide ? z + 1 : z;
    const reads = [`a = ${laneRead('A', x.wide ? 'x + i' : `x + ${base} + i`, za, x.sg)}`];
    if (/\bb\b/.test(x.e)) reads.push(`b = ${laneRead('B', byElement ? 'y + idx' : `y + ${base} + i`, z, x.sg)}`);
    if (/\bd\b/.test(x.e)) reads.push(`d = ${laneRead('D', 'w + i', z + 1, true)}`);
    const src = [
      `const T = new Float64Array(${cnt});`,
      'return (n, m, r, idx) => (s) => {',
      `  const A = s.${views[za]}, B = s.${views[z]}, D = s.${views[z + 1]};`,
      `  const x = n << ${4 - za}, y = m << ${4 - z}, w = r << ${3 - z};`,
      `  for (let i = 0; i < ${cnt}; i++) {`,
      `    const ${reads.join(', ')};`,
      `    T[i] = ${x.e};`,
      '  }',
      `  for (let i = 0; i < ${cnt}; i++) D[w + i] = T[i];`,
      '};',
    ].join('\n');
    make = new Function(...SCOPE_NAMES, src)(...SCOPE) as LongOpFactory;
    longOps.set(key, make);
  }
  return make;
}
