/**
 * EpcSandbox: the ORC session of `orc-sandbox run` (JITDylibs main → Platform → Process, the
 * ObjectLinkingLayer, the Platform runtime, lazy linking) over an ExecutorProcessControl. It holds
 * no engine: memory goes through the EPC's memory manager, stub pointers through its pointer
 * writes, JIT dispatch calls come in through its dispatch handler, and the program runs in the
 * executor (`--executor in-process` with InProcessEPC, `--executor worker` with WorkerEPC).
 */
import { loadRuntimeObjects, PLATFORM_ALIASES, type RuntimeObject } from '../../../runtime-aarch64/index.ts';
import { svcDetectorPlugin } from '../../executor/host/linux.ts';
import type { ProgramResult } from '../../executor/host/runner.ts';
import type { DispatchReply } from '../../protocol/epc.ts';
import type { WrapperFunctionResult } from '../../protocol/wrapper.ts';
import { ExecutionSession, type JITDylib } from '../core/session.ts';
import { JITSymbolFlags } from '../core/types.ts';
import { absoluteSymbols, type SymbolAliasMap, symbolAliases } from '../core/units.ts';
import type { ExecutorProcessControl } from '../epc/epc.ts';
import { EPCMemoryManager, epcMemoryAccess } from '../epc/memory.ts';
import { LazyObjectLinkingLayer } from '../layers/lazy-object-linking-layer.ts';
import { ObjectLinkingLayer, showLinkedFilesPlugin } from '../layers/object-linking-layer.ts';
import { LazyReexportsManager, type ReentryRecord } from '../lazy/lazy-reexports.ts';
import { JITLinkRedirectableSymbolManager } from '../lazy/redirectable-symbols.ts';
import { JITLinkReentryTrampolines } from '../lazy/reentry-trampolines.ts';
import { LinkingSession } from '../platform/linking-session.ts';
import { JIT_DISPATCH_SYMBOL } from '../platform/platform.ts';
import { type LazyTraceEvent, RUNTIME_NAME_PREFIX } from '../platform/sandbox.ts';

export interface EpcSandboxOptions {
  epc: ExecutorProcessControl;
  seed?: number | undefined;
  showLinkedFiles?: (line: string) => void;
  traceLazy?: (ev: LazyTraceEvent) => void;
  runtimeObjects?: RuntimeObject[];
  reportError?: (e: Error) => void;
  /**
   * Linux syscalls in the executor (raw `svc #0`, as `run` installs them in process): the layer is
   * turned on before the first graph whose code contains `svc` is finalized.
   */
  syscalls?: boolean;
  /** A fatal fault/trap ends `run` with the signal status and run's message (see protocol.ts). */
  faultsAsSignals?: boolean;
}

export class EpcSandbox extends LinkingSession {
  readonly epc: ExecutorProcessControl;
  override readonly es: ExecutionSession;
  override readonly main: JITDylib;
  readonly platformJD: JITDylib;
  readonly processJD: JITDylib;
  override readonly layer: ObjectLinkingLayer;
  readonly rsm: JITLinkRedirectableSymbolManager;
  readonly trampolines: JITLinkReentryTrampolines;
  override readonly lrm: LazyReexportsManager;
  override readonly lazyLayer: LazyObjectLinkingLayer;
  readonly reentries: ReentryRecord[] = [];
  /** JIT dispatch calls answered. */
  dispatches = 0;
  private watchHook: ((r: WrapperFunctionResult) => DispatchReply['watch']) | null = null;
  private readonly faultsAsSignals: boolean;

  constructor(options: EpcSandboxOptions) {
    super();
    const epc = options.epc;
    this.epc = epc;
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
    if (options.showLinkedFiles) this.layer.addPlugin(showLinkedFilesPlugin(options.showLinkedFiles));
    // The request goes before the graph's finalize request (one ordered channel).
    if (options.syscalls) this.layer.addPlugin(svcDetectorPlugin(() => void epc.enableSyscalls().catch(report)));
    this.faultsAsSignals = options.faultsAsSignals ?? false;

    // The Platform JITDylib: the runtime objects, its aliases, and the executor's dispatch gate.
    const runtime = (options.runtimeObjects ?? loadRuntimeObjects()).map((o) => ({
      name: `${RUNTIME_NAME_PREFIX}${o.name}`,
      bytes: o.bytes,
    }));
    for (const obj of runtime) this.layer.add(this.platformJD, obj.bytes, obj.name);
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
    epc.setDispatchHandler((tag, args) =>
      new Promise<WrapperFunctionResult>((resolve) => {
        es.runJITDispatchHandler(resolve, tag, args);
        es.runTasks();
      }).then((result) => {
        this.dispatches++;
        return { result, watch: this.watchHook?.(result) };
      }),
    );

    this.rsm = new JITLinkRedirectableSymbolManager(this.layer, epcMemoryAccess(epc, report));
    this.trampolines = new JITLinkReentryTrampolines(this.layer);
    this.lrm = new LazyReexportsManager(
      this.trampolines.emit,
      this.rsm,
      this.platformJD,
      { onReentryResolved: (r) => this.reentries.push(r) },
      { registerHandlerLazily: true },
    );
    this.lazyLayer = new LazyObjectLinkingLayer(this.layer, this.lrm);
    if (options.traceLazy) this.installLazyTrace(options.traceLazy);
  }

  /** Links and runs `entry(argc, argv, envp)` in the executor; the exit status. */
  async run(
    entry = 'main',
    options: { argv?: string[]; maxInstructions?: number | undefined } = {},
  ): Promise<ProgramResult> {
    const entryAddr = await this.link(entry);
    const inits = this.layer.getInitializers(this.main);
    return this.epc.runProgram({
      entry: entryAddr,
      argv: options.argv ?? ['a.out'],
      initializers: this.startupInitializers(),
      finalizers: inits.filter((i) => i.kind === 'fini').flatMap((i) => i.pointers),
      maxInstructions: options.maxInstructions,
      faultsAsSignals: this.faultsAsSignals,
    });
  }

  async call(fn: number, args: readonly (bigint | number)[] = []): Promise<bigint> {
    await this.lrm.whenReady();
    return this.epc.call(fn, args);
  }

  close(): Promise<void> {
    return this.epc.close();
  }

  private installLazyTrace(sink: (ev: LazyTraceEvent) => void): void {
    const watched = new Map<number, ReentryRecord[]>();
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
      sink({
        trampoline: r.trampoline,
        info: r.info,
        result: r.result,
        instructions: reached.instructions,
        hostMicros: r.hostMicros,
      });
    });
  }
}
