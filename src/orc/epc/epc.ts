/**
 * ExecutorProcessControl: everything the controller (ORC session, linker) needs from the executor,
 * as in LLVM ORC. Two implementations:
 *   - InProcessEPC (SelfExecutorProcessControl): the executor runtime lives in this thread; every
 *     operation is a direct call.
 *   - WorkerEPC (SimpleRemoteEPC, ./worker-epc.ts): the executor runtime lives in a worker thread;
 *     every operation is a message, and so is each JIT dispatch call coming back.
 * The session (./session.ts) uses only this interface: it never sees the engine.
 */

import type { Engine, EngineKind, EngineOptions, MemRegion } from '../../emu/engine.ts';
import { createEngine } from '../../emu/factory.ts';
import type { HostFs } from '../../emu/linux/host.ts';
import type { LinuxProcessOptions } from '../../executor/host/linux-process.ts';
import type { OutputSink } from '../../executor/host/process.ts';
import type { ProgramResult } from '../../executor/host/runner.ts';
import { ExecutorRuntime } from '../../executor/runtime.ts';
import type { ThreadOptions } from '../../executor/threads/scheduler.ts';
import type {
  DebugRegisters,
  DebugRegisterWrite,
  DebugResume,
  DebugStop,
  DebugWatchpoint,
} from '../../protocol/debug.ts';
import type {
  DispatchReply,
  ExecutorBootstrap,
  ExecutorStats,
  LinuxProcessResult,
  ProtectRegion,
  Region,
  RunLinuxProcessRequest,
  RunProgramRequest,
  SegmentWrite,
  TraceReached,
} from '../../protocol/epc.ts';
import type { PointerWrite } from '../lazy/redirectable-symbols.ts';

export type ExecutorKind = 'in-process' | 'worker';
export const EXECUTOR_KINDS: readonly ExecutorKind[] = ['in-process', 'worker'];

/** The controller's JIT dispatch entry point (ExecutionSession.runJITDispatchHandler behind it). */
export type DispatchHandler = (tag: number, args: Uint8Array) => Promise<DispatchReply>;
/** The same, answering at once when the answer is ready (in process). */
export type SyncDispatchHandler = (tag: number, args: Uint8Array) => DispatchReply | Promise<DispatchReply>;

/** Traffic between controller and executor (messages for the worker; direct calls in process). */
export interface EPCStats {
  /** Controller → executor requests (or direct calls). */
  requests: number;
  /** Executor → controller JIT dispatch calls. */
  dispatches: number;
  /** Messages posted controller → executor (0 in process). */
  messagesSent: number;
  /** Messages received executor → controller (0 in process). */
  messagesReceived: number;
  /** Bytes of Uint8Array payloads both ways (copied per message for the worker). */
  payloadBytes: number;
}

export interface ExecutorProcessControl {
  readonly kind: ExecutorKind;
  /** Symbols and addresses the executor defines (Process JITDylib, dispatch gate). */
  readonly bootstrap: ExecutorBootstrap;
  readonly stats: EPCStats;

  /**
   * Where JIT dispatch calls from the executor go (set once by the session). `sync` (used in
   * process only) may answer at once, so that a ready answer needs no park.
   */
  setDispatchHandler(h: DispatchHandler, sync?: SyncDispatchHandler): void;
  /** Where trace watches reached in the executor go. */
  setTraceHandler(h: (r: TraceReached) => void): void;
  /** Where the stops of a debugged run go. */
  setStopHandler(h: (s: DebugStop) => void): void;

  reserve(regions: Region[]): Promise<void>;
  finalize(writes: SegmentWrite[], protects: ProtectRegion[]): Promise<void>;
  release(regions: Region[]): Promise<void>;
  writePointers(writes: PointerWrite[]): Promise<void>;
  readMemory(region: Region): Promise<Uint8Array>;
  writeMemory(write: SegmentWrite): Promise<void>;
  traceTrampolines(begin: number, end: number): Promise<void>;
  /** Turns on the executor's Linux syscall layer (idempotent; ordered before later requests). */
  enableSyscalls(): Promise<void>;

  runProgram(req: RunProgramRequest): Promise<ProgramResult>;
  /**
   * Runs a linked image as a Linux process (`run --sysroot`). `host.hostFs` is the host file system
   * the mounts read (in a worker: that thread's own node:fs when mounts are given); `host.trace`
   * gets one line per system call when `req.traceSyscalls` is set.
   */
  runLinuxProcess(req: RunLinuxProcessRequest, host?: LinuxProcessHost): Promise<LinuxProcessResult>;
  /**
   * Adds a barrier every JIT dispatch answer waits for before the executor gets it: work the
   * answer must not overtake (a sysroot process patches its unwinder's list and TLS for the graphs
   * a lazy call linked). The barrier answers undefined when nothing is pending.
   */
  addDispatchBarrier(barrier: () => Promise<void> | undefined): void;
  /**
   * TPIDR_EL0 of every live thread of the running Linux process (runLinuxProcess), the thread
   * the engine holds (a parked caller) first; empty when none runs.
   */
  linuxThreadPointers(): Promise<number[]>;
  call(fn: number, args: readonly (bigint | number)[]): Promise<bigint>;
  executorStats(): Promise<ExecutorStats>;

  // Debug primitives (src/protocol/debug.ts).
  readRegisters(): Promise<DebugRegisters>;
  writeRegisters(writes: DebugRegisterWrite[]): Promise<void>;
  memoryRegions(): Promise<MemRegion[]>;
  setBreakpoints(addresses: number[]): Promise<void>;
  setWatchpoints(watchpoints: DebugWatchpoint[]): Promise<void>;
  /** Resumes a stopped debugged run (answers once the executor took it). */
  resume(mode: DebugResume): Promise<void>;
  /** A running debugged run stops with reason 'interrupt' at its next poll point. */
  interrupt(): Promise<void>;

  /** Stops the executor (idempotent); pending requests fail. */
  close(): Promise<void>;
}

/** What a Linux-process run uses of the controller's host (see runLinuxProcess). */
export interface LinuxProcessHost {
  hostFs?: HostFs | undefined;
  trace?: ((line: string) => void) | undefined;
  /** In-process executors only (they see the engine): see LinuxProcessOptions.onStart. */
  onStart?: LinuxProcessOptions['onStart'];
  /** In-process executors only: see LinuxProcessOptions.afterAnswer. */
  afterAnswer?: LinuxProcessOptions['afterAnswer'];
}

/**
 * The answer once every barrier is passed (barriers asked again after each wait: passing one may
 * start more work); the answer itself, at once, when it is there and no barrier waits.
 */
export function afterBarriers<T>(
  barriers: readonly (() => Promise<void> | undefined)[],
  answer: T | Promise<T>,
): T | Promise<T> {
  if (barriers.length === 0) return answer;
  const pending = (): Promise<void>[] => barriers.map((b) => b()).filter((p) => p !== undefined);
  if (!(answer instanceof Promise) && pending().length === 0) return answer;
  return Promise.resolve(answer).then(async (a) => {
    for (let p = pending(); p.length > 0; p = pending()) await Promise.all(p);
    return a;
  });
}

export interface ExecutorOptions {
  engine?: EngineKind;
  seed?: number | undefined;
  stdout?: OutputSink;
  stderr?: OutputSink;
  /** What read(0) sees (see SessionOptions.stdin). */
  stdin?: Uint8Array | (() => Uint8Array) | 'process' | undefined;
  /** Engine tuning (jitThreshold, countInstructions). */
  engineOptions?: Omit<EngineOptions, 'seed'>;
  /** Emulated pthreads in the executor (default: on, seeded by `seed`); false: single-threaded. */
  threads?: ThreadOptions | false;
}

export const emptyStats = (): EPCStats => ({
  requests: 0,
  dispatches: 0,
  messagesSent: 0,
  messagesReceived: 0,
  payloadBytes: 0,
});

/** The executor in this thread: operations are direct calls into an ExecutorRuntime. */
export class InProcessEPC implements ExecutorProcessControl {
  readonly kind = 'in-process' as const;
  readonly stats = emptyStats();
  readonly bootstrap: ExecutorBootstrap;
  readonly runtime: ExecutorRuntime;
  private handler: DispatchHandler | null = null;
  private syncHandler: SyncDispatchHandler | null = null;
  private trace: ((r: TraceReached) => void) | null = null;
  private stop: ((s: DebugStop) => void) | null = null;
  private readonly barriers: (() => Promise<void> | undefined)[] = [];

  private constructor(engine: Engine, options: ExecutorOptions) {
    if (options.stdin === 'process')
      throw new Error("stdin 'process' needs a worker executor; in process pass a reader function");
    this.runtime = new ExecutorRuntime({
      engine,
      stdout: options.stdout ?? ((b) => process.stdout.write(b)),
      stderr: options.stderr ?? ((b) => process.stderr.write(b)),
      dispatch: (tag, args) => {
        this.stats.dispatches++;
        if (this.syncHandler) return afterBarriers(this.barriers, this.syncHandler(tag, args));
        if (!this.handler) return Promise.resolve({ result: { ok: false, error: 'no JIT dispatch handler' } });
        return afterBarriers(this.barriers, this.handler(tag, args));
      },
      dispatchInThread: true,
      onTrace: (r) => this.trace?.(r),
      onStop: (s) => this.stop?.(s),
      seed: options.seed,
      stdin: options.stdin,
      ...(options.threads === undefined ? {} : { threads: options.threads }),
    });
    this.bootstrap = this.runtime.bootstrap();
  }

  static async create(options: ExecutorOptions = {}): Promise<InProcessEPC> {
    const engine = await createEngine(options.engine ?? 'ts', {
      ...options.engineOptions,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    });
    return new InProcessEPC(engine, options);
  }

  /** Wraps an existing engine (it must be fresh: the runtime maps its host regions). */
  static fromEngine(engine: Engine, options: ExecutorOptions = {}): InProcessEPC {
    return new InProcessEPC(engine, options);
  }

  setDispatchHandler(h: DispatchHandler, sync?: SyncDispatchHandler): void {
    this.handler = h;
    this.syncHandler = sync ?? null;
  }
  setTraceHandler(h: (r: TraceReached) => void): void {
    this.trace = h;
  }
  setStopHandler(h: (s: DebugStop) => void): void {
    this.stop = h;
  }
  readRegisters(): Promise<DebugRegisters> {
    return this.count(() => this.runtime.debug.readRegisters());
  }
  writeRegisters(writes: DebugRegisterWrite[]): Promise<void> {
    return this.count(() => this.runtime.debug.writeRegisters(writes));
  }
  memoryRegions(): Promise<MemRegion[]> {
    return this.count(() => this.runtime.engine.memRegions());
  }
  setBreakpoints(addresses: number[]): Promise<void> {
    return this.count(() => this.runtime.debug.setBreakpoints(addresses));
  }
  setWatchpoints(watchpoints: DebugWatchpoint[]): Promise<void> {
    return this.count(() => this.runtime.debug.setWatchpoints(watchpoints));
  }
  resume(mode: DebugResume): Promise<void> {
    return this.count(() => this.runtime.debug.resume(mode));
  }
  interrupt(): Promise<void> {
    return this.count(() => this.runtime.debug.interrupt());
  }

  private count<T>(f: () => T): Promise<T> {
    this.stats.requests++;
    try {
      return Promise.resolve(f());
    } catch (e) {
      return Promise.reject(e);
    }
  }

  reserve(regions: Region[]): Promise<void> {
    return this.count(() => this.runtime.reserve(regions));
  }
  finalize(writes: SegmentWrite[], protects: ProtectRegion[]): Promise<void> {
    return this.count(() => this.runtime.finalize(writes, protects));
  }
  release(regions: Region[]): Promise<void> {
    return this.count(() => this.runtime.release(regions));
  }
  writePointers(writes: PointerWrite[]): Promise<void> {
    return this.count(() => this.runtime.writePointers(writes));
  }
  readMemory(region: Region): Promise<Uint8Array> {
    return this.count(() => this.runtime.readMemory(region));
  }
  writeMemory(write: SegmentWrite): Promise<void> {
    return this.count(() => this.runtime.writeMemory(write));
  }
  traceTrampolines(begin: number, end: number): Promise<void> {
    return this.count(() => this.runtime.traceTrampolines(begin, end));
  }
  enableSyscalls(): Promise<void> {
    return this.count(() => this.runtime.enableSyscalls());
  }
  runProgram(req: RunProgramRequest): Promise<ProgramResult> {
    this.stats.requests++;
    return this.runtime.runProgram(req);
  }
  runLinuxProcess(req: RunLinuxProcessRequest, host: LinuxProcessHost = {}): Promise<LinuxProcessResult> {
    this.stats.requests++;
    return this.runtime.runLinuxProcess(req, {
      hostFs: host.hostFs,
      trace: req.traceSyscalls ? host.trace : undefined,
      onStart: host.onStart,
      afterAnswer: host.afterAnswer,
    });
  }
  addDispatchBarrier(barrier: () => Promise<void> | undefined): void {
    this.barriers.push(barrier);
  }
  linuxThreadPointers(): Promise<number[]> {
    return this.count(() => this.runtime.linuxThreadPointers());
  }
  call(fn: number, args: readonly (bigint | number)[]): Promise<bigint> {
    this.stats.requests++;
    return this.runtime.call(
      fn,
      args.map((a) => BigInt(a)),
    );
  }
  executorStats(): Promise<ExecutorStats> {
    return Promise.resolve({ sharedArrayBuffers: 0, parks: this.runtime.executor.parks });
  }
  private closed = false;
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.runtime.engine.close();
  }
}
