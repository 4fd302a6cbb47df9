/**
 * WorkerEPC: the controller's end of an executor in a worker thread (node:worker_threads), like
 * LLVM ORC's SimpleRemoteEPC. Every operation is a request message answered by exactly one `res`;
 * JIT dispatch calls arrive as `dispatch` messages and are answered with `dispatchReply`. Program
 * output arrives as `out` messages, in order with everything else the executor says (one port).
 *
 * Nothing is shared: messages are structured clones (Uint8Array payloads are copied, nothing is in
 * a transfer list), and the worker never sees a SharedArrayBuffer.
 *
 * Death: an uncaught exception in the worker, an unexpected exit, or a request that times out
 * fails every pending request with ExecutorDiedError (`executor process died: …`); later requests
 * fail at once.
 */
import { Worker } from 'node:worker_threads';
import type { MemRegion } from '../../emu/engine.ts';
import { tunedForTranslation } from '../../emu/ts/v8-tiering.ts';
import type { ProgramResult } from '../../executor/host/runner.ts';
import type { ThreadOptions } from '../../executor/threads/scheduler.ts';
import type {
  DebugRegisters,
  DebugRegisterWrite,
  DebugResume,
  DebugStop,
  DebugWatchpoint,
} from '../../protocol/debug.ts';
import {
  type DispatchReply,
  type ExecutorBootstrap,
  ExecutorDiedError,
  type ExecutorStats,
  type LinuxProcessResult,
  type OpName,
  type Ops,
  type ProtectRegion,
  type Region,
  RemoteExecutorError,
  type RunLinuxProcessRequest,
  type RunProgramRequest,
  type SegmentWrite,
  serializeError,
  type ToController,
  type ToExecutor,
  type TraceReached,
} from '../../protocol/epc.ts';
import type { PointerWrite } from '../lazy/redirectable-symbols.ts';
import type { DispatchHandler, EPCStats, ExecutorOptions, ExecutorProcessControl, LinuxProcessHost } from './epc.ts';
import { afterBarriers, emptyStats } from './epc.ts';

export interface WorkerEPCOptions extends ExecutorOptions {
  /**
   * Milliseconds a request may stay unanswered before the executor is declared dead (default
   * 30 s). Program runs (`runProgram`, `call`) use `runTimeoutMs` (default: none).
   */
  requestTimeoutMs?: number;
  runTimeoutMs?: number;
  /** Milliseconds for the worker to start and answer its bootstrap (default 60 s). */
  startTimeoutMs?: number;
  /** Count SharedArrayBuffer constructions in the worker (ExecutorStats.sharedArrayBuffers). */
  auditSharedMemory?: boolean;
  /** Sees every message, both directions (tests). */
  onMessage?: (direction: 'to-executor' | 'to-controller', message: unknown) => void;
}

/** stdin as the worker gets it: bytes, or 'process' (its fd 0, read on first use), or nothing. */
function workerStdin(s: ExecutorOptions['stdin']): Uint8Array | 'process' | undefined {
  if (typeof s === 'function') throw new Error('a stdin reader function cannot cross to a worker executor');
  return s;
}

function cloneable(o: ThreadOptions): ThreadOptions {
  const { onSwitch: _, ...rest } = o;
  return rest;
}

/** Worker bootstrap: a .js file that registers tsx, then imports worker-entry.ts. */
const BOOTSTRAP_URL = new URL('../../executor/worker/bootstrap.js', import.meta.url);

interface Pending {
  op: OpName;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

function payloadBytes(m: unknown): number {
  if (m instanceof Uint8Array) return m.byteLength;
  if (Array.isArray(m)) return m.reduce((n: number, x) => n + payloadBytes(x), 0);
  if (typeof m === 'object' && m !== null) {
    let n = 0;
    for (const v of Object.values(m)) n += payloadBytes(v);
    return n;
  }
  return 0;
}

export class WorkerEPC implements ExecutorProcessControl {
  readonly kind = 'worker' as const;
  readonly stats: EPCStats = emptyStats();
  bootstrap!: ExecutorBootstrap;
  /** Set once the executor is gone. */
  died: ExecutorDiedError | null = null;
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closing = false;
  private handler: DispatchHandler | null = null;
  private trace: ((r: TraceReached) => void) | null = null;
  private stopHandler: ((s: DebugStop) => void) | null = null;
  private syscallTrace: ((line: string) => void) | null = null;
  private readonly barriers: (() => Promise<void> | undefined)[] = [];
  private readonly stdout: (b: Uint8Array) => void;
  private readonly stderr: (b: Uint8Array) => void;
  private readonly deathListeners: ((e: ExecutorDiedError) => void)[] = [];
  private readonly exited: Promise<void>;

  private constructor(private readonly options: WorkerEPCOptions) {
    this.stdout = options.stdout ?? ((b) => process.stdout.write(b));
    this.stderr = options.stderr ?? ((b) => process.stderr.write(b));
    this.worker = new Worker(BOOTSTRAP_URL, {
      workerData: {
        engine: options.engine ?? 'ts',
        seed: options.seed,
        auditSharedMemory: options.auditSharedMemory ?? false,
        // This process's V8 tuning (its WebAssembly regions' compiler is per thread).
        tuned: tunedForTranslation(),
        stdin: workerStdin(options.stdin),
        engineOptions: options.engineOptions,
        // Functions (onSwitch) do not cross: only the scheduler's numeric options go.
        threads:
          options.threads === undefined || options.threads === false ? options.threads : cloneable(options.threads),
      },
      // The worker's own process.stdout/stderr are not used for program output (that goes through
      // `out` messages, in order); anything else it prints reaches ours.
      stdout: false,
      stderr: false,
    });
    this.worker.on('message', (m: ToController) => this.enqueue(m));
    this.worker.on('messageerror', (e) => this.die(`undeserializable message: ${e.message}`));
    this.worker.on('error', (e) => this.die(`uncaught exception in the executor: ${e.name}: ${e.message}`));
    this.exited = new Promise((resolve) => {
      this.worker.on('exit', (code) => {
        if (!this.closing) this.die(`worker exited unexpectedly with code ${code}`);
        resolve();
      });
    });
  }

  /** Starts the worker and waits for its bootstrap (symbols, dispatch gate). */
  static async start(options: WorkerEPCOptions = {}): Promise<WorkerEPC> {
    const epc = new WorkerEPC(options);
    try {
      epc.bootstrap = await epc.request('bootstrap', undefined);
    } catch (e) {
      await epc.close();
      throw e;
    }
    return epc;
  }

  setDispatchHandler(h: DispatchHandler): void {
    this.handler = h;
  }
  setTraceHandler(h: (r: TraceReached) => void): void {
    this.trace = h;
  }
  setStopHandler(h: (s: DebugStop) => void): void {
    this.stopHandler = h;
  }
  /** Called once if the executor dies. */
  onDeath(f: (e: ExecutorDiedError) => void): void {
    if (this.died) f(this.died);
    else this.deathListeners.push(f);
  }

  /** Testing aid: kills the worker as an outside event would (reported as a death). */
  kill(): Promise<number> {
    return this.worker.terminate();
  }

  reserve(regions: Region[]): Promise<void> {
    return this.request('reserve', regions);
  }
  finalize(writes: SegmentWrite[], protects: ProtectRegion[]): Promise<void> {
    return this.request('finalize', { writes, protects });
  }
  release(regions: Region[]): Promise<void> {
    return this.request('release', regions);
  }
  writePointers(writes: PointerWrite[]): Promise<void> {
    return this.request('writePointers', writes);
  }
  readMemory(region: Region): Promise<Uint8Array> {
    return this.request('readMemory', region);
  }
  writeMemory(write: SegmentWrite): Promise<void> {
    return this.request('writeMemory', write);
  }
  traceTrampolines(begin: number, end: number): Promise<void> {
    return this.request('traceTrampolines', { begin, end });
  }
  enableSyscalls(): Promise<void> {
    return this.request('enableSyscalls', undefined);
  }
  linuxThreadPointers(): Promise<number[]> {
    return this.request('linuxThreadPointers', undefined);
  }
  runProgram(req: RunProgramRequest): Promise<ProgramResult> {
    return this.request('runProgram', req);
  }
  /**
   * The worker runs the process with its own node:fs for the mounts (`host.hostFs` only says that
   * mounts read the host) and sends trace lines back as messages, in order with the output.
   */
  async runLinuxProcess(req: RunLinuxProcessRequest, host: LinuxProcessHost = {}): Promise<LinuxProcessResult> {
    this.syscallTrace = req.traceSyscalls ? (host.trace ?? null) : null;
    try {
      return await this.request('runLinuxProcess', req);
    } finally {
      this.syscallTrace = null;
    }
  }
  addDispatchBarrier(barrier: () => Promise<void> | undefined): void {
    this.barriers.push(barrier);
  }
  call(fn: number, args: readonly (bigint | number)[]): Promise<bigint> {
    return this.request('call', { fn, args: args.map((a) => BigInt(a)) });
  }
  executorStats(): Promise<ExecutorStats> {
    return this.request('stats', undefined);
  }
  readRegisters(): Promise<DebugRegisters> {
    return this.request('readRegisters', undefined);
  }
  writeRegisters(writes: DebugRegisterWrite[]): Promise<void> {
    return this.request('writeRegisters', writes);
  }
  memoryRegions(): Promise<MemRegion[]> {
    return this.request('memoryRegions', undefined);
  }
  setBreakpoints(addresses: number[]): Promise<void> {
    return this.request('setBreakpoints', addresses);
  }
  setWatchpoints(watchpoints: DebugWatchpoint[]): Promise<void> {
    return this.request('setWatchpoints', watchpoints);
  }
  resume(mode: DebugResume): Promise<void> {
    return this.request('resume', mode);
  }
  interrupt(): Promise<void> {
    return this.request('interrupt', undefined);
  }
  /** Testing aid: asks the executor to crash. */
  crash(mode: 'throw' | 'exit'): Promise<void> {
    return this.request('crash', { mode });
  }

  async close(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      for (const [id, p] of this.pending) {
        if (p.timer) clearTimeout(p.timer);
        this.pending.delete(id);
        p.reject(new ExecutorDiedError('the executor was closed'));
      }
      await this.worker.terminate();
    }
    await this.exited;
  }

  private post(m: ToExecutor): void {
    this.options.onMessage?.('to-executor', m);
    this.stats.messagesSent++;
    this.stats.payloadBytes += payloadBytes(m);
    this.worker.postMessage(m);
  }

  request<K extends OpName>(op: K, args: Ops[K]['args']): Promise<Ops[K]['value']> {
    if (this.died) return Promise.reject(this.died);
    if (this.closing) return Promise.reject(new ExecutorDiedError('the executor was closed'));
    const id = this.nextId++;
    this.stats.requests++;
    const isRun = op === 'runProgram' || op === 'runLinuxProcess' || op === 'call';
    const timeout = isRun
      ? this.options.runTimeoutMs
      : op === 'bootstrap'
        ? (this.options.startTimeoutMs ?? 60_000)
        : (this.options.requestTimeoutMs ?? 30_000);
    return new Promise((resolve, reject) => {
      const timer =
        timeout === undefined
          ? undefined
          : setTimeout(() => this.die(`no answer to '${op}' within ${timeout} ms`), timeout);
      this.pending.set(id, { op, resolve: resolve as (v: unknown) => void, reject, timer });
      this.post({ t: 'req', id, op, args });
    });
  }

  /**
   * Messages are handled in order, and a `dispatch` or `res` (which start or resume the session's
   * asynchronous work: lookups, links) only after the work started by the previous one ran to its
   * next wait (one message per macrotask turn). What the controller sends, and in which order, is
   * then a function of the order of the executor's messages, not of their timing (see
   * worker-entry.ts for the executor's side).
   */
  private readonly inbox: ToController[] = [];
  private pumping = false;
  private enqueue(m: ToController): void {
    this.inbox.push(m);
    if (!this.pumping) {
      this.pumping = true;
      this.pump();
    }
  }
  private readonly pump = (): void => {
    for (;;) {
      const m = this.inbox.shift();
      if (!m) {
        this.pumping = false;
        return;
      }
      this.onMessage(m);
      if (m.t === 'dispatch' || m.t === 'res') {
        setImmediate(this.pump);
        return;
      }
    }
  };

  private onMessage(m: ToController): void {
    this.options.onMessage?.('to-controller', m);
    this.stats.messagesReceived++;
    this.stats.payloadBytes += payloadBytes(m);
    switch (m.t) {
      case 'out':
        (m.fd === 1 ? this.stdout : this.stderr)(m.bytes);
        return;
      case 'trace':
        this.trace?.(m.reached);
        return;
      case 'stop':
        this.stopHandler?.(m.stop);
        return;
      case 'syscall':
        this.syscallTrace?.(m.line);
        return;
      case 'dispatch': {
        this.stats.dispatches++;
        const answer = (reply: DispatchReply) => {
          if (!this.died && !this.closing) this.post({ t: 'dispatchReply', id: m.id, reply });
        };
        if (!this.handler) {
          answer({ result: { ok: false, error: 'no JIT dispatch handler' } });
          return;
        }
        Promise.resolve(afterBarriers(this.barriers, this.handler(m.tag, m.args))).then(answer, (e) =>
          answer({ result: { ok: false, error: serializeError(e).message } }),
        );
        return;
      }
      case 'res': {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (p.timer) clearTimeout(p.timer);
        if (m.ok) p.resolve(m.value);
        else p.reject(new RemoteExecutorError(m.error));
        return;
      }
    }
  }

  private die(reason: string): void {
    if (this.died || this.closing) return;
    const err = new ExecutorDiedError(reason);
    this.died = err;
    for (const [id, p] of this.pending) {
      if (p.timer) clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(err);
    }
    for (const f of this.deathListeners.splice(0)) f(err);
    void this.worker.terminate();
  }
}
