/**
 * The engine interface, modelled on Unicorn's API. Two implementations: `ts` (our own emulator)
 * and `unicorn` (native Unicorn 2 through koffi, the oracle). Addresses are JS numbers (safe
 * integers, below 2^53); 64-bit register values are bigints at this boundary only.
 */
import type { AccessKind, FaultKind } from './errors.ts';

/**
 * Page permission: no access (a guard page). Permissions combine as bit masks: `PROT_READ | PROT_WRITE`.
 */
export const PROT_NONE = 0;
/** Page permission: guest loads may read the page. */
export const PROT_READ = 1;
/** Page permission: guest stores may write the page. */
export const PROT_WRITE = 2;
/** Page permission: the page may be fetched and executed. */
export const PROT_EXEC = 4;
/** Page permission: read, write and execute (`PROT_READ | PROT_WRITE | PROT_EXEC`). */
export const PROT_ALL = 7;
/** Granule of memMap/memProtect/memUnmap: addresses and sizes are multiples of 4096. */
export const PAGE_SIZE = 4096;

/** Unicorn/QEMU exception numbers passed to interrupt hooks. */
export const INTNO_UDEF = 1;
/** Exception number of `svc #imm` (a system call), as Unicorn reports it to `intr` hooks. */
export const INTNO_SVC = 2;
/** Exception number of `brk #imm` (a software breakpoint), as Unicorn reports it. */
export const INTNO_BRK = 7;
/** Exception number of `hvc #imm`, as Unicorn reports it. */
export const INTNO_HVC = 11;

/**
 * Which engine: 'ts' (pure TypeScript, always available) or 'unicorn' (libunicorn2 through koffi).
 */
export type EngineKind = 'ts' | 'unicorn';

/**
 * A general-purpose register name: x0–x30, w0–w30 (low 32 bits), sp/wsp, pc, lr (x30), fp (x29), xzr/wzr.
 */
export type GprName = `x${number}` | `w${number}` | 'sp' | 'wsp' | 'pc' | 'lr' | 'fp' | 'xzr' | 'wzr';
/**
 * A system register name the engines expose: nzcv (flags in bits 31–28), fpcr, fpsr, tpidr_el0.
 */
export type SysRegName = 'nzcv' | 'fpcr' | 'fpsr' | 'tpidr_el0';
/**
 * A SIMD/FP register name: q0–q31 (128 bits) and its views v (= q), d (64), s (32), h (16), b (8 bits).
 */
export type VecName = `q${number}` | `v${number}` | `d${number}` | `s${number}` | `h${number}` | `b${number}`;
/** Any register name regRead/regWrite accept. */
export type RegName = GprName | SysRegName | VecName;

/** One mapped region as memRegions() lists it. */
export interface MemRegion {
  begin: number;
  /** Exclusive end. */
  end: number;
  perms: number;
}

/**
 * Why start() returned: `until` reached, `count` exhausted, stop() called, a host gate parked,
 * an exception listed in setExceptionStops() raised (`exception`, see RunResult.intno), or a
 * breakpoint reached (`breakpoint`: pc is the breakpoint's address, not yet executed).
 */
export type StopReason = 'until' | 'count' | 'stopped' | 'parked' | 'exception' | 'breakpoint';

/** What start() answers: why it returned, how many instructions ran, and where pc is. */
export interface RunResult {
  reason: StopReason;
  /** Instructions executed by this start() call. */
  instructions: number;
  pc: number;
  /** Reason 'exception': the exception (INTNO_SVC, INTNO_BRK, INTNO_HVC). */
  intno?: number;
}

/** Options of start(). */
export interface StartOptions {
  /** Stop after this many instructions (Unicorn's `count`); the run returns reason 'count'. */
  count?: number;
}

/**
 * A `code` hook (before each instruction: address, 4) or `block` hook (at each basic block's start: address, block size).
 */
export type CodeHook = (address: number, size: number) => void;
/**
 * A memory access hook: the access kind, address, size in bytes, and the value (stores: the value written; loads: the value read for `mem-read-after`, 0n for `mem-read`).
 */
export type MemHook = (access: AccessKind, address: number, size: number, value: bigint) => void;
/** Return true when the fault was handled (e.g. the page got mapped) and the access should be retried. */
export type MemInvalidHook = (
  access: AccessKind,
  kind: FaultKind,
  address: number,
  size: number,
  value: bigint,
) => boolean;
/**
 * An `intr` hook: called with the exception number (INTNO_SVC, INTNO_BRK, INTNO_HVC, INTNO_UDEF); pc is already past an svc/hvc.
 */
export type InterruptHook = (intno: number) => void;

/**
 * Address range a code/block/memory hook is limited to (inclusive bounds; default: everything).
 */
export interface HookRange {
  begin?: number;
  /** Inclusive end, as in Unicorn. */
  end?: number;
}

/** What hookAdd returns; pass it to hookDel. */
export interface HookHandle {
  readonly id: number;
}

/** What a host call gate answers: nothing (done, return to LR) or 'park' (answer comes later). */
export type HostGateResult = undefined | 'park';
export type HostGateFn = (engine: Engine) => HostGateResult | undefined;

export interface EngineContext {
  readonly kind: EngineKind;
}

/**
 * A Unicorn-style AArch64 CPU: guest memory, registers, hooks and start/stop. Both engines (ts and
 * unicorn) implement it with the same results; the ts engine is the pure-TypeScript one.
 *
 * @example
 * ```ts
 * const e = await createEngine('ts');
 * e.memMap(0x10000, 0x1000, PROT_ALL);
 * e.memWrite(0x10000, new Uint8Array(new Uint32Array([0xd28000a0, 0x91001c00]).buffer)); // movz x0,#5; add x0,x0,#7
 * const r = e.start(0x10000, 0x10008); // { reason: 'until', instructions: 2, pc: 0x10008 }
 * e.regRead('x0'); // 12n
 * e.close();
 * ```
 */
export interface Engine {
  readonly kind: EngineKind;

  memMap(address: number, size: number, perms: number): void;
  memUnmap(address: number, size: number): void;
  memProtect(address: number, size: number, perms: number): void;
  /** Host-side read, ignores permissions (as uc_mem_read). */
  memRead(address: number, size: number): Uint8Array;
  /** Host-side write, ignores permissions, invalidates decoded code in touched pages. */
  memWrite(address: number, data: Uint8Array): void;
  memRegions(): MemRegion[];

  regRead(name: RegName): bigint;
  /**
   * Writes a register: a bigint, or an integer number of magnitude below 2^53 (a negative value is
   * its two's complement; bits beyond the register's width are dropped). regRead returns bigint.
   * @throws EngineApiError for an unknown register or a number that is not a safe integer (the
   *   register is unchanged).
   */
  regWrite(name: RegName, value: bigint | number): void;
  /** Fast GPR access for host functions: index 0..30, 31 = SP. */
  getX(index: number): bigint;
  setX(index: number, value: bigint | number): void;
  getPc(): number;
  setPc(pc: number): void;

  hookAdd(type: 'code' | 'block', fn: CodeHook, range?: HookRange): HookHandle;
  hookAdd(type: 'mem-read' | 'mem-write', fn: MemHook, range?: HookRange): HookHandle;
  hookAdd(type: 'mem-invalid', fn: MemInvalidHook): HookHandle;
  hookAdd(type: 'intr', fn: InterruptHook): HookHandle;
  hookDel(handle: HookHandle): void;

  /**
   * Host call gate: executing the 4-byte slot at `address` calls `fn`, then returns to x30
   * (the engine maps nothing itself; the slot must be mapped executable and hold `ret`).
   */
  addHostGate(address: number, fn: HostGateFn): void;
  removeHostGate(address: number): void;

  /** Run from `begin` until pc == `until` (not executed), a stop(), a park, or `count`. */
  start(begin: number, until: number, options?: StartOptions): RunResult;
  stop(): void;

  contextSave(): EngineContext;
  contextRestore(context: EngineContext): void;

  /** Instructions executed since the engine was opened (deterministic clock source). */
  instructionCount(): number;

  /**
   * Exceptions (INTNO_SVC, INTNO_BRK, INTNO_HVC) that end start() with reason 'exception' and
   * `intno` instead of going to `intr` hooks: the cheap way out of emulation for a system call
   * layer (the ts engine's translated code leaves through it; no hook is installed). pc is then
   * what an `intr` hook would see: after an SVC/HVC (the preferred return address), at a BRK.
   * An empty list restores hook delivery for all.
   */
  setExceptionStops(intnos: readonly number[]): void;

  /**
   * Breakpoints: reaching `address` ends start() with reason 'breakpoint' and pc = address,
   * before the instruction there executes. A breakpoint at start()'s `begin` does not stop the
   * first instruction of that run (so a debugger continues from a breakpoint by calling start()
   * again). They cost nothing where they are not: the ts engine keeps translating code.
   */
  addBreakpoint(address: number): void;
  removeBreakpoint(address: number): void;

  close(): void;
}

/** Options of createEngine(). */
export interface EngineOptions {
  /** Seed for anything the engine randomises (nothing today; kept for determinism contracts). */
  seed?: number;
  /**
   * ts engine only: executions of a block before it is translated to JavaScript (default 16;
   * 0 translates every block at once, Infinity never translates). Results never depend on it.
   */
  jitThreshold?: number;
  /**
   * unicorn engine only: false skips the per-block counting hook so Unicorn runs at native
   * speed; `RunResult.instructions` is then NaN (benchmarks know their counts in closed form).
   */
  countInstructions?: boolean;
  /**
   * ts engine: bytes of guest memory that may be touched (written or executed; default 4 GiB).
   * Mappings only reserve address space; the first touch beyond the limit raises OutOfMemory
   * ('touch'), and memMap() of more than the limit raises OutOfMemory ('map'). The unicorn engine
   * raises OutOfMemory ('map') when Unicorn cannot make a mapping.
   */
  memoryLimit?: number;
  /** ts engine: most separate mappings before memMap() raises OutOfMemory (default 65530). */
  maxMappings?: number;
}
