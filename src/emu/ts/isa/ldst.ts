/**
 * Loads and stores of general-purpose and scalar FP/SIMD registers (ARMv8.0-A at EL0, as Unicorn
 * 2.0.1's default Cortex-A72 executes them): single registers in every addressing mode, pairs,
 * exclusives and load-acquire/store-release. LSE atomics, LDAPR, LDLAR/STLLR, LDAPUR, STGP and
 * pointer-authenticated loads are not in this CPU: their encodings stay undefined.
 *
 * Semantics follow QEMU where the architecture leaves a choice (CONSTRAINED UNPREDICTABLE):
 * - a load with writeback whose Rt is the base: the writeback wins (base + offset of the
 *   original base value); a store with writeback stores the base's value before the update;
 * - LDP/LDPSW with Rt == Rt2: the first value wins; LDXP with Rt == Rt2: the second one;
 * - the exclusive monitor records the address and the value loaded; a store-exclusive to the same
 *   address compares memory with that value (compare-and-swap), writes 0 on success, 1 otherwise,
 *   and always clears the monitor. Exclusives need natural alignment (AlignmentFault).
 *
 * Ops are specialised per access kind; the addressing mode is a few constants captured by the
 * closure. Addresses are numbers, exact below 2^53 (memory ends at 2^52, so every successful access
 * has an exact address); writeback is computed on the int32 halves, so it wraps exactly at 2^64.
 */

import { PAGE_SIZE } from '../../engine.ts';
import { AlignmentFault } from '../../errors.ts';
import { type Memory, PAGE_SHIFT, TLB_MASK } from '../../memory.ts';
import { type Fields, type InsnDef, insn } from '../decoder.ts';
import { type CpuState, type Op, SP, ZR, ZR_W } from '../state.ts';
import { imm, signExtend, target, wr, xr } from './fmt.ts';

// ---- address arithmetic (shared with simd_ldst.ts) ------------------------------------------------

/** 2^32, local: a module-local constant stays a constant in every module format (no import cell). */
export const TWO32 = 4294967296;

/** base (as int32 halves) + off (a safe integer), wrapping at 2^64. */
export function ea(blo: number, bhi: number, off: number): number {
  const lo = (blo >>> 0) + off;
  if (lo >= 0 && lo < TWO32) return (bhi >>> 0) * TWO32 + lo;
  const carry = Math.floor(lo / TWO32);
  return ((bhi + carry) >>> 0) * TWO32 + (lo - carry * TWO32);
}

export const EXT_UXTW = 2;
export const EXT_LSL = 3;
export const EXT_SXTW = 6;
export const EXT_SXTX = 7;

/** base + extend(X[m]) << sh, for the register-offset forms (option 010/011/110/111). */
export function eaReg(s: CpuState, blo: number, bhi: number, m: number, ext: number, sh: number): number {
  let olo = s.xlo[m] as number;
  let ohi = ext === EXT_UXTW ? 0 : ext === EXT_SXTW ? olo >> 31 : (s.xhi[m] as number);
  if (sh !== 0) {
    ohi = (ohi << sh) | (olo >>> (32 - sh));
    olo <<= sh;
  }
  const lo = (blo >>> 0) + (olo >>> 0);
  return ((bhi + ohi + (lo >= TWO32 ? 1 : 0)) >>> 0) * TWO32 + (lo >>> 0);
}

/** X[n] = base + off (|off| < 2^31), from the base's halves read before the access. */
export function wback(s: CpuState, n: number, blo: number, bhi: number, off: number): void {
  const lo = (blo >>> 0) + off;
  s.xlo[n] = lo;
  s.xhi[n] = lo >= TWO32 ? bhi + 1 : lo < 0 ? bhi - 1 : bhi;
}

// ---- guest accesses through Memory's fast TLBs ---------------------------------------------------
// An access's address travels as two numbers (no allocation, no module state): `al`, the base's low
// half plus the offset (it may carry out of 32 bits), and `ah`, the high half; ea(0, ah, al) is the
// exact address, wrapped at 2^64.

const PAGE_MASK = PAGE_SIZE - 1;
/** Page numbers per 2^32 bytes (2^(32 - PAGE_SHIFT)) as a literal: `2 ** k` in hot code is a call to pow. */
const PAGES_PER_4G = 1048576;

/** Low part of X[n] + off (m < 0) or of X[n] + extend(X[m]) << sh (as ea and eaReg; every extend keeps the low half). */
function addrLo(s: CpuState, blo: number, off: number, m: number, sh: number): number {
  if (m < 0) return (blo >>> 0) + off;
  return (blo >>> 0) + (((s.xlo[m] as number) << sh) >>> 0);
}

/** High part of the same address (the carry out of the low part not included). */
function addrHi(s: CpuState, bhi: number, m: number, ext: number, sh: number): number {
  if (m < 0) return bhi;
  const olo = s.xlo[m] as number;
  const ohi = ext === EXT_UXTW ? 0 : ext === EXT_SXTW ? olo >> 31 : (s.xhi[m] as number);
  return bhi + (sh !== 0 ? (ohi << sh) | (olo >>> (32 - sh)) : ohi);
}

/**
 * The view of the page holding the access of `bytes` bytes at (al, ah) when Memory's fast TLB
 * (`tags`, `views`: Memory.fastReadTag or fastWriteTag) holds that page and the access stays
 * inside it (at offset al & PAGE_MASK); null when Memory's methods must do the access (they check
 * it, fault, report to observers, cross pages and drop code).
 */
function fastView(tags: Float64Array, views: DataView[], al: number, ah: number, bytes: number): DataView | null {
  if (!(al >= 0 && al < TWO32)) return null;
  const ti = (al >>> PAGE_SHIFT) & TLB_MASK;
  if (tags[ti] !== (ah >>> 0) * PAGES_PER_4G + (al >>> PAGE_SHIFT) || (al & PAGE_MASK) > PAGE_SIZE - bytes) return null;
  return views[ti] as DataView;
}

function load8(mem: Memory, al: number, ah: number): number {
  const v = fastView(mem.fastReadTag, mem.fastReadView, al, ah, 1);
  return v !== null ? v.getUint8(al & PAGE_MASK) : mem.ld8(ea(0, ah, al));
}

function load16(mem: Memory, al: number, ah: number): number {
  const v = fastView(mem.fastReadTag, mem.fastReadView, al, ah, 2);
  return v !== null ? v.getUint16(al & PAGE_MASK, true) : mem.ld16(ea(0, ah, al));
}

function load32(mem: Memory, al: number, ah: number): number {
  const v = fastView(mem.fastReadTag, mem.fastReadView, al, ah, 4);
  return v !== null ? v.getInt32(al & PAGE_MASK, true) : mem.ld32(ea(0, ah, al));
}

/** Low half returned, high half in mem.hi (as Memory.ld64). */
function load64(mem: Memory, al: number, ah: number): number {
  const v = fastView(mem.fastReadTag, mem.fastReadView, al, ah, 8);
  if (v === null) return mem.ld64(ea(0, ah, al));
  const off = al & PAGE_MASK;
  mem.hi = v.getInt32(off + 4, true);
  return v.getInt32(off, true);
}

function store8(mem: Memory, al: number, ah: number, value: number): void {
  const v = fastView(mem.fastWriteTag, mem.fastWriteView, al, ah, 1);
  if (v !== null) v.setUint8(al & PAGE_MASK, value);
  else mem.st8(ea(0, ah, al), value);
}

function store16(mem: Memory, al: number, ah: number, value: number): void {
  const v = fastView(mem.fastWriteTag, mem.fastWriteView, al, ah, 2);
  if (v !== null) v.setUint16(al & PAGE_MASK, value, true);
  else mem.st16(ea(0, ah, al), value);
}

function store32(mem: Memory, al: number, ah: number, value: number): void {
  const v = fastView(mem.fastWriteTag, mem.fastWriteView, al, ah, 4);
  if (v !== null) v.setInt32(al & PAGE_MASK, value, true);
  else mem.st32(ea(0, ah, al), value);
}

function store64(mem: Memory, al: number, ah: number, lo: number, hi: number): void {
  const v = fastView(mem.fastWriteTag, mem.fastWriteView, al, ah, 8);
  if (v === null) {
    mem.st64(ea(0, ah, al), lo, hi);
    return;
  }
  const off = al & PAGE_MASK;
  v.setInt32(off, lo, true);
  v.setInt32(off + 4, hi, true);
}

// ---- access kinds -------------------------------------------------------------------------------

export const K_STRB = 0; // ..K_STRX = 3 (by size)
export const K_LDRB = 4; // ..K_LDRX = 7
export const K_LDRSBX = 8; // LDRSHX = 9, LDRSWX = 10
export const K_LDRSBW = 11; // LDRSHW = 12
export const K_PRFM = 13;
export const K_STB = 14; // STH, STS, STD = 15..17
export const K_STQ = 18;
export const K_LDB = 19; // LDH, LDS, LDD = 20..22
export const K_LDQ = 23;

export interface KindInfo {
  ld: boolean;
  /** Mnemonic suffix (ldr + 'sb' ...). */
  sfx: string;
  /** Register kind of Rt: w, x, b, h, s, d, q, or p (prefetch operation). */
  reg: string;
  /** log2 of the access size. */
  scale: number;
}

export const KINFO: KindInfo[] = [
  { ld: false, sfx: 'b', reg: 'w', scale: 0 },
  { ld: false, sfx: 'h', reg: 'w', scale: 1 },
  { ld: false, sfx: '', reg: 'w', scale: 2 },
  { ld: false, sfx: '', reg: 'x', scale: 3 },
  { ld: true, sfx: 'b', reg: 'w', scale: 0 },
  { ld: true, sfx: 'h', reg: 'w', scale: 1 },
  { ld: true, sfx: '', reg: 'w', scale: 2 },
  { ld: true, sfx: '', reg: 'x', scale: 3 },
  { ld: true, sfx: 'sb', reg: 'x', scale: 0 },
  { ld: true, sfx: 'sh', reg: 'x', scale: 1 },
  { ld: true, sfx: 'sw', reg: 'x', scale: 2 },
  { ld: true, sfx: 'sb', reg: 'w', scale: 0 },
  { ld: true, sfx: 'sh', reg: 'w', scale: 1 },
  { ld: true, sfx: '', reg: 'p', scale: 3 },
  { ld: false, sfx: '', reg: 'b', scale: 0 },
  { ld: false, sfx: '', reg: 'h', scale: 1 },
  { ld: false, sfx: '', reg: 's', scale: 2 },
  { ld: false, sfx: '', reg: 'd', scale: 3 },
  { ld: false, sfx: '', reg: 'q', scale: 4 },
  { ld: true, sfx: '', reg: 'b', scale: 0 },
  { ld: true, sfx: '', reg: 'h', scale: 1 },
  { ld: true, sfx: '', reg: 's', scale: 2 },
  { ld: true, sfx: '', reg: 'd', scale: 3 },
  { ld: true, sfx: '', reg: 'q', scale: 4 },
];

/** Access kind of a single-register load/store (size, V, opc), or -1 when unallocated. */
export function kindOf(size: number, v: number, opc: number): number {
  if (v === 0) {
    if (opc === 0) return K_STRB + size;
    if (opc === 1) return K_LDRB + size;
    if (opc === 2) return size === 3 ? K_PRFM : K_LDRSBX + size;
    return size < 2 ? K_LDRSBW + size : -1;
  }
  if (opc >= 2) return size === 0 ? (opc === 2 ? K_STQ : K_LDQ) : -1;
  return (opc === 0 ? K_STB : K_LDB) + size;
}

const kindF = (f: Fields): number => kindOf(f.size as number, f.v as number, f.opc as number);

// ---- disassembly ----------------------------------------------------------------------------------

const PRFOP: string[] = [];
for (const type of ['pld', 'pli', 'pst']) {
  for (const tgt of ['l1', 'l2', 'l3', 'slc']) for (const pol of ['keep', 'strm']) PRFOP.push(type + tgt + pol);
}

/** Name of register `t` of kind `reg` (w/x/b/h/s/d/q, or p for a prefetch operation). */
export function regName(reg: string, t: number): string {
  if (reg === 'w') return wr(t);
  if (reg === 'x') return xr(t);
  if (reg === 'p') return t < PRFOP.length ? (PRFOP[t] as string) : imm(t);
  return `${reg}${t}`;
}

function mnem(k: number, infix: string): string {
  if (k === K_PRFM) return infix === 'ur' ? 'prfum' : 'prfm';
  const ki = KINFO[k] as KindInfo;
  return (ki.ld ? 'ld' : 'st') + infix + ki.sfx;
}

const base = (n: number): string => xr(n, true);
/** `[xn]` or `[xn, #off]`. */
export const amOff = (n: number, off: number): string => (off === 0 ? `[${base(n)}]` : `[${base(n)}, ${imm(off)}]`);
export const amPre = (n: number, off: number): string => `[${base(n)}, ${imm(off)}]!`;
export const amPost = (n: number, off: number): string => `[${base(n)}], ${imm(off)}`;

/** Literal target (negative when it wraps below 0: never mapped). */
function litTarget(address: number, imm19: number): number {
  return address + signExtend(imm19, 19) * 4;
}

/** Literal target as objdump prints it (wrapped to 64 bits). */
function litText(t: number, symbolize?: (a: number) => string | undefined): string {
  return t >= 0 ? target(t, symbolize) : `0x${(BigInt(t) & 0xffffffffffffffffn).toString(16)}`;
}

const rt = (f: Fields): number => f.rt as number;

// ---- single-register ops --------------------------------------------------------------------------

/**
 * One op for access kind `k` with register `t` (already mapped to ZR/ZR_W for Rt = 31).
 * Address: m < 0 → X[n] + off; else X[n] + extend(X[m]) << sh. `wb`: then X[n] = X[n] + wbo.
 */
function accessOp(
  k: number,
  t: number,
  n: number,
  off: number,
  wb: boolean,
  wbo: number,
  m: number,
  ext: number,
  sh: number,
): Op {
  const vt = t * 4;
  switch (k) {
    case K_STRB:
      return (s) => {
        const blo = s.xlo[n] as number;
        const bhi = s.xhi[n] as number;
        const al = addrLo(s, blo, off, m, sh);
        const ah = addrHi(s, bhi, m, ext, sh);
        store8(s.mem, al, ah, s.xlo[t] as number);
        if (wb) wback(s, n, blo, bhi, wbo);
      };
    case K_STRB + 1:
      return (s) => {
        const blo = s.xlo[n] as number;
        const bhi = s.xhi[n] as number;
        const al = addrLo(s, blo, off, m, sh);
        const ah = addrHi(s, bhi, m, ext, sh);
        store16(s.mem, al, ah, s.xlo[t] as number);
        if (wb) wback(s, n, blo, bhi, wbo);
      };
    case K_STRB + 2:
      return (s) => {
        const blo = s.xlo[n] as number;
        const bhi = s.xhi[n] as number;
        const al = addrLo(s, blo, off, m, sh);
        const ah = addrHi(s, bhi, m, ext, sh);
        store32(s.mem, al, ah, s.xlo[t] as number);
        if (wb) wback(s, n, blo, bhi, wbo);
      };
    case K_STRB + 3:
      return (s) => {
        const blo = s.xlo[n] as number;
        const bhi = s.xhi[n] as number;
        const al = addrLo(s, blo, off, m, sh);
        const ah = addrHi(s, bhi, m, ext, sh);
        store64(s.mem, al, ah, s.xlo[t] as number, s.xhi[t] as number);
        if (wb) wback(s, n, blo, bhi, wbo);
      };
    case K_LDRB:
      return (s) => {
        const blo = s.xlo[n] as number;
        const bhi = s.xhi[n] as number;
        const al = addrLo(s, blo, off, m, sh);
        const ah = addrHi(s, bhi, m, ext, sh);
        s.xlo[t] = load8(s.mem, al, ah);
        s.xhi[t] = 0;
        if (wb) wback(s, n, blo, bhi, wbo);
      };
    case K_LDRB + 1:
      return (s) => {
        const blo = s.xlo[n] as number;
        const bhi = s.xhi[n] as number;
        const al = addrLo(s, blo, off, m, sh);
        const ah = addrHi(s, bhi, m, ext, sh);
        s.xlo[t] = load16(s.mem, al, ah);
        s.xhi[t] = 0;
        if (wb) wback(s, n, blo, bhi, wbo);
      };
    case K_LDRB + 2:
      return (s) => {
        const blo = s.xlo[n] as number;
        const bhi = s.xhi[n] as number;
        const al = addrLo(s, blo, off, m, sh);
        const ah = addrHi(s, bhi, m, ext, sh);
        s.xlo[t] = load32(s.mem, al, ah);
        s.xhi[t] = 0;
        if (wb) wback(s, n, blo, bhi, wbo);
      };
    case K_LDRB + 3:
      return (s) => {
        const blo = s.xlo[n] as number;
        const bhi = s.xhi[n] as number;
        const mem = s.mem;
        const al = addrLo(s, blo, off, m, sh);
        const ah = addrHi(s, bhi, m, ext, sh);
        s.xlo[t] = load64(mem, al, ah);
        s.xhi[t] = mem.hi;
        if (wb) wback(s, n, blo, bhi, wbo);
      };
    case K_LDRSBX:
      return (s) => {
        const blo = s.xlo[n] as number;
        const bhi = s.xhi[n] as number;
        const al = addrLo(s, blo, off, m, sh);
        const ah = addrHi(s, bhi, m, ext, sh);
        const v = (load8(s.mem, al, ah) << 24) >> 24;
        s.xlo[t] = v;
        s.xhi[t] = v >> 31;
        if (wb) wback(s, n, blo, bhi, wbo);
      };
    case K_LDRSBX + 1:
      return (s) => {
        const blo = s.xlo[n] as number;
        const bhi = s.xhi[n] as number;
        const al = addrLo(s, blo, off, m, sh);
        const ah = addrHi(s, bhi, m, ext, sh);
        const v = (load16(s.mem, al, ah) << 16) >> 16;
        s.xlo[t] = v;
        s.xhi[t] = v >> 31;
        if (wb) wback(s, n, blo, bhi, wbo);
      };
    case K_LDRSBX + 2:
      return (s) => {
        const blo = s.xlo[n] as number;
        const bhi = s.xhi[n] as number;
        const al = addrLo(s, blo, off, m, sh);
        const ah = addrHi(s, bhi, m, ext, sh);
        const v = load32(s.mem, al, ah);
        s.xlo[t] = v;
        s.xhi[t] = v >> 31;
        if (wb) wback(s, n, blo, bhi, wbo);
      };
    case K_LDRSBW:
      return (s) => {
        const blo = s.xlo[n] as number;
        const bhi = s.xhi[n] as number;
        const al = addrLo(s, blo, off, m, sh);
        const ah = addrHi(s, bhi, m, ext, sh);
        s.xlo[t] = (load8(s.mem, al, ah) << 24) >> 24;
        s.xhi[t] = 0;
        if (wb) wback(s, n, blo, bhi, wbo);
      };
    case K_LDRSBW + 1:
      return (s) => {
        const blo = s.xlo[n] as number;
        const bhi = s.xhi[n] as number;
        const al = addrLo(s, blo, off, m, sh);
        const ah = addrHi(s, bhi, m, ext, sh);
        s.xlo[t] = (load16(s.mem, al, ah) << 16) >> 16;
        s.xhi[t] = 0;
        if (wb) wback(s, n, blo, bhi, wbo);
      };
    case K_PRFM:
      return () => {};
    case K_STB:
      return (s) => {
        const blo = s.xlo[n] as number;
        const bhi = s.xhi[n] as number;
        const al = addrLo(s, blo, off, m, sh);
        const ah = addrHi(s, bhi, m, ext, sh);
        store8(s.mem, al, ah, s.vb[vt * 4] as number);
        if (wb) wback(s, n, blo, bhi, wbo);
      };
    case K_STB + 1:
      return (s) => {
        const blo = s.xlo[n] as number;
        const bhi = s.xhi[n] as number;
        const al = addrLo(s, blo, off, m, sh);
        const ah = addrHi(s, bhi, m, ext, sh);
        store16(s.mem, al, ah, s.vh[vt * 2] as number);
        if (wb) wback(s, n, blo, bhi, wbo);
      };
    case K_STB + 2:
      return (s) => {
        const blo = s.xlo[n] as number;
        const bhi = s.xhi[n] as number;
        const al = addrLo(s, blo, off, m, sh);
        const ah = addrHi(s, bhi, m, ext, sh);
        store32(s.mem, al, ah, s.vi[vt] as number);
        if (wb) wback(s, n, blo, bhi, wbo);
      };
    case K_STB + 3:
      return (s) => {
        const blo = s.xlo[n] as number;
        const bhi = s.xhi[n] as number;
        const al = addrLo(s, blo, off, m, sh);
        const ah = addrHi(s, bhi, m, ext, sh);
        store64(s.mem, al, ah, s.vi[vt] as number, s.vi[vt + 1] as number);
        if (wb) wback(s, n, blo, bhi, wbo);
      };
    case K_STQ:
      return (s) => {
        const blo = s.xlo[n] as number;
        const bhi = s.xhi[n] as number;
        const al = addrLo(s, blo, off, m, sh);
        const ah = addrHi(s, bhi, m, ext, sh);
        const vi = s.vi;
        const mem = s.mem;
        const v = fastView(mem.fastWriteTag, mem.fastWriteView, al, ah, 16);
        if (v !== null) {
          const o = al & PAGE_MASK;
          v.setInt32(o, vi[vt] as number, true);
          v.setInt32(o + 4, vi[vt + 1] as number, true);
          v.setInt32(o + 8, vi[vt + 2] as number, true);
          v.setInt32(o + 12, vi[vt + 3] as number, true);
        } else {
          const a = ea(0, ah, al);
          mem.st64(a, vi[vt] as number, vi[vt + 1] as number);
          mem.st64(a + 8, vi[vt + 2] as number, vi[vt + 3] as number);
        }
        if (wb) wback(s, n, blo, bhi, wbo);
      };
    case K_LDB:
      return (s) => {
        const blo = s.xlo[n] as number;
        const bhi = s.xhi[n] as number;
        const al = addrLo(s, blo, off, m, sh);
        const ah = addrHi(s, bhi, m, ext, sh);
        const v = load8(s.mem, al, ah);
        const vi = s.vi;
        vi[vt] = v;
        vi[vt + 1] = 0;
        vi[vt + 2] = 0;
        vi[vt + 3] = 0;
        if (wb) wback(s, n, blo, bhi, wbo);
      };
    case K_LDB + 1:
      return (s) => {
        const blo = s.xlo[n] as number;
        const bhi = s.xhi[n] as number;
        const al = addrLo(s, blo, off, m, sh);
        const ah = addrHi(s, bhi, m, ext, sh);
        const v = load16(s.mem, al, ah);
        const vi = s.vi;
        vi[vt] = v;
        vi[vt + 1] = 0;
        vi[vt + 2] = 0;
        vi[vt + 3] = 0;
        if (wb) wback(s, n, blo, bhi, wbo);
      };
    case K_LDB + 2:
      return (s) => {
        const blo = s.xlo[n] as number;
        const bhi = s.xhi[n] as number;
        const al = addrLo(s, blo, off, m, sh);
        const ah = addrHi(s, bhi, m, ext, sh);
        const v = load32(s.mem, al, ah);
        const vi = s.vi;
        vi[vt] = v;
        vi[vt + 1] = 0;
        vi[vt + 2] = 0;
        vi[vt + 3] = 0;
        if (wb) wback(s, n, blo, bhi, wbo);
      };
    case K_LDB + 3:
      return (s) => {
        const blo = s.xlo[n] as number;
        const bhi = s.xhi[n] as number;
        const mem = s.mem;
        const al = addrLo(s, blo, off, m, sh);
        const ah = addrHi(s, bhi, m, ext, sh);
        const lo = load64(mem, al, ah);
        const vi = s.vi;
        vi[vt] = lo;
        vi[vt + 1] = mem.hi;
        vi[vt + 2] = 0;
        vi[vt + 3] = 0;
        if (wb) wback(s, n, blo, bhi, wbo);
      };
    case K_LDQ:
      return (s) => {
        const blo = s.xlo[n] as number;
        const bhi = s.xhi[n] as number;
        const al = addrLo(s, blo, off, m, sh);
        const ah = addrHi(s, bhi, m, ext, sh);
        const mem = s.mem;
        const v = fastView(mem.fastReadTag, mem.fastReadView, al, ah, 16);
        if (v !== null) loadVecView(s, v, al & PAGE_MASK, t, 4);
        else loadVec(s, ea(0, ah, al), t, 4);
        if (wb) wback(s, n, blo, bhi, wbo);
      };
  }
  throw new Error(`ldst: no op for access kind ${k}`);
}

/** GPR number of Rt for kind k: loads of Rt = 31 go to the sink, stores read the zero register. */
export function gprT(k: number, t: number): number {
  if (t !== 31 || k >= K_STB || k === K_PRFM) return t;
  return (KINFO[k] as KindInfo).ld ? ZR_W : ZR;
}

/** Literal loads: the address is known at decode time (X[ZR] = 0 plus the address). */
function literalOp(k: number, t: number, a: number): Op {
  if (k === K_PRFM) return () => {};
  return accessOp(k, gprT(k, t), ZR, a, false, 0, -1, 0, 0);
}

// ---- defs: single register -----------------------------------------------------------------------

type Mode = 'uimm' | 'unscaled' | 'post' | 'unpriv' | 'pre';

function immDef(id: string, mode: Mode, idx: string): InsnDef {
  const infix = mode === 'unscaled' ? 'ur' : mode === 'unpriv' ? 'tr' : 'r';
  const offOf = (f: Fields, k: number): number =>
    mode === 'uimm' ? (f.imm12 as number) * 2 ** (KINFO[k] as KindInfo).scale : signExtend(f.imm9 as number, 9);
  return insn({
    id,
    cls: 'ldst',
    pattern:
      mode === 'uimm'
        ? 'size:2 111 v:1 01 opc:2 imm12:12 rn:5 rt:5'
        : `size:2 111 v:1 00 opc:2 0 imm9:9 ${idx} rn:5 rt:5`,
    when: (f) => {
      const k = kindF(f);
      if (k < 0) return false;
      if (mode === 'post' || mode === 'pre') return k !== K_PRFM;
      if (mode === 'unpriv') return k < K_PRFM;
      return true;
    },
    disasm: (f) => {
      const k = kindF(f);
      const off = offOf(f, k);
      const n = f.rn as number;
      const am = mode === 'post' ? amPost(n, off) : mode === 'pre' ? amPre(n, off) : amOff(n, off);
      return `${mnem(k, infix)} ${regName((KINFO[k] as KindInfo).reg, rt(f))}, ${am}`;
    },
    exec: (f) => {
      const k = kindF(f);
      const off = offOf(f, k);
      const n = f.rn === 31 ? SP : (f.rn as number);
      const t = gprT(k, rt(f));
      if (mode === 'post') return accessOp(k, t, n, 0, true, off, -1, 0, 0);
      if (mode === 'pre') return accessOp(k, t, n, off, true, off, -1, 0, 0);
      return accessOp(k, t, n, off, false, 0, -1, 0, 0);
    },
  });
}

const RPRFOP: Record<number, string> = { 0: 'pldkeep', 1: 'pstkeep', 4: 'pldstrm', 5: 'pststrm' };
const EXT_NAMES: Record<number, string> = { 2: 'uxtw', 3: 'lsl', 6: 'sxtw', 7: 'sxtx' };

const regOffsetDef: InsnDef = insn({
  id: 'LDST_reg',
  cls: 'ldst',
  pattern: 'size:2 111 v:1 00 opc:2 1 rm:5 option:3 S:1 10 rn:5 rt:5',
  when: (f) => ((f.option as number) & 2) !== 0 && kindF(f) >= 0,
  disasm: (f) => {
    const k = kindF(f);
    const ki = KINFO[k] as KindInfo;
    const opt = f.option as number;
    const m = f.rm as number;
    if (k === K_PRFM && rt(f) >= 24) {
      // LLVM 16 prints these PRFM (register) encodings as the v8.9 range prefetch (a no-op here too).
      const op = ((opt >> 2) << 5) | ((opt & 1) << 4) | ((f.S as number) << 3) | (rt(f) & 7);
      return `rprfm ${RPRFOP[op] ?? imm(op)}, ${xr(m)}, [${base(f.rn as number)}]`;
    }
    const rmName = opt & 1 ? xr(m) : wr(m);
    let ext = '';
    if (opt === EXT_LSL) ext = f.S ? `, lsl #${ki.scale}` : '';
    else ext = `, ${EXT_NAMES[opt]}${f.S ? ` #${ki.scale}` : ''}`;
    return `${mnem(k, 'r')} ${regName(ki.reg, rt(f))}, [${base(f.rn as number)}, ${rmName}${ext}]`;
  },
  exec: (f) => {
    const k = kindF(f);
    const n = f.rn === 31 ? SP : (f.rn as number);
    const m = f.rm === 31 ? ZR : (f.rm as number);
    const sh = f.S ? (KINFO[k] as KindInfo).scale : 0;
    return accessOp(k, gprT(k, rt(f)), n, 0, false, 0, m, f.option as number, sh);
  },
});

const LIT_KINDS = [
  [K_LDRB + 2, K_LDRB + 3, K_LDRSBX + 2, K_PRFM],
  [K_LDB + 2, K_LDB + 3, K_LDQ, -1],
];

const literalDef: InsnDef = insn({
  id: 'LDR_lit',
  cls: 'ldst',
  pattern: 'opc:2 011 v:1 00 imm19:19 rt:5',
  when: (f) => !(f.v === 1 && f.opc === 3),
  disasm: (f, a, ctx) => {
    const k = (LIT_KINDS[f.v as number] as number[])[f.opc as number] as number;
    const name = k === K_PRFM ? 'prfm' : mnem(k, 'r');
    return `${name} ${regName((KINFO[k] as KindInfo).reg, rt(f))}, ${litText(litTarget(a, f.imm19 as number), ctx?.symbolize)}`;
  },
  exec: (f, a) => {
    const k = (LIT_KINDS[f.v as number] as number[])[f.opc as number] as number;
    return literalOp(k, rt(f), litTarget(a, f.imm19 as number));
  },
});

// ---- pairs ---------------------------------------------------------------------------------------

export const P_W = 0;
export const P_SW = 1;
export const P_X = 2;
export const P_S = 3;
export const P_D = 4;
export const P_Q = 5;
export const PSCALE = [2, 2, 3, 2, 3, 4];
const PREG = ['w', 'x', 'x', 's', 'd', 'q'];

/** Pair kind from opc/V/L/index, -1 when unallocated (STGP, LDNPSW, opc = 3). */
export function pairKind(f: Fields, nt: boolean): number {
  const opc = f.opc as number;
  if (opc === 3) return -1;
  if (f.v === 1) return P_S + opc;
  if (opc === 1) return f.L === 1 && !nt ? P_SW : -1;
  return opc === 0 ? P_W : P_X;
}

function pairOp(pk: number, ld: boolean, t: number, t2: number, n: number, off: number, wb: boolean, wbo: number): Op {
  const bytes = 1 << (PSCALE[pk] as number);
  // Both registers' accesses go to the page's view when the whole pair sits in one page of the fast
  // TLB; otherwise Memory's methods do them one after the other (a fault in the second leaves the
  // first done, as QEMU).
  const span = 2 * bytes;
  if (!ld) {
    switch (pk) {
      case P_W:
        return (s) => {
          const blo = s.xlo[n] as number;
          const bhi = s.xhi[n] as number;
          const al = (blo >>> 0) + off;
          const ah = bhi;
          const mem = s.mem;
          const v = fastView(mem.fastWriteTag, mem.fastWriteView, al, ah, span);
          if (v !== null) {
            const o = al & PAGE_MASK;
            v.setInt32(o, s.xlo[t] as number, true);
            v.setInt32(o + 4, s.xlo[t2] as number, true);
          } else {
            const a = ea(0, ah, al);
            mem.st32(a, s.xlo[t] as number);
            mem.st32(a + 4, s.xlo[t2] as number);
          }
          if (wb) wback(s, n, blo, bhi, wbo);
        };
      case P_X:
        return (s) => {
          const blo = s.xlo[n] as number;
          const bhi = s.xhi[n] as number;
          const al = (blo >>> 0) + off;
          const ah = bhi;
          const mem = s.mem;
          const v = fastView(mem.fastWriteTag, mem.fastWriteView, al, ah, span);
          if (v !== null) {
            const o = al & PAGE_MASK;
            v.setInt32(o, s.xlo[t] as number, true);
            v.setInt32(o + 4, s.xhi[t] as number, true);
            v.setInt32(o + 8, s.xlo[t2] as number, true);
            v.setInt32(o + 12, s.xhi[t2] as number, true);
          } else {
            const a = ea(0, ah, al);
            mem.st64(a, s.xlo[t] as number, s.xhi[t] as number);
            mem.st64(a + 8, s.xlo[t2] as number, s.xhi[t2] as number);
          }
          if (wb) wback(s, n, blo, bhi, wbo);
        };
      default: {
        // S, D, Q: `words` int32 words of each register, from V[t] then V[t2].
        const words = bytes / 4;
        return (s) => {
          const blo = s.xlo[n] as number;
          const bhi = s.xhi[n] as number;
          const al = (blo >>> 0) + off;
          const ah = bhi;
          const vi = s.vi;
          const mem = s.mem;
          const v = fastView(mem.fastWriteTag, mem.fastWriteView, al, ah, span);
          if (v !== null) {
            const o = al & PAGE_MASK;
            for (let k = 0; k < words; k++) {
              v.setInt32(o + 4 * k, vi[t * 4 + k] as number, true);
              v.setInt32(o + bytes + 4 * k, vi[t2 * 4 + k] as number, true);
            }
          } else {
            const a = ea(0, ah, al);
            if (words === 1) {
              mem.st32(a, vi[t * 4] as number);
              mem.st32(a + 4, vi[t2 * 4] as number);
            } else if (words === 2) {
              mem.st64(a, vi[t * 4] as number, vi[t * 4 + 1] as number);
              mem.st64(a + 8, vi[t2 * 4] as number, vi[t2 * 4 + 1] as number);
            } else {
              mem.st64(a, vi[t * 4] as number, vi[t * 4 + 1] as number);
              mem.st64(a + 8, vi[t * 4 + 2] as number, vi[t * 4 + 3] as number);
              mem.st64(a + 16, vi[t2 * 4] as number, vi[t2 * 4 + 1] as number);
              mem.st64(a + 24, vi[t2 * 4 + 2] as number, vi[t2 * 4 + 3] as number);
            }
          }
          if (wb) wback(s, n, blo, bhi, wbo);
        };
      }
    }
  }
  switch (pk) {
    case P_W:
    case P_SW: {
      const signed = pk === P_SW;
      return (s) => {
        const blo = s.xlo[n] as number;
        const bhi = s.xhi[n] as number;
        const al = (blo >>> 0) + off;
        const ah = bhi;
        const mem = s.mem;
        const v = fastView(mem.fastReadTag, mem.fastReadView, al, ah, span);
        let v0: number;
        let v1: number;
        if (v !== null) {
          const o = al & PAGE_MASK;
          v0 = v.getInt32(o, true);
          v1 = v.getInt32(o + 4, true);
        } else {
          const a = ea(0, ah, al);
          v0 = mem.ld32(a);
          v1 = mem.ld32(a + 4);
        }
        s.xlo[t2] = v1;
        s.xhi[t2] = signed ? v1 >> 31 : 0;
        s.xlo[t] = v0;
        s.xhi[t] = signed ? v0 >> 31 : 0;
        if (wb) wback(s, n, blo, bhi, wbo);
      };
    }
    case P_X:
      return (s) => {
        const blo = s.xlo[n] as number;
        const bhi = s.xhi[n] as number;
        const al = (blo >>> 0) + off;
        const ah = bhi;
        const mem = s.mem;
        const v = fastView(mem.fastReadTag, mem.fastReadView, al, ah, span);
        let lo0: number;
        let hi0: number;
        let lo1: number;
        let hi1: number;
        if (v !== null) {
          const o = al & PAGE_MASK;
          lo0 = v.getInt32(o, true);
          hi0 = v.getInt32(o + 4, true);
          lo1 = v.getInt32(o + 8, true);
          hi1 = v.getInt32(o + 12, true);
        } else {
          const a = ea(0, ah, al);
          lo0 = mem.ld64(a);
          hi0 = mem.hi;
          lo1 = mem.ld64(a + 8);
          hi1 = mem.hi;
        }
        s.xlo[t2] = lo1;
        s.xhi[t2] = hi1;
        s.xlo[t] = lo0;
        s.xhi[t] = hi0;
        if (wb) wback(s, n, blo, bhi, wbo);
      };
    case P_S:
    case P_D:
    case P_Q: {
      // QEMU order: Rt is written after the first load, Rt2 after the second.
      const words = bytes / 4;
      return (s) => {
        const blo = s.xlo[n] as number;
        const bhi = s.xhi[n] as number;
        const al = (blo >>> 0) + off;
        const ah = bhi;
        const mem = s.mem;
        const v = fastView(mem.fastReadTag, mem.fastReadView, al, ah, span);
        if (v !== null) {
          const o = al & PAGE_MASK;
          loadVecView(s, v, o, t, words);
          loadVecView(s, v, o + bytes, t2, words);
        } else {
          const a = ea(0, ah, al);
          loadVec(s, a, t, words);
          loadVec(s, a + bytes, t2, words);
        }
        if (wb) wback(s, n, blo, bhi, wbo);
      };
    }
  }
  throw new Error(`ldst: no pair op for kind ${pk}`);
}

/** Loads 1, 2 or 4 words into V[t], zeroing the rest of the register. */
function loadVec(s: CpuState, a: number, t: number, words: number): void {
  const mem = s.mem;
  const vi = s.vi;
  const i = t * 4;
  if (words === 1) {
    vi[i] = mem.ld32(a);
    vi[i + 1] = 0;
    vi[i + 2] = 0;
    vi[i + 3] = 0;
  } else if (words === 2) {
    vi[i] = mem.ld64(a);
    vi[i + 1] = mem.hi;
    vi[i + 2] = 0;
    vi[i + 3] = 0;
  } else {
    const lo0 = mem.ld64(a);
    const hi0 = mem.hi;
    const lo1 = mem.ld64(a + 8);
    vi[i] = lo0;
    vi[i + 1] = hi0;
    vi[i + 2] = lo1;
    vi[i + 3] = mem.hi;
  }
}

/** loadVec from a page's view at `off` (the access checked and inside the page). */
function loadVecView(s: CpuState, v: DataView, off: number, t: number, words: number): void {
  const vi = s.vi;
  const i = t * 4;
  vi[i] = v.getInt32(off, true);
  vi[i + 1] = words >= 2 ? v.getInt32(off + 4, true) : 0;
  vi[i + 2] = words === 4 ? v.getInt32(off + 8, true) : 0;
  vi[i + 3] = words === 4 ? v.getInt32(off + 12, true) : 0;
}

function pairDef(id: string, idx: string, mode: 'nt' | 'post' | 'off' | 'pre'): InsnDef {
  const offOf = (f: Fields, pk: number): number => signExtend(f.imm7 as number, 7) * 2 ** (PSCALE[pk] as number);
  return insn({
    id,
    cls: 'ldst-pair',
    pattern: `opc:2 101 v:1 0 ${idx} L:1 imm7:7 rt2:5 rn:5 rt:5`,
    when: (f) => pairKind(f, mode === 'nt') >= 0,
    disasm: (f) => {
      const pk = pairKind(f, mode === 'nt');
      const ld = f.L === 1;
      const name = (ld ? 'ld' : 'st') + (mode === 'nt' ? 'np' : 'p') + (pk === P_SW ? 'sw' : '');
      const reg = PREG[pk] as string;
      const off = offOf(f, pk);
      const n = f.rn as number;
      const am = mode === 'post' ? amPost(n, off) : mode === 'pre' ? amPre(n, off) : amOff(n, off);
      return `${name} ${regName(reg, rt(f))}, ${regName(reg, f.rt2 as number)}, ${am}`;
    },
    exec: (f) => {
      const pk = pairKind(f, mode === 'nt');
      const ld = f.L === 1;
      const off = offOf(f, pk);
      const n = f.rn === 31 ? SP : (f.rn as number);
      const map = (r: number): number => (pk >= P_S || r !== 31 ? r : ld ? ZR_W : ZR);
      const t = map(rt(f));
      const t2 = map(f.rt2 as number);
      if (mode === 'post') return pairOp(pk, ld, t, t2, n, 0, true, off);
      if (mode === 'pre') return pairOp(pk, ld, t, t2, n, off, true, off);
      return pairOp(pk, ld, t, t2, n, off, false, 0);
    },
  });
}

// ---- exclusives, acquire/release -----------------------------------------------------------------

const SZ_SFX = ['b', 'h', '', ''];
const szReg = (size: number, t: number): string => (size === 3 ? xr(t) : wr(t));

/**
 * Misaligned exclusive access. Unicorn first checks that the start address is mapped and readable
 * (the load half of its compare-and-swap, for stores too), then raises the alignment fault.
 */
function misaligned(s: CpuState, access: 'read' | 'write', a: number, bytes: number, pc: number): never {
  s.mem.readPage(a, bytes);
  throw new AlignmentFault(access, a, bytes, pc);
}

/**
 * Does a store-exclusive at `a` (register halves blo/bhi) hit the monitor? QEMU's "no monitor"
 * value is the address 2^64 - 1, so a store-exclusive to that address tries (and faults).
 */
function monitorHit(s: CpuState, a: number, blo: number, bhi: number): boolean {
  return a === s.exclAddr || (s.exclAddr === -1 && (blo & bhi) === -1);
}

function ldxrOp(size: number, t: number, n: number, pc: number): Op {
  const bytes = 1 << size;
  return (s) => {
    const a = ea(s.xlo[n] as number, s.xhi[n] as number, 0);
    if ((a & (bytes - 1)) !== 0) misaligned(s, 'read', a, bytes, pc);
    const mem = s.mem;
    let lo: number;
    let hi = 0;
    if (size === 0) lo = mem.ld8(a);
    else if (size === 1) lo = mem.ld16(a);
    else if (size === 2) lo = mem.ld32(a);
    else {
      lo = mem.ld64(a);
      hi = mem.hi;
    }
    s.exclLo = lo;
    s.exclHi = hi;
    s.exclAddr = a;
    s.exclSize = bytes;
    s.xlo[t] = lo;
    s.xhi[t] = hi;
  };
}

function stxrOp(size: number, st: number, t: number, n: number, pc: number): Op {
  const bytes = 1 << size;
  return (s) => {
    const blo = s.xlo[n] as number;
    const bhi = s.xhi[n] as number;
    const a = ea(blo, bhi, 0);
    let status = 1;
    if (monitorHit(s, a, blo, bhi)) {
      if ((a & (bytes - 1)) !== 0) misaligned(s, 'write', a, bytes, pc);
      // QEMU's compare-and-swap: memory is compared at the store's size with the monitor value,
      // written back either way; success needs the zero-extended old value to equal it fully.
      const mem = s.mem;
      const nlo = s.xlo[t] as number;
      if (size === 3) {
        const olo = mem.ld64(a);
        const ohi = mem.hi;
        const ok = olo === s.exclLo && ohi === s.exclHi;
        if (ok) mem.st64(a, nlo, s.xhi[t] as number);
        else mem.st64(a, olo, ohi);
        status = ok ? 0 : 1;
      } else {
        const old = size === 0 ? mem.ld8(a) : size === 1 ? mem.ld16(a) : mem.ld32(a);
        const mask = size === 0 ? 0xff : size === 1 ? 0xffff : -1;
        const v = (old & mask) === (s.exclLo & mask) ? nlo : old;
        if (size === 0) mem.st8(a, v);
        else if (size === 1) mem.st16(a, v);
        else mem.st32(a, v);
        status = old === s.exclLo && s.exclHi === 0 ? 0 : 1;
      }
    }
    s.xlo[st] = status;
    s.xhi[st] = 0;
    s.exclAddr = -1;
  };
}

function ldxpOp(sz: number, t: number, t2: number, n: number, pc: number): Op {
  const align = sz === 1 ? 16 : 8;
  return (s) => {
    const a = ea(s.xlo[n] as number, s.xhi[n] as number, 0);
    if ((a & (align - 1)) !== 0) misaligned(s, 'read', a, align, pc);
    const mem = s.mem;
    const lo = mem.ld64(a);
    const hi = mem.hi;
    if (sz === 1) {
      const lo2 = mem.ld64(a + 8);
      const hi2 = mem.hi;
      s.exclLo2 = lo2;
      s.exclHi2 = hi2;
      s.xlo[t] = lo;
      s.xhi[t] = hi;
      s.xlo[t2] = lo2;
      s.xhi[t2] = hi2;
    } else {
      s.xlo[t] = lo;
      s.xhi[t] = 0;
      s.xlo[t2] = hi;
      s.xhi[t2] = 0;
    }
    s.exclLo = lo;
    s.exclHi = hi;
    s.exclAddr = a;
    s.exclSize = align;
  };
}

function stxpOp(sz: number, st: number, t: number, t2: number, n: number, pc: number): Op {
  const align = sz === 1 ? 16 : 8;
  return (s) => {
    const blo = s.xlo[n] as number;
    const bhi = s.xhi[n] as number;
    const a = ea(blo, bhi, 0);
    let status = 1;
    if (monitorHit(s, a, blo, bhi)) {
      if ((a & (align - 1)) !== 0) misaligned(s, 'write', a, align, pc);
      const mem = s.mem;
      if (sz === 1) {
        // Paired compare: both doublewords must match; nothing is written on failure.
        const o0 = mem.ld64(a);
        const h0 = mem.hi;
        const o1 = mem.ld64(a + 8);
        const h1 = mem.hi;
        if (o0 === s.exclLo && h0 === s.exclHi && o1 === s.exclLo2 && h1 === s.exclHi2) {
          mem.st64(a, s.xlo[t] as number, s.xhi[t] as number);
          mem.st64(a + 8, s.xlo[t2] as number, s.xhi[t2] as number);
          status = 0;
        }
      } else {
        const olo = mem.ld64(a);
        const ohi = mem.hi;
        const ok = olo === s.exclLo && ohi === s.exclHi;
        if (ok) mem.st64(a, s.xlo[t] as number, s.xlo[t2] as number);
        else mem.st64(a, olo, ohi);
        status = ok ? 0 : 1;
      }
    }
    s.xlo[st] = status;
    s.xhi[st] = 0;
    s.exclAddr = -1;
  };
}

const ldW = (r: number): number => (r === 31 ? ZR_W : r);
const stR = (r: number): number => (r === 31 ? ZR : r);
const baseReg = (f: Fields): number => (f.rn === 31 ? SP : (f.rn as number));

const exclDefs: InsnDef[] = [
  insn({
    id: 'STXR',
    cls: 'ldst-excl',
    pattern: 'size:2 001000 000 rs:5 o0:1 xxxxx rn:5 rt:5',
    disasm: (f) =>
      `st${f.o0 ? 'l' : ''}xr${SZ_SFX[f.size as number]} ${wr(f.rs as number)}, ${szReg(f.size as number, rt(f))}, [${base(f.rn as number)}]`,
    exec: (f, a) => stxrOp(f.size as number, ldW(f.rs as number), stR(rt(f)), baseReg(f), a),
  }),
  insn({
    id: 'LDXR',
    cls: 'ldst-excl',
    pattern: 'size:2 001000 010 xxxxx o0:1 xxxxx rn:5 rt:5',
    disasm: (f) =>
      `ld${f.o0 ? 'a' : ''}xr${SZ_SFX[f.size as number]} ${szReg(f.size as number, rt(f))}, [${base(f.rn as number)}]`,
    exec: (f, a) => ldxrOp(f.size as number, ldW(rt(f)), baseReg(f), a),
  }),
  insn({
    id: 'STXP',
    cls: 'ldst-excl',
    pattern: '1 sz:1 001000 001 rs:5 o0:1 rt2:5 rn:5 rt:5',
    disasm: (f) =>
      `st${f.o0 ? 'l' : ''}xp ${wr(f.rs as number)}, ${szReg(2 + (f.sz as number), rt(f))}, ${szReg(2 + (f.sz as number), f.rt2 as number)}, [${base(f.rn as number)}]`,
    exec: (f, a) => stxpOp(f.sz as number, ldW(f.rs as number), stR(rt(f)), stR(f.rt2 as number), baseReg(f), a),
  }),
  insn({
    id: 'LDXP',
    cls: 'ldst-excl',
    pattern: '1 sz:1 001000 011 xxxxx o0:1 rt2:5 rn:5 rt:5',
    disasm: (f) =>
      `ld${f.o0 ? 'a' : ''}xp ${szReg(2 + (f.sz as number), rt(f))}, ${szReg(2 + (f.sz as number), f.rt2 as number)}, [${base(f.rn as number)}]`,
    exec: (f, a) => ldxpOp(f.sz as number, ldW(rt(f)), ldW(f.rt2 as number), baseReg(f), a),
  }),
  insn({
    id: 'STLR',
    cls: 'ldst-excl',
    pattern: 'size:2 001000 100 xxxxx 1 xxxxx rn:5 rt:5',
    disasm: (f) => `stlr${SZ_SFX[f.size as number]} ${szReg(f.size as number, rt(f))}, [${base(f.rn as number)}]`,
    exec: (f) => accessOp(K_STRB + (f.size as number), stR(rt(f)), baseReg(f), 0, false, 0, -1, 0, 0),
  }),
  insn({
    id: 'LDAR',
    cls: 'ldst-excl',
    pattern: 'size:2 001000 110 xxxxx 1 xxxxx rn:5 rt:5',
    disasm: (f) => `ldar${SZ_SFX[f.size as number]} ${szReg(f.size as number, rt(f))}, [${base(f.rn as number)}]`,
    exec: (f) => accessOp(K_LDRB + (f.size as number), ldW(rt(f)), baseReg(f), 0, false, 0, -1, 0, 0),
  }),
];

export const defs: InsnDef[] = [
  literalDef,
  immDef('LDST_uimm', 'uimm', ''),
  immDef('LDST_unscaled', 'unscaled', '00'),
  immDef('LDST_post', 'post', '01'),
  immDef('LDST_unpriv', 'unpriv', '10'),
  immDef('LDST_pre', 'pre', '11'),
  regOffsetDef,
  pairDef('LDSTNP', '00', 'nt'),
  pairDef('LDSTP_post', '01', 'post'),
  pairDef('LDSTP_off', '10', 'off'),
  pairDef('LDSTP_pre', '11', 'pre'),
  ...exclDefs,
];
