/**
 * Executor addresses and symbol definitions as both sides see them (the controller's ORC core
 * re-exports these; the executor defines its host functions with them).
 */

/** An address in the executor (emulated process). A safe integer below 2^52. */
export type ExecutorAddr = number;

/** Largest executor address the ORC layer accepts (exclusive). */
export const MAX_EXECUTOR_ADDR = 2 ** 52;

/**
 * Symbol flags, bit-compatible with LLVM's `JITSymbolFlags` (so they serialize as-is in SPS):
 * HasError 1, Weak 2, Common 4, Absolute 8, Exported 16, Callable 32, MaterializationSideEffectsOnly 64.
 */
export const JITSymbolFlags = {
  None: 0,
  HasError: 1 << 0,
  Weak: 1 << 1,
  Common: 1 << 2,
  Absolute: 1 << 3,
  Exported: 1 << 4,
  Callable: 1 << 5,
  MaterializationSideEffectsOnly: 1 << 6,
} as const;
export type SymbolFlags = number;

/** A symbol's definition as seen by clients: its address and flags. */
export interface ExecutorSymbolDef {
  address: ExecutorAddr;
  flags: SymbolFlags;
}

/** name → definition (lookup results, notifyResolved arguments). */
export type SymbolMap = Map<string, ExecutorSymbolDef>;

export function checkExecutorAddr(a: number | bigint, what = 'address'): ExecutorAddr {
  const n = typeof a === 'bigint' ? Number(a) : a;
  if (typeof a === 'bigint' && (a < 0n || a >= BigInt(MAX_EXECUTOR_ADDR))) {
    throw new RangeError(`${what} 0x${a.toString(16)} is outside the executor address range (below 2^52)`);
  }
  if (!Number.isSafeInteger(n) || n < 0 || n >= MAX_EXECUTOR_ADDR) {
    throw new RangeError(`${what} ${String(a)} is outside the executor address range (below 2^52)`);
  }
  return n;
}
