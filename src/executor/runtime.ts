/**
 * The executor side of executor process control: the engine, the Process host functions
 * (ProcessHost: printf, malloc… operate on executor memory, so they live here), the parking
 * Executor and the `__orc_rt_jit_dispatch` gate. It knows nothing of ORC: linking happens in the
 * controller, which sends memory operations; JIT dispatch calls go back to the controller through
 * `dispatch` (a direct call in process, a message from a worker).
 *
 * The gate parks the emulated thread until the controller's answer is there (a worker's answer is
 * never synchronous; in process, `dispatchInThread`, an answer that is ready at once is written at
 * once, as a local Platform would). From inside a host callback, which cannot park, it answers an
 * out-of-band error unless the in-process answer was ready.
 */
import { readJitDispatchCall, writeJitDispatchResult } from '../../runtime-aarch64/abi.ts';
import type { Engine } from '../emu/engine.ts';
import { PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE } from '../emu/engine.ts';
import type { HostFs } from '../emu/linux/host.ts';
import type { LinuxSystem } from '../emu/linux/kernel.ts';
import { engineFactory } from '../emu/linux/process.ts';

import type { DebugRunOptions, DebugStop } from '../protocol/debug.ts';
import {
  DEFAULT_PLATFORM_GATE_PAGE,
  type DispatchReply,
  type ExecutorBootstrap,
  type LinuxProcessResult,
  type ProtectRegion,
  type Region,
  type RunLinuxProcessRequest,
  type RunProgramRequest,
  type SegmentWrite,
  type TraceReached,
} from '../protocol/epc.ts';
import { outOfBandError } from '../protocol/wrapper.ts';
import { ExecutorDebug } from './debug.ts';
import { Executor, type Resumption } from './executor.ts';
import { programFault, RunSyscalls, signalOf } from './host/linux.ts';
import { type LinuxProcessOptions, runLinuxProcess } from './host/linux-process.ts';
import { type OutputSink, ProcessHost, RET_WORD } from './host/process.ts';
import { DEFAULT_STACK, type ProgramResult } from './host/runner.ts';
import { JitLoaderGdb } from './jit-loader-gdb.ts';
import { type ThreadOptions, ThreadScheduler } from './threads/scheduler.ts';

export interface ExecutorRuntimeOptions {
  engine: Engine;
  stdout: OutputSink;
  stderr: OutputSink;
  /**
   * Sends a JIT dispatch call (tag address, SPS argument bytes) to the controller. An answer that
   * is there at once (in process) is written at once; a promise parks the emulated thread.
   */
  dispatch: (tag: number, args: Uint8Array) => DispatchReply | Promise<DispatchReply>;
  /**
   * The controller runs in this thread (in-process EPC): dispatch is asked even where the thread
   * cannot park (inside a host callback), and an answer that is there at once is used.
   */
  dispatchInThread?: boolean;
  /** Receives the stops of a debugged run (src/protocol/debug.ts). */
  onStop?: (stop: DebugStop) => void;
  /** Receives trace watches that were reached (see DispatchReply.watch). */
  onTrace?: (r: TraceReached) => void;
  gatePage?: number;
  /** Seed of the thread scheduler and of getrandom (the CLI's --seed; default 0). */
  seed?: number | undefined;
  /**
   * Emulated pthreads (src/executor/threads): scheduler options (its seed
   * defaults to `seed`), or false for the single-thread executor without pthread functions.
   */
  threads?: ThreadOptions | false;
  /** What read(0) (host read() and the syscall) sees: bytes or a reader called on the first read (default: EOF). */
  stdin?: Uint8Array | (() => Uint8Array) | undefined;
}

export class ExecutorRuntime {
  readonly engine: Engine;
  readonly host: ProcessHost;
  readonly executor: Executor;
  readonly gateAddress: number;
  /** JIT dispatch calls made so far. */
  dispatches = 0;
  /** Host microseconds the emulated thread spent parked in JIT dispatch. */
  dispatchMicros = 0;
  private readonly entered = new Map<number, number>();
  private bootstrapped: ExecutorBootstrap | null = null;
  /** The thread scheduler (null with `threads: false`); it runs every executor call. */
  readonly threads: ThreadScheduler | null;
  /** The Linux syscall layer, once the controller turned it on (see enableSyscalls). */
  syscalls: RunSyscalls | null = null;
  /** Debug primitives (breakpoints, steps, watchpoints, registers). */
  readonly debug: ExecutorDebug;
  /** The GDB JIT interface's descriptor and `__jit_debug_register_code` (jit-loader-gdb.ts). */
  readonly jitLoader: JitLoaderGdb;
  /** The kernel of a Linux-process run while it runs (its current task is the debugger's thread). */
  private linux: LinuxSystem | undefined;

  constructor(private readonly options: ExecutorRuntimeOptions) {
    this.engine = options.engine;
    this.host = new ProcessHost(options.engine, {
      stdout: options.stdout,
      stderr: options.stderr,
      ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
    });
    this.executor = new Executor(this.host);
    this.gateAddress = options.gatePage ?? DEFAULT_PLATFORM_GATE_PAGE;
    if (options.threads === false) this.threads = null;
    else {
      this.threads = new ThreadScheduler(this.host, this.executor, { seed: options.seed, ...options.threads });
      this.executor.scheduler = this.threads;
    }
    const threads = this.threads;
    this.jitLoader = new JitLoaderGdb(this.engine);
    this.debug = new ExecutorDebug(
      {
        engine: this.engine,
        executor: this.executor,
        isGate: (a) => this.isGate(a),
        threadId: () => this.linux?.current?.tid ?? threads?.currentThreadId() ?? 1,
      },
      (stop) => options.onStop?.(stop),
    );
    // Locals, not literals in the property stores: see Executor's constructor (node 20's scavenger
    // keeps `obj.p = () => …` closures, and with them this runtime, until the next full GC).
    const onStopped: Executor['onStopped'] = (pc, reason) => this.debug.onEngineStopped(pc, reason);
    const breakpointAtBegin: Executor['breakpointAtBegin'] = (pc) => this.debug.breakpointAtBegin(pc);
    this.executor.onStopped = onStopped;
    this.executor.breakpointAtBegin = breakpointAtBegin;
  }

  /** Host call gates: the Process host's gate page, the dispatch gate, the thread functions' gates. */
  isGate(address: number): boolean {
    const layout = this.host.layout;
    if (address >= layout.gateBase && address < layout.gateBase + layout.gateSize) return true;
    if (address === this.gateAddress || this.jitLoader.isGate(address)) return true;
    const t = this.threads;
    return t !== null && address >= t.gatePage && address < t.gatePage + PAGE_SIZE;
  }

  /** Installs the host functions and the dispatch gate; answers what the controller must know. */
  bootstrap(): ExecutorBootstrap {
    if (this.bootstrapped) return this.bootstrapped;
    this.host.install();
    const e = this.engine;
    e.memMap(this.gateAddress, 0x1000, PROT_READ | PROT_EXEC);
    const slot = new Uint8Array(4);
    new DataView(slot.buffer).setUint32(0, RET_WORD, true);
    e.memWrite(this.gateAddress, slot);
    e.addHostGate(this.gateAddress, (eng) => this.onDispatchGate(eng));
    this.jitLoader.install();
    // The pthread functions join the Process JITDylib's definitions (the session defines them
    // after the host's); a name the host already defines keeps the host's definition.
    const threadSymbols = [...(this.threads?.symbols ?? [])].filter(([name]) => this.host.symbol(name) === undefined);
    const wire = (defs: Iterable<[string, { address: number; flags: number }]>) =>
      [...defs].map(([name, d]) => ({ name, address: d.address, flags: d.flags }));
    this.bootstrapped = {
      processSymbols: [...wire(this.host.symbols), ...this.jitLoader.symbols],
      threadSymbols: wire(threadSymbols),
      jitDispatch: this.gateAddress,
      returnSentinel: this.host.returnSentinel,
      pageSize: PAGE_SIZE,
      engine: e.kind,
    };
    return this.bootstrapped;
  }

  reserve(regions: readonly Region[]): void {
    for (const r of regions) if (r.size > 0) this.engine.memMap(r.address, r.size, PROT_READ | PROT_WRITE);
  }

  finalize(writes: readonly SegmentWrite[], protects: readonly ProtectRegion[]): void {
    for (const w of writes) if (w.bytes.length > 0) this.engine.memWrite(w.address, w.bytes);
    for (const p of protects) if (p.size > 0) this.engine.memProtect(p.address, p.size, p.prot);
  }

  release(regions: readonly Region[]): void {
    for (const r of regions) if (r.size > 0) this.engine.memUnmap(r.address, r.size);
  }

  writePointers(writes: readonly { address: number; value: number }[]): void {
    const b = new Uint8Array(8);
    const dv = new DataView(b.buffer);
    for (const w of writes) {
      if (w.address % 8 !== 0) throw new Error(`stub pointer 0x${w.address.toString(16)} is not 8-byte aligned`);
      dv.setBigUint64(0, BigInt(w.value), true);
      this.engine.memWrite(w.address, b);
    }
  }

  readMemory(r: Region): Uint8Array {
    return r.size === 0 ? new Uint8Array() : this.engine.memRead(r.address, r.size);
  }

  writeMemory(w: SegmentWrite): void {
    if (w.bytes.length > 0) this.engine.memWrite(w.address, w.bytes);
  }

  traceTrampolines(begin: number, end: number): void {
    const e = this.engine;
    e.hookAdd(
      'block',
      (address) => {
        this.entered.set(address, e.instructionCount());
      },
      { begin, end },
    );
  }

  /**
   * Turns on the Linux syscall layer (raw `svc #0`: write, read, exit_group, brk, mmap…; see
   * host/linux.ts). The controller asks before it finalizes the first graph whose code contains
   * `svc`, as installLinuxSyscalls does in process. Idempotent.
   */
  enableSyscalls(): void {
    this.syscalls ??= new RunSyscalls(this.host, { seed: this.options.seed, stdin: this.options.stdin });
    this.syscalls.install();
  }

  async runProgram(req: RunProgramRequest): Promise<ProgramResult> {
    this.bootstrap();
    this.host.atexitHandlers.push(...req.finalizers);
    const debug = req.debug;
    if (debug) this.startDebugRun(req.entry, debug);
    let run = this.executor.runProgram(req.entry, {
      argv: req.argv,
      initializers: req.initializers,
      ...(req.maxInstructions === undefined ? {} : { maxInstructions: req.maxInstructions }),
    });
    if (debug)
      // gdb stops at a fatal signal with the registers intact; resuming lets the program die.
      run = run.catch(async (e: unknown) => {
        const s = signalOf(e, this.engine);
        if (s && this.debug.active)
          await this.debug.stopAndWait({
            reason: 'fault',
            pc: this.engine.getPc(),
            fault: { signal: s.signal, message: s.reason },
          });
        throw e;
      });
    // As `run` does: a fatal fault/trap ends the run with 128 + signal, the reason on stderr
    // (through the program's stderr stream, so it stays in order with the program's output).
    const enc = new TextEncoder();
    if (req.faultsAsSignals) run = run.catch(programFault(this.host, (s) => this.options.stderr(enc.encode(s))));
    if (!debug) return run;
    try {
      const r = await run;
      this.debug.end(r.status, this.engine.getPc());
      return r;
    } catch (e) {
      this.debug.end(undefined, this.engine.getPc());
      throw e;
    } finally {
      this.executor.pollInstructions = undefined;
      this.executor.poll = null;
    }
  }

  /**
   * Runs the image the controller linked as a Linux process on this executor's engine
   * (host/linux-process.ts): the program's own start-up code from its entry, system calls on the
   * Linux layer, lazy first calls parked at the dispatch gate until the controller answers. With
   * the GDB JIT interface's entries pending, the notify routine runs first and returns to the entry.
   * `local` carries what cannot cross a worker boundary (the host file system, the trace sink).
   */
  /** TPIDR_EL0 of every live thread of the running Linux process (none: empty). */
  linuxThreadPointers(): number[] {
    return this.threadPointersOfProcess?.() ?? [];
  }
  private threadPointersOfProcess: (() => number[]) | undefined;

  async runLinuxProcess(
    req: RunLinuxProcessRequest,
    local: {
      hostFs?: HostFs | undefined;
      trace?: ((line: string) => void) | undefined;
      onStart?: LinuxProcessOptions['onStart'];
      afterAnswer?: LinuxProcessOptions['afterAnswer'];
    } = {},
  ): Promise<LinuxProcessResult> {
    this.bootstrap();
    const newEngine = await engineFactory(this.engine.kind, {});
    const debug = req.debug;
    if (debug) this.debug.begin(req.image.entry, debug.stopAtEntry ?? false);
    const host = this.host;
    try {
      const r = await runLinuxProcess(this.engine, this.executor, req.image, {
        argv: req.argv,
        env: req.env,
        stdin: host.stdin,
        stdout: (b) => host.stdout(b),
        stderr: (b) => host.stderr(b),
        newEngine,
        ...(req.mounts ? { mounts: req.mounts } : {}),
        ...(local.hostFs ? { hostFs: local.hostFs } : {}),
        ...(req.cwd ? { cwd: req.cwd } : {}),
        ...(req.maxInstructions === undefined ? {} : { maxInstructions: req.maxInstructions }),
        ...(local.trace ? { trace: local.trace } : {}),
        ...(req.seed === undefined ? {} : { seed: req.seed }),
        ...(local.onStart ? { onStart: local.onStart } : {}),
        ...(local.afterAnswer ? { afterAnswer: local.afterAnswer } : {}),
        startThrough: this.jitLoader.startAddress(),
        debug: debug ? this.debug.linuxProcessDebug() : undefined,
        onKernel: (k) => {
          this.linux = k;
        },
        onThreadPointers: (tp) => {
          this.threadPointersOfProcess = tp;
        },
      });
      if (debug) this.debug.end(r.status, this.engine.getPc());
      return r;
    } catch (e) {
      if (debug) this.debug.end(undefined, this.engine.getPc());
      throw e;
    } finally {
      this.linux = undefined;
      this.threadPointersOfProcess = undefined;
    }
  }

  private startDebugRun(entry: number, o: DebugRunOptions): void {
    this.debug.begin(entry, o.stopAtEntry ?? false);
    this.executor.pollInstructions = o.pollInstructions ?? 1_000_000;
    this.executor.poll = () => this.debug.poll();
  }

  /** Calls `fn` (x0 answered); before any program ran, on a fresh stack (DEFAULT_STACK). */
  async call(fn: number, args: readonly bigint[]): Promise<bigint> {
    this.bootstrap();
    if (this.engine.getX(31) === 0n) {
      const { top, size } = DEFAULT_STACK;
      this.engine.memMap(top - size, size, PROT_READ | PROT_WRITE);
      this.engine.setX(31, BigInt(top - 64));
    }
    return this.executor.call(fn, args);
  }

  private onDispatchGate(engine: Engine): 'park' | undefined {
    const call = readJitDispatchCall(engine);
    const heap = this.host.heap;
    const malloc = (n: number) => heap.alloc(n);
    this.dispatches++;
    const parkable = this.executor.canPark();
    const unparkable = (): undefined => {
      const err = outOfBandError(
        'lazy reentry from inside a host callback (qsort, exit handlers) cannot wait for the JIT in this executor',
      );
      writeJitDispatchResult(engine, err, malloc);
      return undefined;
    };
    // A remote controller is asked only when the thread can wait for its answer.
    if (!parkable && !this.options.dispatchInThread) return unparkable();
    const t0 = performance.now();
    const answer = this.options.dispatch(call.tag, call.args);
    if (!(answer instanceof Promise) && (answer.watch === undefined || !parkable)) {
      writeJitDispatchResult(engine, answer.result, malloc);
      if (parkable) this.jitLoader.redirectReturn(engine);
      return undefined;
    }
    if (!parkable) return unparkable();
    const p: Promise<Resumption> = Promise.resolve(answer).then((reply) => {
      this.dispatchMicros += Math.round((performance.now() - t0) * 1000);
      const w = reply.watch;
      const onTrace = this.options.onTrace;
      return {
        apply: (e: Engine) => {
          writeJitDispatchResult(e, reply.result, malloc);
          this.jitLoader.redirectReturn(e);
        },
        ...(w && onTrace
          ? {
              watch: {
                address: w.address,
                reached: () => {
                  const t = this.entered.get(w.trampoline);
                  onTrace({
                    trampoline: w.trampoline,
                    instructions: t === undefined ? undefined : this.engine.instructionCount() - t,
                    returnAddress: Number(this.engine.getX(30)),
                  });
                },
              },
            }
          : {}),
      };
    });
    return this.executor.park(p);
  }
}
