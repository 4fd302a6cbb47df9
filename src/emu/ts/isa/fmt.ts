/** Shared pieces of llvm-objdump-style disassembly text. */

export const COND = ['eq', 'ne', 'hs', 'lo', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv'];
export const SHIFT = ['lsl', 'lsr', 'asr', 'ror'];
export const EXTEND = ['uxtb', 'uxth', 'uxtw', 'uxtx', 'sxtb', 'sxth', 'sxtw', 'sxtx'];

/** X register name; `sp` selects SP vs XZR for register number 31. */
export function xr(n: number, sp = false): string {
  if (n === 31) return sp ? 'sp' : 'xzr';
  if (n === 30) return 'x30';
  if (n === 29) return 'x29';
  return `x${n}`;
}

export function wr(n: number, sp = false): string {
  if (n === 31) return sp ? 'wsp' : 'wzr';
  return `w${n}`;
}

/** Register by size flag (sf=1 → X). */
export function rr(sf: number, n: number, sp = false): string {
  return sf ? xr(n, sp) : wr(n, sp);
}

/** `#0x..` immediate as llvm-objdump prints it (hex, negative values with a minus sign). */
export function imm(v: number | bigint): string {
  if (typeof v === 'bigint') return v < 0n ? `#-0x${(-v).toString(16)}` : `#0x${v.toString(16)}`;
  return v < 0 ? `#-0x${(-v).toString(16)}` : `#0x${v.toString(16)}`;
}

/** Branch/literal target: absolute address, optionally symbolized. */
export function target(address: number, symbolize?: (a: number) => string | undefined): string {
  const hex = `0x${address.toString(16)}`;
  const sym = symbolize?.(address);
  return sym ? `${hex} <${sym}>` : hex;
}

export function signExtend(value: number, bits: number): number {
  const shift = 32 - bits;
  return bits >= 32 ? value | 0 : (value << shift) >> shift;
}
