/**
 * What the remote protocol server needs from the thing being debugged. Kept small so that it fits
 * an engine running a static ELF (engine-target.ts) as well as an ORC session's executor (its
 * debug primitives: per-thread contexts, breakpoints as code hooks, watchpoints as memory hooks,
 * resume with a promise of the next stop).
 *
 * Threads are positive integers (gdb's thread ids). All calls except `resume` and `interrupt`
 * happen while the target is stopped.
 */

export type WatchKind = 'write' | 'read' | 'access';

export type StopEvent =
  /** Stopped with a signal: 5 (SIGTRAP) for steps, breakpoints and watchpoints, 2 after interrupt. */
  | {
      kind: 'signal';
      signal: number;
      thread: number;
      /** Set when a software breakpoint caused the stop. */
      breakpoint?: boolean;
      /** Set when a watchpoint caused the stop: the watched address that was accessed. */
      watch?: { kind: WatchKind; address: number };
    }
  /** The program ended with an exit status. */
  | { kind: 'exited'; status: number }
  /** The program was killed by a signal (a fault the debugger let through). */
  | { kind: 'killed'; signal: number };

export interface ResumeRequest {
  mode: 'step' | 'continue';
  /** The thread to step (others stay stopped while it steps); undefined = the current thread. */
  thread?: number;
  /** A signal to deliver on resume (gdb's C/S packets); 0 = none. */
  signal?: number;
}

export class GdbTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GdbTargetError';
  }
}

/** Targets whose executor lives elsewhere (a worker) answer asynchronously; the server awaits. */
export type MaybePromise<T> = T | Promise<T>;

export interface GdbTarget {
  /** Live thread ids, the first being the main thread. */
  threads(): MaybePromise<number[]>;
  /** Register `regnum` (aarch64.ts numbering) of `thread`, little-endian; undefined if unknown. */
  readRegister(thread: number, regnum: number): MaybePromise<Uint8Array | undefined>;
  /** Returns false when the register does not exist. */
  writeRegister(thread: number, regnum: number, value: Uint8Array): MaybePromise<boolean>;
  /** Reads what is mapped from `address` on: may return fewer bytes (none when unmapped). */
  readMemory(address: number, length: number): MaybePromise<Uint8Array>;
  /** Throws (or rejects with) GdbTargetError when the range is not mapped. */
  writeMemory(address: number, data: Uint8Array): MaybePromise<void>;
  insertBreakpoint(address: number): MaybePromise<void>;
  removeBreakpoint(address: number): MaybePromise<void>;
  insertWatchpoint(address: number, length: number, kind: WatchKind): MaybePromise<void>;
  removeWatchpoint(address: number, length: number, kind: WatchKind): MaybePromise<void>;
  /** Runs until the next stop; resolves with it. */
  resume(request: ResumeRequest): Promise<StopEvent>;
  /** Asks a running resume() to stop soon with signal 2 (SIGINT). */
  interrupt(): void;
  /** Ends the program (gdb's `k`). */
  kill(): MaybePromise<void>;
  /** The ELF auxiliary vector as the program sees it (qXfer:auxv:read), when there is one. */
  auxv?(): MaybePromise<Uint8Array>;
  /**
   * The program's file as gdb should load it (qXfer:exec-file:read names it, vFile serves its
   * bytes), when gdb cannot be given it otherwise: the session's executor file (executor-elf.ts).
   */
  execFile?(): { path: string; bytes: Uint8Array } | undefined;
}
