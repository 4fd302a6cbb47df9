/**
 * The executor-control protocol: what the controller (ORC, the linker) and the executor (engine,
 * ProcessHost, parking Executor) say to each other. The in-process EPC makes these calls directly;
 * the worker EPC sends them as structured-clone messages (copies: no shared memory, no transfers).
 *
 * Requests carry an id and get exactly one `res`. JIT dispatch goes the other way: the executor
 * sends `dispatch` (tag address + the SPS argument bytes) and the controller answers `dispatchReply`
 * (the wrapper-function result: SPS bytes or an out-of-band error).
 */

import type { MemRegion } from '../emu/engine.ts';
import type { ProgramResult } from '../executor/host/runner.ts';
import type {
  DebugRegisters,
  DebugRegisterWrite,
  DebugResume,
  DebugRunOptions,
  DebugStop,
  DebugWatchpoint,
} from './debug.ts';
import type { WrapperFunctionResult } from './wrapper.ts';

/** A stub pointer write (redirection): the 8-byte pointer at `address` becomes `value`. */
export interface PointerWrite {
  address: number;
  value: number;
}

/** A symbol the executor defines (Process host functions, stdin/stdout/stderr, gates). */
export interface ExecutorSymbol {
  name: string;
  address: number;
  /** JITSymbolFlags bits. */
  flags: number;
}

/** What the controller learns from the executor at connection time. */
export interface ExecutorBootstrap {
  /** The Process JITDylib's definitions (host functions and their data). */
  processSymbols: ExecutorSymbol[];
  /**
   * The pthread functions of the executor's thread scheduler (src/executor/threads), defined in the
   * Process JITDylib as a second unit after `processSymbols`.
   */
  threadSymbols?: ExecutorSymbol[];
  /** The address of the `__orc_rt_jit_dispatch` gate. */
  jitDispatch: number;
  /** Where a top-level call returns to (the executor's return sentinel gate). */
  returnSentinel: number;
  /** Engine page size for segment placement. */
  pageSize: number;
  engine: string;
}

export interface SegmentWrite {
  address: number;
  bytes: Uint8Array;
}

export interface Region {
  address: number;
  size: number;
}

export interface ProtectRegion extends Region {
  prot: number;
}

export interface RunProgramRequest {
  entry: number;
  argv: string[];
  initializers: number[];
  /** Pointers of fini sections: registered as atexit handlers before the program starts. */
  finalizers: number[];
  maxInstructions?: number | undefined;
  /**
   * A fatal fault/trap ends the run as the signal status a shell reports (139, 133, …) with run's
   * message on the program's stderr (host/linux.ts programFault) instead of failing the request.
   */
  faultsAsSignals?: boolean | undefined;
  /** A debugged run: breakpoints, steps, watchpoints and interrupts stop it (see src/protocol/debug.ts). */
  debug?: DebugRunOptions | undefined;
}

/**
 * A JIT'd program started as a Linux process (`run --sysroot`): the executor runs the image the
 * controller linked and described (entry, program headers) on the Linux layer of `exec`
 * (src/executor/host/linux-process.ts), with the session's engine, gates and JIT dispatch.
 */
export interface RunLinuxProcessRequest {
  image: {
    /** The ELF entry point (`_start`). */
    entry: number;
    /** Executor address of the program header table (AT_PHDR) and its entry count. */
    phdr: number;
    phnum: number;
    /** An ELF header + program headers: what /proc/self/exe reads. */
    fileBytes?: Uint8Array | undefined;
  };
  argv: string[];
  env: string[];
  /** Host directories shown to the program (through the executor's host file system). */
  mounts?: { host: string; guest: string; writable: boolean }[] | undefined;
  cwd?: string | undefined;
  seed?: number | undefined;
  maxInstructions?: number | undefined;
  /** One `syscall` message (worker) or trace call (in process) per system call. */
  traceSyscalls?: boolean | undefined;
  /** A debugged run: breakpoints, steps, watchpoints, faults and interrupts stop it. */
  debug?: DebugRunOptions | undefined;
}

/** How a Linux-process run ended: the program's status (128 + signal when a signal ended it). */
export interface LinuxProcessResult extends ProgramResult {
  syscalls: number;
}

/** The controller's answer to a JIT dispatch, plus an optional trace watch (see `--trace lazy`). */
export interface DispatchReply {
  result: WrapperFunctionResult;
  /** Report when pc reaches `address` how many instructions it took since `trampoline` was entered. */
  watch?: { address: number; trampoline: number } | undefined;
}

export interface TraceReached {
  trampoline: number;
  /** Instructions from the trampoline's first instruction to the watched address (undefined: not seen). */
  instructions: number | undefined;
  /** x30 at the watched address (a lazy body's first instruction: the caller's return address). */
  returnAddress?: number;
}

export interface ExecutorStats {
  /** SharedArrayBuffers constructed in the executor (audited when asked: must stay 0). */
  sharedArrayBuffers: number;
  parks: number;
}

/** Request operations and their argument/answer types. */
export interface Ops {
  bootstrap: { args: undefined; value: ExecutorBootstrap };
  /** Maps the regions read-write (memory reservation for an allocation). */
  reserve: { args: Region[]; value: undefined };
  /** Writes finalized segment content, then applies permissions. */
  finalize: { args: { writes: SegmentWrite[]; protects: ProtectRegion[] }; value: undefined };
  /** Unmaps the regions (allocation released). */
  release: { args: Region[]; value: undefined };
  writePointers: { args: PointerWrite[]; value: undefined };
  readMemory: { args: Region; value: Uint8Array };
  writeMemory: { args: SegmentWrite; value: undefined };
  /** Counts instructions from entering any trampoline in [begin, end] (inclusive). */
  traceTrampolines: { args: { begin: number; end: number }; value: undefined };
  /** Turns on the executor's Linux syscall layer (raw `svc #0`), before code using it is finalized. */
  enableSyscalls: { args: undefined; value: undefined };
  linuxThreadPointers: { args: undefined; value: number[] };
  runProgram: { args: RunProgramRequest; value: ProgramResult };
  runLinuxProcess: { args: RunLinuxProcessRequest; value: LinuxProcessResult };
  call: { args: { fn: number; args: bigint[] }; value: bigint };
  stats: { args: undefined; value: ExecutorStats };
  readRegisters: { args: undefined; value: DebugRegisters };
  writeRegisters: { args: DebugRegisterWrite[]; value: undefined };
  memoryRegions: { args: undefined; value: MemRegion[] };
  setBreakpoints: { args: number[]; value: undefined };
  setWatchpoints: { args: DebugWatchpoint[]; value: undefined };
  resume: { args: DebugResume; value: undefined };
  interrupt: { args: undefined; value: undefined };
  /** Testing aid: the executor dies ('throw': an uncaught exception; 'exit': process.exit in the worker). */
  crash: { args: { mode: 'throw' | 'exit' }; value: undefined };
}

export type OpName = keyof Ops;

export interface SerializedError {
  name: string;
  message: string;
}

/** Controller → executor. */
export type ToExecutor =
  | { t: 'req'; id: number; op: OpName; args: unknown }
  | { t: 'dispatchReply'; id: number; reply: DispatchReply };

/** Executor → controller. */
export type ToController =
  | { t: 'res'; id: number; ok: true; value: unknown }
  | { t: 'res'; id: number; ok: false; error: SerializedError }
  | { t: 'dispatch'; id: number; tag: number; args: Uint8Array }
  | { t: 'out'; fd: 1 | 2; bytes: Uint8Array }
  | { t: 'trace'; reached: TraceReached }
  | { t: 'syscall'; line: string }
  | { t: 'stop'; stop: DebugStop };

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: 'Error', message: String(e) };
}

/** An error thrown in the executor, re-raised in the controller with the same name and message. */
export class RemoteExecutorError extends Error {
  constructor(e: SerializedError) {
    super(e.message);
    this.name = e.name;
  }
}

/** The executor is gone (worker crashed, exited, or stopped answering). */
export class ExecutorDiedError extends Error {
  constructor(reason: string) {
    super(`executor process died: ${reason}`);
    this.name = 'ExecutorDiedError';
  }
}

/** The Platform JITDylib's JIT dispatch gate symbol (defined at ExecutorBootstrap.jitDispatch). */
export const JIT_DISPATCH_SYMBOL = '__orc_rt_jit_dispatch';
/** One page of platform gates (after the Process host's gate and data regions). */
export const DEFAULT_PLATFORM_GATE_PAGE = 0x0e20_0000;
