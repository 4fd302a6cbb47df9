/**
 * AdvSIMD structure loads and stores: LD1–LD4/ST1–ST4 (multiple structures), LD1–LD4/ST1–ST4 of
 * one lane, LD1R–LD4R; no offset, post-index by immediate (the total size) or by register.
 *
 * Access pattern as in Unicorn 2.0.1 (QEMU 5): LD1/ST1 with consecutive registers move each
 * register as 64-bit little-endian accesses (so hooks and faults see 8-byte accesses); LD2–LD4
 * interleave element-sized accesses. Loads of 64-bit arrangements clear the upper halves of the
 * registers after all elements are loaded; single-lane loads keep the other lanes.
 */
import { type Fields, type InsnDef, insn } from '../decoder.ts';
import type { CpuState, Op } from '../state.ts';
import { SP } from '../state.ts';
import { xr } from './fmt.ts';
import { ea as eaShared, wback as wbackShared } from './ldst.ts';

// Module-local bindings for the hot paths (no import indirection, whatever the module format).
const ea = eaShared;
const wback = wbackShared;
const TWO32 = 4294967296;

const ARR = [
  ['8b', '16b'],
  ['4h', '8h'],
  ['2s', '4s'],
  ['1d', '2d'],
];
const ELEM = ['b', 'h', 's', 'd'];

/** Multiple-structure opcodes: [registers repeated (LD1 with n registers), structure elements]. */
const MULT: Record<number, readonly [number, number]> = {
  0: [1, 4],
  2: [4, 1],
  4: [1, 3],
  6: [3, 1],
  7: [1, 1],
  8: [1, 2],
  10: [2, 1],
};

/** X[n] += X[m] (post-index by register). */
function wbackReg(s: CpuState, n: number, blo: number, bhi: number, m: number): void {
  const mlo = s.xlo[m] as number;
  const mhi = s.xhi[m] as number;
  const lo = (blo >>> 0) + (mlo >>> 0);
  s.xlo[n] = lo;
  s.xhi[n] = bhi + mhi + (lo >= TWO32 ? 1 : 0);
}

/** Loads one element of 1 << size bytes into lane e of V[reg]. */
function ldElem(s: CpuState, a: number, reg: number, e: number, size: number): void {
  const mem = s.mem;
  if (size === 0) s.vb[reg * 16 + e] = mem.ld8(a);
  else if (size === 1) s.vh[reg * 8 + e] = mem.ld16(a);
  else if (size === 2) s.vi[reg * 4 + e] = mem.ld32(a);
  else {
    const lo = mem.ld64(a);
    s.vi[reg * 4 + 2 * e] = lo;
    s.vi[reg * 4 + 2 * e + 1] = mem.hi;
  }
}

function stElem(s: CpuState, a: number, reg: number, e: number, size: number): void {
  const mem = s.mem;
  if (size === 0) mem.st8(a, s.vb[reg * 16 + e] as number);
  else if (size === 1) mem.st16(a, s.vh[reg * 8 + e] as number);
  else if (size === 2) mem.st32(a, s.vi[reg * 4 + e] as number);
  else mem.st64(a, s.vi[reg * 4 + 2 * e] as number, s.vi[reg * 4 + 2 * e + 1] as number);
}

/** Post-index kinds: none, immediate (total bytes), register. */
const POST_NONE = 0;
const POST_IMM = 1;
const POST_REG = 2;

function postKind(f: Fields): number {
  if (f.p === 0) return POST_NONE;
  return f.rm === 31 ? POST_IMM : POST_REG;
}

export function regList(t: number, count: number): number[] {
  const regs: number[] = [];
  for (let i = 0; i < count; i++) regs.push((t + i) % 32);
  return regs;
}

function postText(post: number, total: number, m: number): string {
  return post === POST_NONE ? '' : post === POST_IMM ? `, #${total}` : `, ${xr(m)}`;
}

function listText(regs: number[], suffix: string): string {
  return `{ ${regs.map((r) => `v${r}.${suffix}`).join(', ')} }`;
}

// ---- multiple structures ----------------------------------------------------------------------

export function multInfo(f: Fields): readonly [number, number] | undefined {
  const info = MULT[f.opcode as number];
  if (info === undefined) return undefined;
  if (f.size === 3 && f.q === 0 && info[1] > 1) return undefined;
  return info;
}

function multOp(f: Fields): Op {
  const [rpt, selem] = multInfo(f) as readonly [number, number];
  const q = f.q as number;
  const size = f.size as number;
  const ld = f.L === 1;
  const n = f.rn === 31 ? SP : (f.rn as number);
  const post = postKind(f);
  const m = f.rm as number;
  const regBytes = q ? 16 : 8;
  const total = rpt * selem * regBytes;
  const regs = regList(f.rt as number, rpt * selem);
  const nregs = regs.length;
  if (selem === 1) {
    // LD1/ST1: each register is 8 or 16 consecutive bytes, moved as 64-bit accesses.
    if (ld) {
      return (s) => {
        const blo = s.xlo[n] as number;
        const bhi = s.xhi[n] as number;
        let a = ea(blo, bhi, 0);
        const mem = s.mem;
        const vi = s.vi;
        for (let r = 0; r < nregs; r++) {
          const i = (regs[r] as number) * 4;
          vi[i] = mem.ld64(a);
          vi[i + 1] = mem.hi;
          if (q) {
            vi[i + 2] = mem.ld64(a + 8);
            vi[i + 3] = mem.hi;
          }
          a += regBytes;
        }
        if (!q) {
          for (let r = 0; r < nregs; r++) {
            const i = (regs[r] as number) * 4;
            vi[i + 2] = 0;
            vi[i + 3] = 0;
          }
        }
        if (post === POST_IMM) wback(s, n, blo, bhi, total);
        else if (post === POST_REG) wbackReg(s, n, blo, bhi, m);
      };
    }
    return (s) => {
      const blo = s.xlo[n] as number;
      const bhi = s.xhi[n] as number;
      let a = ea(blo, bhi, 0);
      const mem = s.mem;
      const vi = s.vi;
      for (let r = 0; r < nregs; r++) {
        const i = (regs[r] as number) * 4;
        mem.st64(a, vi[i] as number, vi[i + 1] as number);
        if (q) mem.st64(a + 8, vi[i + 2] as number, vi[i + 3] as number);
        a += regBytes;
      }
      if (post === POST_IMM) wback(s, n, blo, bhi, total);
      else if (post === POST_REG) wbackReg(s, n, blo, bhi, m);
    };
  }
  // LD2–LD4/ST2–ST4: interleaved elements.
  const ebytes = 1 << size;
  const elements = regBytes >> size;
  return (s) => {
    const blo = s.xlo[n] as number;
    const bhi = s.xhi[n] as number;
    let a = ea(blo, bhi, 0);
    for (let e = 0; e < elements; e++) {
      for (let x = 0; x < selem; x++) {
        if (ld) ldElem(s, a, regs[x] as number, e, size);
        else stElem(s, a, regs[x] as number, e, size);
        a += ebytes;
      }
    }
    if (ld && !q) {
      const vi = s.vi;
      for (let r = 0; r < nregs; r++) {
        const i = (regs[r] as number) * 4;
        vi[i + 2] = 0;
        vi[i + 3] = 0;
      }
    }
    if (post === POST_IMM) wback(s, n, blo, bhi, total);
    else if (post === POST_REG) wbackReg(s, n, blo, bhi, m);
  };
}

function multDef(id: string, p: string): InsnDef {
  return insn({
    id,
    cls: 'simd-ldst',
    pattern: `0 q:1 001100 ${p} L:1 0 rm:5 opcode:4 size:2 rn:5 rt:5`,
    when: (f) => (p === '1' || f.rm === 0) && multInfo(f) !== undefined,
    disasm: (f) => {
      const [rpt, selem] = multInfo(f) as readonly [number, number];
      const regs = regList(f.rt as number, rpt * selem);
      const arr = (ARR[f.size as number] as string[])[f.q as number] as string;
      const total = rpt * selem * (f.q ? 16 : 8);
      const post = p === '1' ? (f.rm === 31 ? POST_IMM : POST_REG) : POST_NONE;
      return `${f.L ? 'ld' : 'st'}${selem} ${listText(regs, arr)}, [${xr(f.rn as number, true)}]${postText(post, total, f.rm as number)}`;
    },
    exec: (f) => multOp({ ...f, p: p === '1' ? 1 : 0 }),
  });
}

// ---- single structure (one lane, or replicate) --------------------------------------------------

export interface SingleInfo {
  selem: number;
  /** log2 of the element size. */
  scale: number;
  index: number;
  replicate: boolean;
}

export function singleInfo(f: Fields): SingleInfo | undefined {
  const opcode = f.opcode as number;
  const size = f.size as number;
  const S = f.S as number;
  const selem = (((opcode & 1) << 1) | (f.R as number)) + 1;
  let scale = opcode >> 1;
  let index = ((f.q as number) << 3) | (S << 2) | size;
  let replicate = false;
  switch (scale) {
    case 3:
      if (f.L !== 1 || S !== 0) return undefined;
      scale = size;
      replicate = true;
      break;
    case 1:
      if (size & 1) return undefined;
      index >>= 1;
      break;
    case 2:
      if (size & 2) return undefined;
      if ((size & 1) === 0) index >>= 2;
      else {
        if (S) return undefined;
        index >>= 3;
        scale = 3;
      }
      break;
  }
  return { selem, scale, index, replicate };
}

function singleOp(f: Fields, p: number): Op {
  const { selem, scale, index, replicate } = singleInfo(f) as SingleInfo;
  const ld = f.L === 1;
  const q = f.q as number;
  const n = f.rn === 31 ? SP : (f.rn as number);
  const post = p === 0 ? POST_NONE : f.rm === 31 ? POST_IMM : POST_REG;
  const m = f.rm as number;
  const ebytes = 1 << scale;
  const total = selem * ebytes;
  const regs = regList(f.rt as number, selem);
  if (replicate) {
    return (s) => {
      const blo = s.xlo[n] as number;
      const bhi = s.xhi[n] as number;
      let a = ea(blo, bhi, 0);
      const mem = s.mem;
      const vi = s.vi;
      for (let x = 0; x < selem; x++) {
        const i = (regs[x] as number) * 4;
        let lo: number;
        let hi: number;
        if (scale === 0) lo = hi = mem.ld8(a) * 0x01010101;
        else if (scale === 1) lo = hi = mem.ld16(a) * 0x00010001;
        else if (scale === 2) lo = hi = mem.ld32(a);
        else {
          lo = mem.ld64(a);
          hi = mem.hi;
        }
        vi[i] = lo;
        vi[i + 1] = hi;
        vi[i + 2] = q ? lo : 0;
        vi[i + 3] = q ? hi : 0;
        a += ebytes;
      }
      if (post === POST_IMM) wback(s, n, blo, bhi, total);
      else if (post === POST_REG) wbackReg(s, n, blo, bhi, m);
    };
  }
  return (s) => {
    const blo = s.xlo[n] as number;
    const bhi = s.xhi[n] as number;
    let a = ea(blo, bhi, 0);
    for (let x = 0; x < selem; x++) {
      if (ld) ldElem(s, a, regs[x] as number, index, scale);
      else stElem(s, a, regs[x] as number, index, scale);
      a += ebytes;
    }
    if (post === POST_IMM) wback(s, n, blo, bhi, total);
    else if (post === POST_REG) wbackReg(s, n, blo, bhi, m);
  };
}

function singleDef(id: string, p: string, replicate: boolean): InsnDef {
  return insn({
    id,
    cls: 'simd-ldst',
    pattern: `0 q:1 001101 ${p} L:1 R:1 rm:5 opcode:3 S:1 size:2 rn:5 rt:5`,
    when: (f) => {
      if (p === '0' && f.rm !== 0) return false;
      const info = singleInfo(f);
      return info !== undefined && info.replicate === replicate;
    },
    disasm: (f) => {
      const { selem, scale, index } = singleInfo(f) as SingleInfo;
      const regs = regList(f.rt as number, selem);
      const post = p === '1' ? (f.rm === 31 ? POST_IMM : POST_REG) : POST_NONE;
      const total = selem << scale;
      const addr = `[${xr(f.rn as number, true)}]${postText(post, total, f.rm as number)}`;
      if (replicate) {
        const arr = (ARR[scale] as string[])[f.q as number] as string;
        return `ld${selem}r ${listText(regs, arr)}, ${addr}`;
      }
      return `${f.L ? 'ld' : 'st'}${selem} ${listText(regs, ELEM[scale] as string)}[${index}], ${addr}`;
    },
    exec: (f) => singleOp(f, p === '1' ? 1 : 0),
  });
}

export const defs: InsnDef[] = [
  multDef('SIMD_LDST_MULT', '0'),
  multDef('SIMD_LDST_MULT_post', '1'),
  singleDef('SIMD_LDST_LANE', '0', false),
  singleDef('SIMD_LDST_LANE_post', '1', false),
  singleDef('SIMD_LDR', '0', true),
  singleDef('SIMD_LDR_post', '1', true),
];
