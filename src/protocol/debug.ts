/**
 * Executor-level debug primitives, as they cross the executor-process-control boundary (direct
 * calls in process, structured-clone messages to a worker). Small and engine-agnostic on purpose:
 * registers, memory, breakpoint and watchpoint sets, resume (continue / step) and stop reports.
 * Everything a debugger shows (symbols, stubs, frames, gdb formats) is built on the controller side.
 */

/** Why the program stopped (gdb's stop reasons, plus the end of the program). */
export type DebugStopReason = 'breakpoint' | 'step' | 'watchpoint' | 'interrupt' | 'fault' | 'exit';

/**
 * Where and why a debugged run stopped (what session observers' onStop and `resume` report).
 */
export interface DebugStop {
  reason: DebugStopReason;
  /** pc of the instruction about to run (fault: of the faulting instruction; exit: last pc). */
  pc: number;
  /** Emulated thread that stopped (1: the main thread). */
  thread: number;
  /** Instructions executed by the engine so far. */
  instructions: number;
  /** reason 'watchpoint': the access that hit (pc is the accessing instruction's). */
  watch?: { address: number; size: number; access: 'read' | 'write'; value: bigint } | undefined;
  /** reason 'fault': the signal a shell would report and the precise reason (as `run` prints it). */
  fault?: { signal: number; message: string } | undefined;
  /** reason 'exit': the program's exit status. */
  status?: number | undefined;
}

/** A data watchpoint of a debugged run: the range watched and which accesses stop. */
export interface DebugWatchpoint {
  address: number;
  /** Bytes watched (1..8 as gdb's hardware watchpoints; larger ranges work too). */
  size: number;
  /** 'write': watch, 'read': rwatch, 'access': awatch. */
  kind: 'write' | 'read' | 'access';
}

/** How a stopped program resumes. */
export type DebugResume =
  /** Until the next breakpoint, watchpoint, fault, interrupt or the end. */
  | { kind: 'continue' }
  /** `count` instructions (default 1) of the stopped thread, then stop with reason 'step'. */
  | { kind: 'step'; count?: number };

/**
 * The AArch64 register file of the stopped thread. Values are bigints (structured-clone safe):
 * x0–x30, sp and tpidr_el0 as 64-bit, v0–v31 as 128-bit (q registers), pc/nzcv/fpcr/fpsr as numbers.
 */
export interface DebugRegisters {
  x: bigint[];
  sp: bigint;
  pc: number;
  nzcv: number;
  fpcr: number;
  fpsr: number;
  tpidr_el0: bigint;
  v: bigint[];
}

/**
 * A register to write: 'x0'…'x30', 'sp', 'pc', 'nzcv', 'fpcr', 'fpsr', 'tpidr_el0', 'v0'…'v31'
 * (128-bit), with its new value.
 */
export interface DebugRegisterWrite {
  name: string;
  value: bigint;
}

/** Options of a debugged program run (RunProgramRequest.debug). */
export interface DebugRunOptions {
  /** Stop before the entry point's first instruction (gdb's `start`). */
  stopAtEntry?: boolean | undefined;
  /**
   * About this many instructions between two looks at the controller's requests while the program
   * runs (so that `interrupt` is seen); default 1,000,000. A look happens at the first basic-block
   * boundary at or after that many (StartOptions.slice: exact on ts, within one block on unicorn).
   * Never changes what the program computes.
   */
  pollInstructions?: number | undefined;
}
