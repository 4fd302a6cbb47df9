/**
 * OrcSession: the one ORC session of the sandbox, used by `run`, `debug`, `demo`, `bench`,
 * `fuzz-lazy`, the web page and the tests. As in LLVM ORC it always sits on an
 * executor-process-control interface (src/orc/epc): in process (InProcessEPC, direct calls into an
 * executor runtime in this thread) or in a worker thread (WorkerEPC, messages). The session holds no
 * engine: JITDylibs main → Platform → Process, the ObjectLinkingLayer over the EPC's memory, the
 * Platform runtime, lazy linking, and the executor-level debug primitives, all through the EPC.
 *
 * Open it with `openSession(options)`; every default is `orc-sandbox run`'s behaviour.
 * Consumers observe it with `observe(observer)` (src/orc/session/observer.ts).
 */
import { loadRuntimeObjects, ORC_RT_KEPT_OBJECT_NAMES, PLATFORM_ALIASES } from '../../../runtime-aarch64/index.ts';
import type { EngineKind, MemRegion } from '../../emu/engine.ts';
import type { ProgramResult } from '../../executor/host/runner.ts';
import { JIT_NOTIFY_SYMBOL } from '../../executor/jit-loader-gdb.ts';
import type { ExecutorRuntime } from '../../executor/runtime.ts';
import type {
  DebugRegisters,
  DebugRegisterWrite,
  DebugResume,
  DebugRunOptions,
  DebugStop,
  DebugWatchpoint,
} from '../../protocol/debug.ts';
import { type DispatchReply, JIT_DISPATCH_SYMBOL } from '../../protocol/epc.ts';
import type { WrapperFunctionResult } from '../../protocol/wrapper.ts';
import { ExecutionSession, type JITDylib } from '../core/session.ts';
import { type ExecutorSymbolDef, JITSymbolFlags, SymbolLookupFlags, type SymbolMap } from '../core/types.ts';
import { absoluteSymbols, type SymbolAliasMap, symbolAliases } from '../core/units.ts';
import { type ExecutorOptions, type ExecutorProcessControl, InProcessEPC } from '../epc/epc.ts';
import { EPCMemoryManager } from '../epc/memory.ts';
import { LazyObjectLinkingLayer } from '../layers/lazy-object-linking-layer.ts';
import { ObjectLinkingLayer, showLinkedFilesPlugin } from '../layers/object-linking-layer.ts';
import { LazyReexportsManager, type ReentryRecord } from '../lazy/lazy-reexports.ts';
import { JITLinkRedirectableSymbolManager, type MemoryAccess } from '../lazy/redirectable-symbols.ts';
import { JITLinkReentryTrampolines } from '../lazy/reentry-trampolines.ts';
import { type GdbJitRegistration, gdbJitRegistrationPlugin } from '../platform/gdb-jit-registration.ts';
import { installLlvmOrcRuntime, type LlvmOrcRuntime } from '../platform/orc-rt.ts';
import { sourceLinesPlugin } from '../platform/source-lines.ts';
import { ObserverList, type SessionObserver } from './observer.ts';
import type { SessionOptions } from './options.ts';
import { svcDetectorPlugin } from './svc-detector.ts';
import { formatLazyTrace, type LazyTraceEvent, RUNTIME_NAME_PREFIX } from './trace.ts';

const defaultSink = (fd: 1 | 2) => {
  const p = (
    globalThis as { process?: { stdout: { write(b: Uint8Array): void }; stderr: { write(b: Uint8Array): void } } }
  ).process;
  return (b: Uint8Array): void => {
    if (fd === 1) p?.stdout.write(b);
    else p?.stderr.write(b);
  };
};

/**
 * Opens a session (the executor first: in process, or a worker thread).
 *
 * The session has LLVM ORC's shape: an ExecutionSession with JITDylibs main, Platform and Process,
 * an ObjectLinkingLayer and a lazy layer whose stubs link an object on its first call, and the
 * emulated ORC runtime; the program runs on the chosen engine in the chosen executor.
 *
 * @param options - engine, executor, seed, limits, output sinks (see SessionOptions).
 * @returns the open session; close() it when done (a worker executor is a thread).
 * @throws EngineUnavailable for engine 'unicorn' without koffi/libunicorn2.
 * @example
 * ```ts
 * import { openSession } from 'orc-sandbox/session';
 * const s = await openSession({ seed: 1, stdout: (b) => process.stdout.write(b) });
 * s.addObject(mainBytes, 'main.o');
 * s.addObject(mathBytes, 'math.o', { lazy: true }); // linked on the first call into it
 * const r = await s.run('main', { argv: ['main'] }); // { status, reason, instructions }
 * await s.close();
 * ```
 */
export async function openSession(options: SessionOptions = {}): Promise<OrcSession> {
  if (
    options.orcRuntime !== undefined &&
    (typeof options.orcRuntime === 'string' || !options.orcRuntimeFallbackObjects)
  ) {
    // Node: read the archive (a path) and the C++ fallback object before the executor starts.
    const { loadOrcRuntime } = await import('../platform/orc-rt-node.ts');
    const { archive, fallback } = await loadOrcRuntime(options.orcRuntime);
    options = {
      ...options,
      orcRuntime: archive,
      orcRuntimeFallbackObjects: options.orcRuntimeFallbackObjects ?? fallback,
    };
  }
  const observers = new ObserverList();
  const stdout = options.stdout ?? defaultSink(1);
  const stderr = options.stderr ?? defaultSink(2);
  const execOptions: ExecutorOptions = {
    engine: options.engine ?? 'ts',
    ...(options.engineOptions ? { engineOptions: options.engineOptions } : {}),
    seed: options.seed,
    stdout: (b) => {
      if (observers.size > 0) observers.emit('onOutput', 1, b);
      stdout(b);
    },
    stderr: (b) => {
      if (observers.size > 0) observers.emit('onOutput', 2, b);
      stderr(b);
    },
    stdin: options.stdin,
    ...(options.threads === undefined ? {} : { threads: options.threads }),
  };
  let epc: ExecutorProcessControl;
  if (options.executor === 'worker') {
    // Loaded on demand: node:worker_threads must stay off the page's import graph.
    const { WorkerEPC } = await import('../epc/worker-epc.ts');
    epc = await WorkerEPC.start({ ...execOptions, ...options.worker });
  } else {
    epc = await InProcessEPC.create(execOptions);
  }
  return new OrcSession(epc, options, observers);
}

/**
 * A sandbox session (from openSession): add objects (eager or lazy), link and run an entry point,
 * observe linking and lazy-linking events, read executor memory, debug. One program run per
 * session; close() releases the executor.
 *
 * @example
 * ```ts
 * import { openSession } from 'orc-sandbox/session';
 * const s = await openSession({ seed: 1, stdout: (b) => process.stdout.write(b) });
 * s.addObject(mainBytes, 'main.o');
 * s.addObject(mathBytes, 'math.o', { lazy: true }); // linked on the first call into it
 * const r = await s.run('main', { argv: ['main'] }); // { status, reason, instructions }
 * await s.close();
 * ```
 */
export class OrcSession {
  readonly es: ExecutionSession;
  readonly main: JITDylib;
  readonly platformJD: JITDylib;
  readonly processJD: JITDylib;
  readonly layer: ObjectLinkingLayer;
  readonly rsm: JITLinkRedirectableSymbolManager;
  readonly trampolines: JITLinkReentryTrampolines;
  readonly lrm: LazyReexportsManager;
  readonly lazyLayer: LazyObjectLinkingLayer;
  /** LLVM's ORC runtime when `orcRuntime` was given (its archive generator), else undefined. */
  readonly llvmOrcRuntime: LlvmOrcRuntime | undefined;
  /** Every reentry resolved so far (success or not). */
  readonly reentries: ReentryRecord[] = [];
  /** JIT dispatch calls answered. */
  dispatches = 0;
  /** The current stop of a debugged run (null while running or when no debugged run is on). */
  stopped: DebugStop | null = null;
  private watchHook: ((r: WrapperFunctionResult) => DispatchReply['watch']) | null = null;
  /** The GDB JIT interface's registrations (options.debuggerSupport), null when off. */
  readonly gdbJit: GdbJitRegistration | null = null;
  private readonly options: SessionOptions;
  private readonly observers: ObserverList;

  constructor(
    readonly epc: ExecutorProcessControl,
    options: SessionOptions = {},
    observers: ObserverList = new ObserverList(),
  ) {
    this.options = options;
    this.observers = observers;
    const es = new ExecutionSession({
      seed: options.seed,
      ...(options.reportError ? { reportError: options.reportError } : {}),
    });
    this.es = es;
    const report = (e: Error) => es.reportError(e);
    this.main = es.createJITDylib('main');
    this.platformJD = es.createJITDylib('Platform');
    this.processJD = es.createJITDylib('Process');
    this.main.setLinkOrder([this.platformJD, this.processJD]);
    this.platformJD.setLinkOrder([this.processJD]);
    const boot = epc.bootstrap;
    this.processJD.define(
      absoluteSymbols(
        new Map(boot.processSymbols.map((s) => [s.name, { address: s.address, flags: s.flags }])),
        '<process symbols>',
      ),
    );
    const threadSymbols = boot.threadSymbols ?? [];
    if (threadSymbols.length > 0)
      this.processJD.define(
        absoluteSymbols(
          new Map(threadSymbols.map((s) => [s.name, { address: s.address, flags: s.flags }])),
          '<thread functions>',
        ),
      );
    this.layer = new ObjectLinkingLayer(es, new EPCMemoryManager(epc, { reportError: report }));
    const linked = options.showLinkedFiles;
    if (linked) {
      const enc = new TextEncoder();
      const out = options.stdout ?? defaultSink(1);
      this.layer.addPlugin(showLinkedFilesPlugin(linked === true ? (line) => out(enc.encode(line)) : linked));
    }
    this.layer.addPlugin({
      notifyEmitted: (mr, result) => {
        if (this.observers.size > 0)
          this.observers.emit('onObjectLinked', { name: result.graph.name, jd: mr.getTargetJITDylib(), result });
      },
    });
    if (options.debuggerSupport) {
      this.gdbJit = gdbJitRegistrationPlugin(epc, { reportError: report });
      this.layer.addPlugin(this.gdbJit.plugin);
    }
    // The request goes before the graph's finalize request (one ordered channel).
    if (options.syscalls ?? true)
      this.layer.addPlugin(svcDetectorPlugin(() => void epc.enableSyscalls().catch(report)));

    // The Platform JITDylib: the runtime (ours, or LLVM's archive), its aliases, and the executor's dispatch gate.
    const ownRuntime = options.runtimeObjects ?? loadRuntimeObjects();
    const orcRuntime = options.orcRuntime;
    if (orcRuntime !== undefined) {
      if (typeof orcRuntime === 'string')
        throw new TypeError('OrcSession: orcRuntime must be bytes here (openSession reads a path)');
      this.llvmOrcRuntime = installLlvmOrcRuntime({
        es,
        layer: this.layer,
        platformJD: this.platformJD,
        processJD: this.processJD,
        archive: orcRuntime,
        dispatchGate: boot.jitDispatch,
        extraObjects: ownRuntime.filter((o) => ORC_RT_KEPT_OBJECT_NAMES.includes(o.name)),
        fallbackObjects: options.orcRuntimeFallbackObjects ?? [],
        namePrefix: RUNTIME_NAME_PREFIX,
      });
    } else {
      this.llvmOrcRuntime = undefined;
      for (const o of ownRuntime) this.layer.add(this.platformJD, o.bytes, `${RUNTIME_NAME_PREFIX}${o.name}`);
      const aliases: SymbolAliasMap = new Map();
      for (const [alias, target] of PLATFORM_ALIASES)
        aliases.set(alias, { aliasee: target, flags: JITSymbolFlags.Exported | JITSymbolFlags.Callable });
      this.platformJD.define(symbolAliases(aliases));
      this.platformJD.define(
        absoluteSymbols(
          {
            [JIT_DISPATCH_SYMBOL]: {
              address: boot.jitDispatch,
              flags: JITSymbolFlags.Exported | JITSymbolFlags.Callable,
            },
          },
          '<platform host gates>',
        ),
      );
    }
    epc.setDispatchHandler(
      (tag, args) =>
        new Promise<WrapperFunctionResult>((resolve) => {
          es.runJITDispatchHandler(resolve, tag, args);
          es.runTasks();
        }).then((result) => this.reply(result)),
      // In process, an answer that is there at once is written at once (no park), as a local
      // Platform would; the worker always waits for the message.
      (tag, args) => {
        let result: WrapperFunctionResult | undefined;
        let late: ((r: WrapperFunctionResult) => void) | undefined;
        es.runJITDispatchHandler(
          (r) => {
            if (late) late(r);
            else result = r;
          },
          tag,
          args,
        );
        es.runTasks();
        if (result !== undefined) return this.reply(result);
        return new Promise<DispatchReply>((resolve) => {
          late = (r) => resolve(this.reply(r));
        });
      },
    );
    epc.setStopHandler((stop) => {
      this.stopped = stop.reason === 'exit' ? null : stop;
      this.observers.emit('onStop', stop);
    });

    const access: MemoryAccess = {
      writePointers: (writes) => {
        if (writes.length === 0) return;
        if (this.observers.size > 0) this.observers.emit('onPointerWrite', writes);
        epc.writePointers(writes.map((w) => ({ address: w.address, value: w.value }))).catch(report);
      },
    };
    this.rsm = new JITLinkRedirectableSymbolManager(this.layer, access);
    this.trampolines = new JITLinkReentryTrampolines(this.layer);
    this.lrm = new LazyReexportsManager(
      this.trampolines.emit,
      this.rsm,
      this.platformJD,
      {
        onLazyReexportsCreated: (jd, _key, reexports) => {
          if (this.observers.size > 0) this.observers.emit('onLazyReexportsCreated', { jd, reexports });
        },
        onLazyReexportCalled: (info) => {
          if (this.observers.size > 0) this.observers.emit('onLazyReentry', info);
        },
        onReentryResolved: (r) => {
          this.reentries.push(r);
          if (this.observers.size > 0) this.observers.emit('onReentryResolved', r);
        },
      },
      { registerHandlerLazily: true },
    );
    this.lazyLayer = new LazyObjectLinkingLayer(this.layer, this.lrm);
    const trace = options.traceLazy;
    if (trace) {
      const enc = new TextEncoder();
      this.installLazyTrace(trace === true ? (ev) => this.epcStderr(enc.encode(formatLazyTrace(ev))) : trace);
    }
  }

  /** 'in-process' or 'worker'. */
  get kind(): ExecutorProcessControl['kind'] {
    return this.epc.kind;
  }

  get engineKind(): EngineKind {
    return this.epc.bootstrap.engine as EngineKind;
  }

  /**
   * The executor runtime when it lives in this thread (in-process EPC; undefined for a worker):
   * for benchmarks and tests that drive or measure the engine directly.
   */
  get local(): ExecutorRuntime | undefined {
    return this.epc instanceof InProcessEPC ? this.epc.runtime : undefined;
  }

  get bootstrap(): ExecutorProcessControl['bootstrap'] {
    return this.epc.bootstrap;
  }

  /** Subscribes an observer; answers the unsubscribe function. */
  observe(observer: SessionObserver): () => void {
    return this.observers.add(observer);
  }

  // ---- linking ----------------------------------------------------------------------------------

  /** Adds an object to `main` (lazily: callables link on first call). */
  addObject(bytes: Uint8Array, name: string, options: { lazy?: boolean; jd?: JITDylib } = {}): void {
    const jd = options.jd ?? this.main;
    if (options.lazy) this.lazyLayer.add(jd, bytes, name);
    else this.layer.add(jd, bytes, name);
  }

  /** Absolute symbols in `main` (`--abs name=addr`). */
  defineAbsolutes(defs: Map<string, number>): void {
    if (defs.size === 0) return;
    this.main.define(
      absoluteSymbols(
        new Map([...defs].map(([n, a]) => [n, { address: a, flags: JITSymbolFlags.Exported }])),
        '<--abs symbols>',
      ),
    );
  }

  /** Looks names up along the JITDylib's link order (Ready) and waits for every link to finish. */
  async lookup(names: string[], jd: JITDylib = this.main): Promise<SymbolMap> {
    try {
      return await this.es.lookupAsync(jd.getLinkOrder(), names);
    } finally {
      await this.layer.whenIdle();
      await this.lrm.whenReady();
    }
  }

  async lookupOne(name: string, jd: JITDylib = this.main): Promise<ExecutorSymbolDef> {
    return (await this.lookup([name], jd)).get(name) as ExecutorSymbolDef;
  }

  /** Links the entry (and objects with initializers); nothing runs. Answers the entry's address. */
  async link(entry = 'main'): Promise<number> {
    const initSymbols: string[] = [];
    for (const name of this.main.symbolNames()) {
      const s = this.main.getSymbol(name);
      if (s && s.flags & JITSymbolFlags.MaterializationSideEffectsOnly) initSymbols.push(name);
    }
    let found: SymbolMap;
    try {
      found = await this.es.lookupAsync(this.main.getLinkOrder(), [
        [entry, SymbolLookupFlags.RequiredSymbol],
        ...initSymbols.map((n) => [n, SymbolLookupFlags.WeaklyReferencedSymbol] as const),
      ]);
    } finally {
      await this.layer.whenIdle();
    }
    await this.lrm.whenReady();
    return found.get(entry)?.address as number;
  }

  // ---- running ----------------------------------------------------------------------------------

  /** Links and runs `entry(argc, argv, envp)` in the executor; the program's result. */
  async run(
    entry = 'main',
    options: { argv?: string[]; maxInstructions?: number | undefined; debug?: DebugRunOptions | undefined } = {},
  ): Promise<ProgramResult> {
    const entryAddr = await this.link(entry);
    const inits = this.layer.getInitializers(this.main);
    // With the GDB JIT interface, the objects linked so far are published first, by emulated code.
    const notify = this.gdbJit ? this.bootstrap.processSymbols.find((s) => s.name === JIT_NOTIFY_SYMBOL) : undefined;
    const result = await this.epc.runProgram({
      entry: entryAddr,
      argv: options.argv ?? ['a.out'],
      initializers: [
        ...(notify ? [notify.address] : []),
        ...inits.filter((i) => i.kind === 'preinit').flatMap((i) => i.pointers),
        ...inits.filter((i) => i.kind === 'init').flatMap((i) => i.pointers),
      ],
      finalizers: inits.filter((i) => i.kind === 'fini').flatMap((i) => i.pointers),
      maxInstructions: options.maxInstructions ?? this.options.maxInstructions,
      faultsAsSignals: this.options.faultsAsSignals ?? true,
      ...(options.debug ? { debug: options.debug } : {}),
    });
    this.stopped = null;
    this.observers.emit('onExit', result);
    return result;
  }

  /** Calls `fn` (an address) with integer arguments in the executor; x0. */
  async call(fn: number, args: readonly (bigint | number)[] = []): Promise<bigint> {
    await this.lrm.whenReady();
    return this.epc.call(fn, args);
  }

  close(): Promise<void> {
    return this.epc.close();
  }

  // ---- executor-level debug primitives (src/protocol/debug.ts) ---------------------------------

  readRegisters(): Promise<DebugRegisters> {
    return this.epc.readRegisters();
  }
  writeRegisters(writes: DebugRegisterWrite[]): Promise<void> {
    return this.epc.writeRegisters(writes);
  }
  readMemory(address: number, size: number): Promise<Uint8Array> {
    return this.epc.readMemory({ address, size });
  }
  writeMemory(address: number, bytes: Uint8Array): Promise<void> {
    return this.epc.writeMemory({ address, bytes });
  }
  memoryRegions(): Promise<MemRegion[]> {
    return this.epc.memoryRegions();
  }
  setBreakpoints(addresses: number[]): Promise<void> {
    return this.epc.setBreakpoints(addresses);
  }
  setWatchpoints(watchpoints: DebugWatchpoint[]): Promise<void> {
    return this.epc.setWatchpoints(watchpoints);
  }
  resume(mode: DebugResume = { kind: 'continue' }): Promise<void> {
    this.stopped = null;
    return this.epc.resume(mode);
  }
  interrupt(): Promise<void> {
    return this.epc.interrupt();
  }

  private epcStderr(b: Uint8Array): void {
    (this.options.stderr ?? defaultSink(2))(b);
  }

  private reply(result: WrapperFunctionResult): DispatchReply {
    this.dispatches++;
    return { result, watch: this.watchHook?.(result) };
  }

  private installLazyTrace(sink: (ev: LazyTraceEvent) => void): void {
    const watched = new Map<number, ReentryRecord[]>();
    // The line of each lazy call, from the DWARF of the caller's object (when it has some).
    const lines = sourceLinesPlugin();
    this.layer.addPlugin(lines.plugin);
    // Reentries resolved but not yet answered, oldest first (several threads may wait at once).
    const resolved: ReentryRecord[] = [];
    this.lrm.listeners.push({
      onLazyReexportsCreated: (_jd, _key, reexports) => {
        if (reexports.length === 0) return;
        const ts = reexports.map((r) => r.trampoline);
        this.epc.traceTrampolines(Math.min(...ts), Math.max(...ts) + 7).catch((e: Error) => this.es.reportError(e));
      },
      onReentryResolved: (r) => {
        resolved.push(r);
        if (!r.result.ok)
          sink({
            trampoline: r.trampoline,
            info: r.info,
            result: r.result,
            instructions: undefined,
            hostMicros: r.hostMicros,
          });
      },
    });
    this.watchHook = () => {
      const r = resolved.shift();
      if (!r || !r.result.ok) return undefined;
      const q = watched.get(r.trampoline) ?? [];
      q.push(r);
      watched.set(r.trampoline, q);
      return { address: r.result.address, trampoline: r.trampoline };
    };
    this.epc.setTraceHandler((reached) => {
      const r = watched.get(reached.trampoline)?.shift();
      if (!r) return;
      const ret = reached.returnAddress;
      sink({
        trampoline: r.trampoline,
        info: r.info,
        result: r.result,
        instructions: reached.instructions,
        hostMicros: r.hostMicros,
        caller: ret === undefined ? undefined : lines.locate(ret - 4),
      });
    });
  }
}
