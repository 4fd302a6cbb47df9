/**
 * Helpers shared by instruction semantics: 64-bit values live in two int32 halves (lo, hi).
 * Results of helpers that produce a pair leave the high half in `R.hi` to avoid allocation.
 */
import type { CpuState } from '../state.ts';

export const TWO32 = 4294967296;

/** Scratch for pair-returning helpers: `lo = fn(...)`, then read `R.hi`. */
export const R = { hi: 0 };

/** Register value as an address (number). Exact below 2^53; higher values are never mapped. */
export function addrOf(s: CpuState, r: number): number {
  return ((s.xhi[r] as number) >>> 0) * TWO32 + ((s.xlo[r] as number) >>> 0);
}

/** Address plus a signed offset (offset a safe integer), wrapping at 2^64 like the hardware. */
export function addrAdd(base: number, off: number): number {
  const a = base + off;
  if (a >= 0 && a < 2 ** 53) return a;
  // Wrap-around or precision loss: recompute exactly (rare, off the hot path).
  const v = (BigInt(Math.round(base)) + BigInt(off)) & 0xffffffffffffffffn;
  return Number(v);
}

/** Set a 64-bit register from a number that fits in 53 bits (non-negative). */
export function setXNum(s: CpuState, r: number, v: number): void {
  s.xlo[r] = v % TWO32;
  s.xhi[r] = Math.floor(v / TWO32);
}

/** Write a W register: the upper half is zeroed. */
export function setW(s: CpuState, r: number, v: number): void {
  s.xlo[r] = v;
  s.xhi[r] = 0;
}
