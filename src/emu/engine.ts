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
 * Why start() returned: `until` reached, `count` exhausted, `slice` used up (StartOptions.slice),
 * stop() called, a host gate parked, an exception listed in setExceptionStops() raised
 * (`exception`, see RunResult.intno), or a breakpoint reached (`breakpoint`: pc is the
 * breakpoint's address, not yet executed).
 */
export type StopReason = 'until' | 'count' | 'slice' | 'stopped' | 'parked' | 'exception' | 'breakpoint';

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
  /**
   * Stop after exactly this many instructions (Unicorn's `count`); the run returns reason 'count'.
   * The unicorn engine counts with its native block counter and runs the last block's first
   * instructions with `until` (docs/engine.md); only without that counter (other hosts,
   * `countInstructions: false`) does it use Unicorn's count, a hook on every instruction (about
   * 10x slower). `slice` is still cheaper where the exact point does not matter (no extra run).
   */
  count?: number;
  /**
   * Stop at the first basic-block boundary at or after this many instructions; the run returns
   * reason 'slice' (unless it ended otherwise first), with `instructions` ≥ slice and pc at the
   * next instruction to run, so start(pc, …) goes on as if nothing happened. For polling (a
   * debugger looking for an interrupt every so often), where `count`'s exactness is not needed:
   * the unicorn engine checks it in its per-block counting hook and keeps native speed (at most
   * one block beyond `slice`); the ts engine stops after exactly `slice` instructions. With
   * `countInstructions: false` the unicorn engine falls back to an exact count. With `count` as
   * well, whichever is reached first ends the run ('count' when both are). 0 or absent: no slice.
   */
  slice?: number;
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
 * Memory access hooks by kind, as native Unicorn 2 calls them (tests/api/engine-hooks.test.ts
 * compares the call sequences): 'mem-read' (UC_HOOK_MEM_READ) before a load, value 0n;
 * 'mem-read-after' (UC_HOOK_MEM_READ_AFTER) after it, value: what was loaded; 'mem-write'
 * (UC_HOOK_MEM_WRITE) before the store's permission check (a store that faults is reported too),
 * value: what is stored; 'mem-fetch' (UC_HOOK_MEM_FETCH) is accepted but, as in Unicorn 2, never
 * called for a successful fetch (use 'code' hooks). Guest accesses only; memRead/memWrite call none.
 */
export type MemHookType = 'mem-read' | 'mem-write' | 'mem-read-after' | 'mem-fetch';

/**
 * Invalid-access hooks: 'mem-invalid' for every kind (UC_HOOK_MEM_INVALID), or one access and
 * fault kind (UC_HOOK_MEM_READ_UNMAPPED … UC_HOOK_MEM_FETCH_PROT). A hook that returns true has
 * handled the fault (typically by mapping or re-protecting the page) and the access is retried, as
 * in Unicorn; when none returns true the run ends with MemoryFault.
 */
export type MemInvalidHookType =
  | 'mem-invalid'
  | 'mem-read-unmapped'
  | 'mem-write-unmapped'
  | 'mem-fetch-unmapped'
  | 'mem-read-prot'
  | 'mem-write-prot'
  | 'mem-fetch-prot';

/** Every MemInvalidHookType with the access and fault kind it stands for (undefined: any). */
export const MEM_INVALID_HOOK_TYPES: Readonly<Record<MemInvalidHookType, { access?: AccessKind; kind?: FaultKind }>> = {
  'mem-invalid': {},
  'mem-read-unmapped': { access: 'read', kind: 'unmapped' },
  'mem-write-unmapped': { access: 'write', kind: 'unmapped' },
  'mem-fetch-unmapped': { access: 'fetch', kind: 'unmapped' },
  'mem-read-prot': { access: 'read', kind: 'protection' },
  'mem-write-prot': { access: 'write', kind: 'protection' },
  'mem-fetch-prot': { access: 'fetch', kind: 'protection' },
};

/** Whether an invalid-access hook of `type` sees a fault of this access and kind. */
export function invalidHookSees(type: string, access: AccessKind, kind: FaultKind): boolean {
  const f = MEM_INVALID_HOOK_TYPES[type as MemInvalidHookType];
  return (
    f !== undefined && (f.access === undefined || f.access === access) && (f.kind === undefined || f.kind === kind)
  );
}

/**
 * An instruction hook (UC_HOOK_INSN style): `svc` is called for each `svc #imm` with `address` the
 * svc's own address and pc already past it (as an `intr` hook sees it); the svc is then done (no
 * `intr` hook runs for it, and no UnhandledException). Exception stops (setExceptionStops) take
 * precedence over it.
 */
export type InsnHook = (address: number) => void;

/** What an `mrs` insn hook is told: the instruction's address, its destination and system register. */
export interface MrsHookInfo {
  address: number;
  /** Destination register index (0..30; 31 is xzr). */
  rt: number;
  op0: number;
  op1: number;
  crn: number;
  crm: number;
  op2: number;
}

/**
 * An `mrs` instruction hook (UC_HOOK_INSN with UC_ARM64_INS_MRS): called before each `mrs`.
 * Returning true means the hook emulated it (it wrote register `rt` itself, e.g. with setX) and
 * the instruction is skipped; false or nothing lets the `mrs` execute normally.
 */
export type MrsHook = (info: MrsHookInfo) => boolean | undefined;

/** Options of an 'insn' hook: which instruction, and optionally an address range. */
export interface InsnHookOptions extends HookRange {
  insn: 'svc' | 'mrs';
}

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

  /**
   * Maps `size` bytes at `address` (both multiples of PAGE_SIZE), zero-filled, with `perms`.
   * @throws EngineApiError for an unaligned or out-of-range request or a page already mapped;
   *   OutOfMemory beyond the memory limit. After an error nothing of the request is mapped.
   */
  memMap(address: number, size: number, perms: number): void;
  /**
   * Unmaps pages (they may span several mappings); translated code of those pages is dropped.
   * @throws EngineApiError for an unaligned range or a page that is not mapped; memory is unchanged.
   */
  memUnmap(address: number, size: number): void;
  /**
   * Changes the permissions of mapped pages (contents kept).
   * @throws EngineApiError for an unaligned range or a page that is not mapped; permissions unchanged.
   */
  memProtect(address: number, size: number, perms: number): void;
  /**
   * Host-side read, ignores permissions (as uc_mem_read); calls no hook.
   * @throws MemoryFault ('unmapped') when a byte of the range is not mapped (nothing is returned).
   */
  memRead(address: number, size: number): Uint8Array;
  /**
   * Host-side write, ignores permissions, invalidates decoded and translated code in touched pages;
   * calls no hook.
   * @throws MemoryFault ('unmapped') when a byte of the range is not mapped; nothing is written.
   */
  memWrite(address: number, data: Uint8Array): void;
  /** The mapped regions, sorted, adjacent pages of equal permissions merged. Never throws. */
  memRegions(): MemRegion[];
  /**
   * Optional (both engines have it): calls `fn` for each page of `address`..`address + size` (page
   * aligned) that holds host memory, in address order, with a view of its PAGE_SIZE bytes (read it
   * before the next call into the engine). A mapped page it skips reads as zeros, so copying what
   * it visits copies the range (a fork copies an address space this way without reading every
   * reserved page). The ts engine visits the pages written or fetched; the unicorn engine the
   * pages of its touched 64 KiB granules (every mapped page without its arena). Engines without
   * it: memRead the range.
   */
  memPagesIn?(address: number, size: number, fn: (pageAddress: number, bytes: Uint8Array) => void): void;

  /**
   * Reads a register as an unsigned bigint (w/s/h/b views: their low bits; q/v: 128 bits).
   * @throws EngineApiError for an unknown register name.
   */
  regRead(name: RegName): bigint;
  /**
   * Writes a register: a bigint, or an integer number of magnitude below 2^53 (a negative value is
   * its two's complement; bits beyond the register's width are dropped). regRead returns bigint.
   * @throws EngineApiError for an unknown register or a number that is not a safe integer (the
   *   register is unchanged).
   */
  regWrite(name: RegName, value: bigint | number): void;
  /** Fast GPR read for host functions: index 0..30, 31 = SP (no validation: hot path). */
  getX(index: number): bigint;
  /** Fast GPR write for host functions (index as getX; a number is taken as regWrite takes it). */
  setX(index: number, value: bigint | number): void;
  /** The program counter as a number. */
  getPc(): number;
  /** Sets the program counter (start() sets it to `begin` anyway). */
  setPc(pc: number): void;

  /**
   * Adds a hook, Unicorn-style. Kinds: 'code' (before each instruction), 'block' (at each basic
   * block), MemHookType (guest loads/stores/fetches), MemInvalidHookType (faults; true = handled,
   * retry), 'intr' (exceptions: svc, brk, hvc, undefined instructions), 'insn' with `{ insn: 'svc' }`
   * (InsnHook) or `{ insn: 'mrs' }` (MrsHook).
   * `range` limits code, block, memory and insn hooks to addresses begin..end (inclusive).
   * Tiers (ts engine): 'code', 'block', MemHookType and 'insn' mrs hooks make it run in its
   * interpreter (no translated JavaScript) while installed; 'intr', 'insn' svc and MemInvalidHookType hooks keep
   * the translation tier (translated code leaves it with exact state before calling them). The unicorn
   * engine flushes translated blocks of the hook's range so the hook is seen at once.
   * Hooks added or deleted inside a hook take effect at the next start().
   * @throws EngineApiError for an unknown kind (nothing is installed).
   */
  hookAdd(type: 'code' | 'block', fn: CodeHook, range?: HookRange): HookHandle;
  hookAdd(type: MemHookType, fn: MemHook, range?: HookRange): HookHandle;
  hookAdd(type: MemInvalidHookType, fn: MemInvalidHook): HookHandle;
  hookAdd(type: 'intr', fn: InterruptHook): HookHandle;
  hookAdd(type: 'insn', fn: InsnHook, options: InsnHookOptions & { insn: 'svc' }): HookHandle;
  hookAdd(type: 'insn', fn: MrsHook, options: InsnHookOptions & { insn: 'mrs' }): HookHandle;
  /** Removes a hook (an unknown or already removed handle is ignored). */
  hookDel(handle: HookHandle): void;

  /**
   * Host call gate: executing the 4-byte slot at `address` calls `fn`, then returns to x30
   * (the engine maps nothing itself; the slot must be mapped executable and hold `ret`).
   */
  addHostGate(address: number, fn: HostGateFn): void;
  /** Removes the gate at `address` (none there: nothing happens). */
  removeHostGate(address: number): void;

  /**
   * Runs from `begin` until pc == `until` (not executed), a stop(), a park, an exception stop, a
   * breakpoint, `count` instructions, or the block boundary after `slice` instructions.
   * @throws MemoryFault (an access no invalid-access hook handled), AlignmentFault,
   *   UndefinedInstruction/UnimplementedInstruction, UnhandledException (an exception no hook
   *   took), OutOfMemory ('touch'), an error thrown by a hook (as is), EngineApiError (closed, or
   *   start() from inside a hook). After an error pc is the faulting instruction's address (not
   *   executed: for a data fault its registers are as before it; every earlier instruction has
   *   completed) and instructionCount() counts the completed ones.
   */
  start(begin: number, until: number, options?: StartOptions): RunResult;
  /** Makes the running start() return 'stopped' after the current instruction (a hook calls it). */
  stop(): void;

  /** Saves the CPU registers (not memory) to restore later on the same engine. */
  contextSave(): EngineContext;
  /**
   * Restores registers saved by contextSave() of this engine.
   * @throws EngineApiError for a context of another engine kind (registers unchanged).
   */
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
  /** Removes a breakpoint (none there: nothing happens). */
  removeBreakpoint(address: number): void;

  /**
   * Releases the engine (the unicorn engine's native memory). Afterwards start() throws
   * EngineApiError ('engine is closed'; the unicorn engine: every method).
   */
  close(): void;
}

/** Options of createEngine(). */
export interface EngineOptions {
  /** Seed for anything the engine randomises (nothing today; kept for determinism contracts). */
  seed?: number;
  /**
   * ts engine only: executions of a block before it is translated to JavaScript (default 5000,
   * once the engine has run 5 M instructions; given explicitly, from the start; 0 translates every
   * block at once, Infinity never translates). Results never depend on it.
   */
  jitThreshold?: number;
  /**
   * ts engine only: executions of a block at which its loop is translated to WebAssembly if it can
   * be, before and apart from jitThreshold (default 200 with the default jitThreshold; with an
   * explicit jitThreshold, not done unless given). Results never depend on it.
   */
  wasmThreshold?: number;
  /**
   * ts engine only: loop regions made only of register arithmetic and branches are translated to
   * WebAssembly rather than JavaScript (default true; false keeps every region JavaScript, to
   * compare the two forms). Results never depend on it.
   */
  wasmRegions?: boolean;
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
