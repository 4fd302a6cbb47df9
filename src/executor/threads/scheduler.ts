/**
 * Emulated POSIX threads on one engine: a deterministic scheduler plus the pthread host functions.
 * See README.md next to this file for the model; in short:
 *
 * * Every thread has its own stack, TPIDR_EL0 and saved engine context. Exactly one thread is live
 *   on the engine; the others hold a context from `contextSave`.
 * * A thread runs until it blocks (a pthread gate answers 'park' after recording why), parks at the
 *   JIT dispatch gate (Executor.takePending), exits, or for a seeded number of instructions (the
 *   engine's `count`). Then a seeded PRNG picks the next runnable thread. Before a thread resumes
 *   after a scheduling point a one-instruction `clrex` runs, so an interrupted LDXR/STXR loop retries
 *   (as after an exception return on hardware).
 * * Threads parked at the JIT dispatch gate (a lazy first call) wait a seeded *virtual* latency
 *   (instructions of other threads) and are then resumed with their answer; when no other thread
 *   can run, the scheduler awaits the earliest answer. The host's real timing never decides the
 *   interleaving, so `--seed S` fixes it.
 * * Time (usleep/nanosleep): a virtual clock, 1 ns per instruction; when every live thread sleeps
 *   the clock jumps to the earliest wake-up.
 * * All threads blocked: ThreadDeadlock, listing every thread and what it waits for.
 *
 * Before the first pthread_create the program runs exactly as under the single-thread executor
 * (no slicing, no clrex), so instruction counts of unthreaded programs are unchanged.
 */
import type { Engine, EngineContext, StartOptions } from '../../emu/engine.ts';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../../emu/engine.ts';
import { InstructionBudgetExceeded } from '../../emu/errors.ts';
import { type ExecutorSymbolDef, JITSymbolFlags, type SymbolMap } from '../../protocol/symbols.ts';
import type { CallScheduler, Executor, Resumption } from '../executor.ts';
import { HostCallError, ProgramExit } from '../host/errors.ts';
import { BLR_X16_WORD, type ProcessHost, RET_WORD } from '../host/process.ts';
import { Prng } from './prng.ts';

/** Page of the scheduler's gates (after the Process host's gates/data and the Platform gate page). */
export const DEFAULT_THREADS_GATE_PAGE = 0x0e30_0000;
/** Thread stacks: slot i spans [base + i*stride, base + (i+1)*stride); the stack is its top `size`. */
export const THREAD_STACKS = { base: 0x6000_0000, stride: 0x10_0000, slots: 255 };
export const DEFAULT_THREAD_STACK_SIZE = 0x4_0000;
const TLS_SIZE = 0x100;
const CLREX_WORD = 0xd5033f5f;

/** Layout of a pthread object as clang/glibc lay it out for aarch64-linux (sizes in bytes). */
export const PTHREAD_SIZES = {
  pthread_t: 8,
  pthread_mutex_t: 48,
  pthread_cond_t: 48,
  pthread_once_t: 4,
  pthread_attr_t: 64,
} as const;

/** errno values answered by pthread functions (Linux). */
export const ERRNO = { EPERM: 1, ESRCH: 3, EAGAIN: 11, EBUSY: 16, EINVAL: 22, EDEADLK: 35 } as const;

export interface ThreadOptions {
  /** Seed of slice lengths, picks and JIT latencies (the CLI's --seed; default 0). */
  seed?: number | undefined;
  /** A running thread is preempted after a uniform number of instructions in [minSlice, maxSlice]. */
  minSlice?: number;
  maxSlice?: number;
  /** Virtual latency of a JIT answer, in instructions of other threads: uniform in [min, max]. */
  minJitLatency?: number;
  maxJitLatency?: number;
  /** Bytes of each created thread's stack. */
  stackSize?: number;
  gatePage?: number;
  /**
   * Clear the exclusive monitor before a thread resumes after a scheduling point (default true).
   * Only tests turn it off, to show the lost updates that a stale monitor lets through.
   */
  clearExclusive?: boolean;
  /** Called at every switch (trace / tests). */
  onSwitch?: (from: number, to: number, instructionCount: number) => void;
}

/** Why a thread does not run. */
export type WaitReason =
  | { kind: 'mutex'; addr: number }
  | { kind: 'cond'; addr: number; mutex: number }
  | { kind: 'join'; target: number; retvalPtr: number }
  | { kind: 'once'; addr: number }
  | { kind: 'sleep'; ns: number; until: number }
  | { kind: 'jit'; promise: Promise<Resumption>; readyAt: number }
  | { kind: 'exit-main' };

export type ThreadState = 'runnable' | 'blocked' | 'exited';

export interface EmuThread {
  /** Also the pthread_t value (1 = the thread that runs main). */
  readonly id: number;
  state: ThreadState;
  wait: WaitReason | null;
  /** Saved context while not live (null: live, or never started). */
  ctx: EngineContext | null;
  /** Not started yet: where and how. */
  start: { fn: number; arg: bigint; sp: number; tls: number } | null;
  /** Where the thread continues. */
  pc: number;
  /** x0 to write before it continues (a blocking call's answer). */
  x0: bigint | undefined;
  /** The rest of a slice cut short by a debugged run's poll point. */
  sliceLeft?: number | undefined;
  /** A JIT answer to apply before it continues. */
  resumption: Resumption | null;
  watch: { address: number; reached(n: number): void; from: number } | null;
  retval: bigint;
  detached: boolean;
  /** pthread_once calls in progress in this thread (innermost last). */
  onceFrames: { lr: bigint; addr: number }[];
  stackSlot: number;
  stackSize: number;
}

/** Every thread blocked: the run cannot continue. */
export class ThreadDeadlock extends HostCallError {
  override name = 'ThreadDeadlock';
  constructor(readonly threads: { id: number; waitsFor: string }[]) {
    super(
      `deadlock: all ${threads.length} threads are blocked\n${threads.map((t) => `  thread ${t.id}${t.id === 1 ? ' (main)' : ''}: ${t.waitsFor}`).join('\n')}`,
    );
  }
}

const hex = (a: number): string => `0x${a.toString(16)}`;

interface MutexState {
  owner: number;
  waiters: number[];
}

type GateAnswer = undefined | 'switch';
type ThreadFn = (e: Engine, t: EmuThread) => GateAnswer;

export class ThreadScheduler implements CallScheduler {
  readonly threads = new Map<number, EmuThread>();
  readonly rng: Prng;
  readonly gatePage: number;
  /** Exit gate: created threads return here (x30 at their start). */
  readonly exitGate: number;
  /** `blr x16` then the once-return gate (pthread_once calls its init routine through it). */
  readonly callStub: number;
  readonly onceReturnGate: number;
  readonly clrexAddress: number;
  /** Definitions of the pthread functions (for the Process JITDylib). */
  readonly symbols: SymbolMap = new Map();
  /** Number of context switches so far. */
  switches = 0;
  /** True once a second thread existed: from then on threads are preempted. */
  multi = false;
  private current: EmuThread | null = null;
  /** The last slice was cut short by a debugged run's poll point (see Executor.pollInstructions). */
  private polledSlice = false;

  /** The emulated thread running now (1: the main thread). */
  currentThreadId(): number {
    return this.current?.id ?? 1;
  }
  private switchRequested = false;
  private nextId = 2;
  private skippedNs = 0;
  private readonly freeSlots: number[] = [];
  private nextSlot = 0;
  private readonly mutexes = new Map<number, MutexState>();
  private readonly conds = new Map<number, number[]>();
  private readonly onces = new Map<number, { runner: number; waiters: number[] } | 'done'>();
  private readonly opts: Required<Omit<ThreadOptions, 'onSwitch' | 'seed'>>;
  private nextGate: number;

  constructor(
    readonly host: ProcessHost,
    readonly executor: Executor,
    private readonly options: ThreadOptions = {},
  ) {
    this.rng = new Prng(options.seed ?? 0);
    this.opts = {
      minSlice: options.minSlice ?? 16,
      maxSlice: options.maxSlice ?? 400,
      minJitLatency: options.minJitLatency ?? 64,
      maxJitLatency: options.maxJitLatency ?? 2048,
      stackSize: options.stackSize ?? DEFAULT_THREAD_STACK_SIZE,
      gatePage: options.gatePage ?? DEFAULT_THREADS_GATE_PAGE,
      clearExclusive: options.clearExclusive ?? true,
    };
    const e = host.engine;
    const page = this.opts.gatePage;
    this.gatePage = page;
    this.exitGate = page;
    this.callStub = page + 8;
    this.onceReturnGate = page + 12;
    this.clrexAddress = page + 16;
    this.nextGate = page + 32;
    e.memMap(page, 0x1000, PROT_READ | PROT_EXEC);
    const words = new Uint8Array(0x1000);
    const dv = new DataView(words.buffer);
    for (let o = 0; o < 0x1000; o += 4) dv.setUint32(o, RET_WORD, true);
    dv.setUint32(this.callStub - page, BLR_X16_WORD, true);
    dv.setUint32(this.clrexAddress - page, CLREX_WORD, true);
    e.memWrite(page, words);
    e.addHostGate(this.exitGate, (eng) => this.gate('thread exit', eng, (en, t) => this.exitThread(en, t, en.getX(0))));
    e.addHostGate(this.onceReturnGate, (eng) => this.gate('pthread_once', eng, (en, t) => this.onceReturn(en, t)));
    this.defineFunctions();
  }

  get engine(): Engine {
    return this.host.engine;
  }

  /** The thread live on the engine (null outside a call). */
  currentThread(): EmuThread | null {
    return this.current;
  }

  /** Virtual clock in nanoseconds (exact between engine runs). */
  clockNs(): number {
    return this.engine.instructionCount() + this.skippedNs;
  }

  // ---- the run loop -----------------------------------------------------------------------------

  async call(fn: number, args: readonly (bigint | number)[] = [], inspect?: (engine: Engine) => void): Promise<bigint> {
    if (args.length > 8) throw new HostCallError('call supports at most 8 integer arguments');
    if (this.current !== null) throw new HostCallError('a scheduler call is already running');
    const e = this.engine;
    const host = this.host;
    const callerCtx = e.contextSave();
    for (let i = 0; i < args.length; i++) e.setX(i, BigInt.asUintN(64, BigInt(args[i] as bigint | number)));
    e.setX(30, host.returnSentinel);
    let main = this.threads.get(1);
    if (!main) {
      main = this.newThread(1, null, 0, 0);
      this.threads.set(1, main);
    }
    Object.assign(main, { state: 'runnable', wait: null, ctx: null, pc: fn, x0: undefined, resumption: null });
    main.watch = null;
    main.onceFrames = [];
    this.current = main;
    this.executor.enterLoop();
    let t = main;
    let clear = false;
    try {
      for (;;) {
        const r = this.runSlice(t, clear);
        const polled = this.polledSlice;
        this.polledSlice = false;
        if (r.reason !== 'count' && r.reason !== 'slice') t.sliceLeft = undefined;
        clear = this.multi && this.opts.clearExclusive;
        if (r.reason === 'until') {
          if (t.watch && r.pc === t.watch.address) {
            t.watch.reached(e.instructionCount() - t.watch.from);
            t.watch = null;
            t.pc = r.pc;
            clear = false;
            continue;
          }
          if (t === main && r.pc === host.returnSentinel) break;
          throw new HostCallError(`thread ${t.id} reached ${hex(r.pc)} unexpectedly`);
        }
        if (r.reason === 'count' || r.reason === 'slice') {
          const deadline = host.instructionDeadline;
          if (deadline !== undefined && e.instructionCount() >= deadline)
            throw new InstructionBudgetExceeded(deadline, r.pc);
          if (polled && this.executor.poll) {
            // A debugged run's poll point, not a preemption: the same thread goes on with its slice.
            await this.executor.poll();
            t.pc = e.getPc();
            clear = false;
            continue;
          }
          t.sliceLeft = undefined;
          t.pc = r.pc; // preempted
        } else if (r.reason === 'parked') {
          if (this.switchRequested) {
            this.switchRequested = false;
            if (t.state !== 'exited') t.pc = Number(e.getX(30));
            if (t.wait?.kind === 'sleep') t.wait.until = this.clockNs() + t.wait.ns;
          } else {
            const p = this.executor.takePending();
            if (!p) throw new HostCallError(`the engine parked at ${hex(r.pc)} without a pending answer`);
            t.pc = Number(e.getX(30));
            const latency = this.multi ? this.rng.range(this.opts.minJitLatency, this.opts.maxJitLatency) : 0;
            this.block(t, { kind: 'jit', promise: p, readyAt: e.instructionCount() + latency });
          }
        } else if ((r.reason === 'stopped' || r.reason === 'breakpoint') && this.executor.onStopped) {
          await this.executor.onStopped(r.pc, r.reason);
          t.pc = e.getPc();
          clear = false;
          continue;
        } else {
          throw new HostCallError(`thread ${t.id} stopped with '${r.reason}' at ${hex(r.pc)}`);
        }
        const next = await this.pickNext(t);
        if (next !== t) {
          if (t.state !== 'exited') t.ctx = e.contextSave();
          this.enter(next);
          this.switches++;
          this.options.onSwitch?.(t.id, next.id, e.instructionCount());
          t = next;
          this.current = t;
        }
      }
    } finally {
      this.executor.leaveLoop();
      this.current = null;
    }
    main.state = 'exited';
    const x0 = e.getX(0);
    inspect?.(e);
    e.contextRestore(callerCtx);
    return x0;
  }

  /** Runs `t` (live on the engine) for one slice. */
  private runSlice(t: EmuThread, clear: boolean) {
    const e = this.engine;
    const host = this.host;
    if (t.resumption) {
      const res = t.resumption;
      t.resumption = null;
      res.apply(e);
      t.pc = Number(e.getX(30));
      if (res.watch) t.watch = { ...res.watch, from: e.instructionCount() };
    }
    if (t.x0 !== undefined) {
      e.setX(0, t.x0);
      t.x0 = undefined;
    }
    if (clear) e.start(this.clrexAddress, this.clrexAddress + 4, { count: 1 });
    let count =
      t.sliceLeft ?? (this.multi ? this.rng.range(this.opts.minSlice, this.opts.maxSlice) : Number.POSITIVE_INFINITY);
    t.sliceLeft = undefined;
    const poll = this.executor.pollInstructions;
    // An unbounded slice is polled at a block boundary (StartOptions.slice: Unicorn keeps native
    // speed); a preemption slice stays exact so that threads interleave as in an undebugged run.
    let slice: number | undefined;
    if (poll !== undefined && poll < count) {
      t.sliceLeft = count - poll;
      if (Number.isFinite(count)) count = poll;
      else slice = poll;
      this.polledSlice = true;
    }
    const deadline = host.instructionDeadline;
    if (deadline !== undefined) {
      const left = deadline - e.instructionCount();
      if (left <= 0) throw new InstructionBudgetExceeded(deadline, t.pc);
      count = Math.min(count, left);
    }
    const until = t.watch?.address ?? host.returnSentinel;
    // Through the executor: a thread that begins or resumes at a breakpoint stops there first.
    const options: StartOptions = Number.isFinite(count) ? { count } : {};
    if (slice !== undefined) options.slice = slice;
    return this.executor.start(t.pc, until, options);
  }

  /** Makes `t` live: restores its context or sets up its first registers. */
  private enter(t: EmuThread): void {
    const e = this.engine;
    if (t.ctx) {
      e.contextRestore(t.ctx);
      t.ctx = null;
      return;
    }
    if (!t.start) throw new HostCallError(`thread ${t.id} has no context to resume`);
    const s = t.start;
    t.start = null;
    e.setX(0, s.arg);
    for (let i = 1; i <= 29; i++) e.setX(i, 0n);
    e.setX(30, BigInt(this.exitGate));
    e.setX(31, BigInt(s.sp));
    e.regWrite('tpidr_el0', BigInt(s.tls));
    e.regWrite('nzcv', 0n);
    t.pc = s.fn;
  }

  /** Chooses the next thread at a scheduling point (awaiting JIT answers when due). */
  private async pickNext(cur: EmuThread): Promise<EmuThread> {
    const pinned = this.host.pendingCalls().length > 0;
    for (;;) {
      const now = this.engine.instructionCount();
      const clock = now + this.skippedNs;
      for (const t of this.threads.values()) {
        if (t.state === 'blocked' && t.wait?.kind === 'sleep' && t.wait.until <= clock) this.wake(t, 0n);
      }
      if (pinned) {
        // A host function of `cur` is waiting for an emulated callback (qsort, exit handlers): its
        // frames are not per thread, so `cur` keeps the engine until the callback is done.
        if (cur.state === 'runnable') return cur;
        if (cur.wait?.kind === 'jit') {
          await this.answer(cur);
          return cur;
        }
        throw new HostCallError(
          `thread ${cur.id} blocked (${this.describe(cur)}) inside a host callback (${this.host.pendingCalls().join(', ')}): not supported`,
        );
      }
      const jits = [...this.threads.values()]
        .filter((t) => t.wait?.kind === 'jit')
        .sort(
          (a, b) => (a.wait as { readyAt: number }).readyAt - (b.wait as { readyAt: number }).readyAt || a.id - b.id,
        );
      for (const t of jits) if ((t.wait as { readyAt: number }).readyAt <= now) await this.answer(t);
      const runnable = [...this.threads.values()].filter((t) => t.state === 'runnable');
      if (runnable.length > 0) return runnable[this.rng.int(runnable.length)] as EmuThread;
      const firstJit = jits.find((t) => t.wait?.kind === 'jit');
      if (firstJit) {
        await this.answer(firstJit);
        continue;
      }
      let wake = Number.POSITIVE_INFINITY;
      for (const t of this.threads.values())
        if (t.state === 'blocked' && t.wait?.kind === 'sleep') wake = Math.min(wake, t.wait.until);
      if (Number.isFinite(wake)) {
        this.skippedNs += wake - clock;
        continue;
      }
      const blocked = [...this.threads.values()].filter((t) => t.state === 'blocked');
      const main = this.threads.get(1);
      if (main?.wait?.kind === 'exit-main' && blocked.length === 1) throw new ProgramExit(0, 'exit');
      throw new ThreadDeadlock(blocked.map((t) => ({ id: t.id, waitsFor: this.describe(t) })));
    }
  }

  private async answer(t: EmuThread): Promise<void> {
    const w = t.wait;
    if (w?.kind !== 'jit') return;
    const res = await w.promise;
    t.resumption = res;
    t.state = 'runnable';
    t.wait = null;
  }

  /** What `t` waits for, for deadlock reports. */
  describe(t: EmuThread): string {
    const w = t.wait;
    if (!w) return t.state;
    switch (w.kind) {
      case 'mutex': {
        const owner = this.mutexes.get(w.addr)?.owner ?? 0;
        const who = owner === t.id ? 'itself' : `thread ${owner}`;
        return `pthread_mutex_lock(${hex(w.addr)}), held by ${who}`;
      }
      case 'cond':
        return `pthread_cond_wait(${hex(w.addr)}, mutex ${hex(w.mutex)}), never signalled`;
      case 'join':
        return `pthread_join(thread ${w.target})`;
      case 'once': {
        const o = this.onces.get(w.addr);
        return `pthread_once(${hex(w.addr)}), init routine running in thread ${o && o !== 'done' ? o.runner : '?'}`;
      }
      case 'sleep':
        return `sleeping until ${w.until} ns`;
      case 'jit':
        return 'a JIT dispatch answer';
      case 'exit-main':
        return 'pthread_exit (waiting for the other threads)';
    }
  }

  // ---- thread bookkeeping -----------------------------------------------------------------------

  private newThread(id: number, start: EmuThread['start'], stackSlot: number, stackSize: number): EmuThread {
    return {
      id,
      state: 'runnable',
      wait: null,
      ctx: null,
      start,
      pc: start?.fn ?? 0,
      x0: undefined,
      resumption: null,
      watch: null,
      retval: 0n,
      detached: false,
      onceFrames: [],
      stackSlot,
      stackSize,
    };
  }

  private block(t: EmuThread, wait: WaitReason): void {
    t.state = 'blocked';
    t.wait = wait;
  }

  private wake(t: EmuThread, x0: bigint): void {
    t.state = 'runnable';
    t.wait = null;
    t.x0 = x0;
  }

  private exitThread(_e: Engine, t: EmuThread, retval: bigint): GateAnswer {
    if (t.id === 1) {
      this.block(t, { kind: 'exit-main' });
      return 'switch';
    }
    t.state = 'exited';
    t.wait = null;
    t.retval = retval;
    for (const j of this.threads.values()) {
      if (j.wait?.kind === 'join' && j.wait.target === t.id) {
        if (j.wait.retvalPtr !== 0) this.host.writeU64(j.wait.retvalPtr, retval);
        this.wake(j, 0n);
        this.reap(t);
      }
    }
    if (t.detached) this.reap(t);
    return 'switch';
  }

  /** Forgets an exited thread and frees its stack. */
  private reap(t: EmuThread): void {
    if (!this.threads.has(t.id)) return;
    this.threads.delete(t.id);
    if (t.stackSize > 0) {
      const top = THREAD_STACKS.base + (t.stackSlot + 1) * THREAD_STACKS.stride;
      this.engine.memUnmap(top - t.stackSize, t.stackSize);
      this.freeSlots.push(t.stackSlot);
      this.freeSlots.sort((a, b) => b - a);
    }
  }

  private mutex(addr: number): MutexState {
    let m = this.mutexes.get(addr);
    if (!m) {
      m = { owner: 0, waiters: [] };
      this.mutexes.set(addr, m);
    }
    return m;
  }

  /** Releases `m`, handing it to the first waiter (FIFO). */
  private release(m: MutexState): void {
    const next = m.waiters.shift();
    if (next === undefined) {
      m.owner = 0;
      return;
    }
    m.owner = next;
    const t = this.threads.get(next);
    if (t) this.wake(t, 0n);
  }

  /** `t` (woken from a condvar) takes `addr` again, or queues for it. */
  private reacquire(t: EmuThread, addr: number): void {
    const m = this.mutex(addr);
    if (m.owner === 0) {
      m.owner = t.id;
      this.wake(t, 0n);
    } else {
      m.waiters.push(t.id);
      this.block(t, { kind: 'mutex', addr });
    }
  }

  private onceReturn(e: Engine, t: EmuThread): GateAnswer {
    const frame = t.onceFrames.pop();
    if (!frame)
      throw new HostCallError(`thread ${t.id}: return into the pthread_once gate without a pthread_once call`);
    const o = this.onces.get(frame.addr);
    this.onces.set(frame.addr, 'done');
    this.host.writeInt(frame.addr, 4, 2);
    if (o && o !== 'done') {
      for (const id of o.waiters) {
        const w = this.threads.get(id);
        if (w) this.wake(w, 0n);
      }
    }
    e.setX(0, 0n);
    e.setX(30, frame.lr);
    return undefined;
  }

  // ---- gates ------------------------------------------------------------------------------------

  private gate(name: string, e: Engine, fn: ThreadFn): 'park' | undefined {
    const t = this.current;
    if (!t) throw new HostCallError(`${name}() called outside the thread scheduler (no executor call running)`);
    const answer = fn(e, t);
    if (answer === undefined) return undefined;
    this.switchRequested = true;
    return 'park';
  }

  private define(name: string, fn: ThreadFn): void {
    const addr = this.nextGate;
    this.nextGate += 4;
    this.engine.addHostGate(addr, (e) => this.gate(name, e, fn));
    this.symbols.set(name, { address: addr, flags: JITSymbolFlags.Exported | JITSymbolFlags.Callable });
  }

  symbol(name: string): ExecutorSymbolDef | undefined {
    return this.symbols.get(name);
  }

  private defineFunctions(): void {
    const x = (e: Engine, i: number) => BigInt.asUintN(64, e.getX(i));
    const n = (e: Engine, i: number) => Number(BigInt.asUintN(64, e.getX(i)));
    const ret = (e: Engine, v: number | bigint): undefined => {
      e.setX(0, BigInt.asUintN(64, BigInt(v)));
      return undefined;
    };
    const host = this.host;

    this.define('pthread_create', (e, t) => {
      const out = n(e, 0);
      const fn = n(e, 2);
      const arg = x(e, 3);
      const slot = this.freeSlots.pop() ?? (this.nextSlot < THREAD_STACKS.slots ? this.nextSlot++ : -1);
      if (slot < 0) return ret(e, ERRNO.EAGAIN);
      const size = this.opts.stackSize;
      const top = THREAD_STACKS.base + (slot + 1) * THREAD_STACKS.stride;
      this.engine.memMap(top - size, size, PROT_READ | PROT_WRITE);
      const tls = host.heap.alloc(TLS_SIZE, 16);
      if (tls === 0) throw new HostCallError('pthread_create: no memory for the thread control block');
      host.writeBytes(tls, new Uint8Array(TLS_SIZE));
      const id = this.nextId++;
      this.threads.set(id, this.newThread(id, { fn, arg, sp: top - 16, tls }, slot, size));
      if (out !== 0) host.writeU64(out, BigInt(id));
      this.multi = true;
      t.x0 = 0n;
      return 'switch';
    });
    this.define('pthread_join', (e, t) => {
      const target = n(e, 0);
      const retvalPtr = n(e, 1);
      if (target === t.id) return ret(e, ERRNO.EDEADLK);
      const u = this.threads.get(target);
      if (!u || target === 1) return ret(e, ERRNO.ESRCH);
      if (u.detached) return ret(e, ERRNO.EINVAL);
      for (const o of this.threads.values())
        if (o.wait?.kind === 'join' && o.wait.target === target) return ret(e, ERRNO.EINVAL);
      if (u.state === 'exited') {
        if (retvalPtr !== 0) host.writeU64(retvalPtr, u.retval);
        this.reap(u);
        return ret(e, 0);
      }
      this.block(t, { kind: 'join', target, retvalPtr });
      return 'switch';
    });
    this.define('pthread_detach', (e) => {
      const u = this.threads.get(n(e, 0));
      if (!u || u.id === 1) return ret(e, ERRNO.ESRCH);
      u.detached = true;
      if (u.state === 'exited') this.reap(u);
      return ret(e, 0);
    });
    this.define('pthread_self', (e, t) => ret(e, t.id));
    this.define('pthread_equal', (e) => ret(e, x(e, 0) === x(e, 1) ? 1 : 0));
    this.define('pthread_exit', (e, t) => this.exitThread(e, t, x(e, 0)));

    // mutexes (normal kind; attributes are ignored)
    this.define('pthread_mutex_init', (e) => {
      this.mutexes.set(n(e, 0), { owner: 0, waiters: [] });
      return ret(e, 0);
    });
    this.define('pthread_mutex_destroy', (e) => {
      const m = this.mutexes.get(n(e, 0));
      if (m && (m.owner !== 0 || m.waiters.length > 0)) return ret(e, ERRNO.EBUSY);
      this.mutexes.delete(n(e, 0));
      return ret(e, 0);
    });
    this.define('pthread_mutex_lock', (e, t) => {
      const addr = n(e, 0);
      const m = this.mutex(addr);
      if (m.owner === 0) {
        m.owner = t.id;
        return ret(e, 0);
      }
      m.waiters.push(t.id);
      this.block(t, { kind: 'mutex', addr });
      return 'switch';
    });
    this.define('pthread_mutex_trylock', (e, t) => {
      const m = this.mutex(n(e, 0));
      if (m.owner !== 0) return ret(e, ERRNO.EBUSY);
      m.owner = t.id;
      return ret(e, 0);
    });
    this.define('pthread_mutex_unlock', (e, t) => {
      const m = this.mutex(n(e, 0));
      if (m.owner !== t.id) return ret(e, ERRNO.EPERM);
      this.release(m);
      return ret(e, 0);
    });

    // condition variables
    this.define('pthread_cond_init', (e) => {
      this.conds.set(n(e, 0), []);
      return ret(e, 0);
    });
    this.define('pthread_cond_destroy', (e) => {
      const w = this.conds.get(n(e, 0));
      if (w && w.length > 0) return ret(e, ERRNO.EBUSY);
      this.conds.delete(n(e, 0));
      return ret(e, 0);
    });
    this.define('pthread_cond_wait', (e, t) => {
      const addr = n(e, 0);
      const mutex = n(e, 1);
      const m = this.mutex(mutex);
      if (m.owner !== t.id) return ret(e, ERRNO.EPERM);
      this.release(m);
      let q = this.conds.get(addr);
      if (!q) {
        q = [];
        this.conds.set(addr, q);
      }
      q.push(t.id);
      this.block(t, { kind: 'cond', addr, mutex });
      return 'switch';
    });
    const signal = (addr: number, all: boolean): void => {
      const q = this.conds.get(addr);
      if (!q) return;
      while (q.length > 0) {
        const w = this.threads.get(q.shift() as number);
        if (w?.wait?.kind === 'cond') this.reacquire(w, w.wait.mutex);
        if (!all) break;
      }
    };
    this.define('pthread_cond_signal', (e) => {
      signal(n(e, 0), false);
      return ret(e, 0);
    });
    this.define('pthread_cond_broadcast', (e) => {
      signal(n(e, 0), true);
      return ret(e, 0);
    });

    // once
    this.define('pthread_once', (e, t) => {
      const addr = n(e, 0);
      const init = n(e, 1);
      let o = this.onces.get(addr);
      if (o === undefined && new DataView(host.readBytes(addr, 4).buffer).getInt32(0, true) !== 0) o = 'done';
      if (o === 'done') return ret(e, 0);
      if (o) {
        o.waiters.push(t.id);
        this.block(t, { kind: 'once', addr });
        return 'switch';
      }
      this.onces.set(addr, { runner: t.id, waiters: [] });
      t.onceFrames.push({ lr: e.getX(30), addr });
      // The gate's `ret` goes to `blr x16`, which calls init with x30 = the once-return gate.
      e.setX(16, BigInt(init));
      e.setX(30, BigInt(this.callStub));
      return undefined;
    });

    // scheduling and time
    this.define('sched_yield', (e, t) => {
      t.x0 = 0n;
      e.setX(0, 0n);
      return 'switch';
    });
    const sleep = (t: EmuThread, ns: number): GateAnswer => {
      if (ns <= 0) {
        t.x0 = 0n;
        return 'switch';
      }
      this.block(t, { kind: 'sleep', ns, until: 0 });
      return 'switch';
    };
    this.define('usleep', (e, t) => sleep(t, n(e, 0) * 1000));
    this.define('nanosleep', (e, t) => {
      const req = n(e, 0);
      const dv = new DataView(host.readBytes(req, 16).buffer);
      const sec = Number(dv.getBigInt64(0, true));
      const nsec = Number(dv.getBigInt64(8, true));
      if (sec < 0 || nsec < 0 || nsec >= 1e9) return ret(e, -1);
      return sleep(t, sec * 1e9 + nsec);
    });
  }
}
