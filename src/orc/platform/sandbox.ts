/**
 * Legacy, kept only for src/debug/debugger.ts, src/cli/commands/debug.ts and web/src/stepper.ts
 * until they use OrcSession (src/orc/session: `openSession`), the one session of run, demo, bench,
 * fuzz and the tests; delete it then, with ./platform.ts, ./linking-session.ts and
 * ./install-threads.ts.
 *
 * A ready-to-use ORC session on an engine, as `orc-sandbox run` built it: JITDylibs main →
 * Platform → Process, an ObjectLinkingLayer, the Platform runtime and JIT dispatch gate, lazy
 * linking (redirectable symbols, reentry trampolines, LazyReexportsManager, LazyObjectLinkingLayer)
 * and the parking executor.
 */

import { loadRuntimeObjects, type RuntimeObject } from '../../../runtime-aarch64/index.ts';
import type { Engine } from '../../emu/engine.ts';
import { Executor } from '../../executor/executor.ts';
import { ProcessHost, type ProcessHostOptions } from '../../executor/host/process.ts';
import type { ProgramResult } from '../../executor/host/runner.ts';
import type { ThreadOptions, ThreadScheduler } from '../../executor/threads/scheduler.ts';
import { EngineMemoryManager } from '../../linker/memory.ts';
import { ExecutionSession, type JITDylib } from '../core/session.ts';
import { hexAddr } from '../core/types.ts';
import { absoluteSymbols } from '../core/units.ts';
import { LazyObjectLinkingLayer } from '../layers/lazy-object-linking-layer.ts';
import { ObjectLinkingLayer, showLinkedFilesPlugin } from '../layers/object-linking-layer.ts';
import { type CallThroughInfo, LazyReexportsManager, type ReentryRecord } from '../lazy/lazy-reexports.ts';
import { engineMemoryAccess, JITLinkRedirectableSymbolManager } from '../lazy/redirectable-symbols.ts';
import { JITLinkReentryTrampolines } from '../lazy/reentry-trampolines.ts';
import { installThreads } from './install-threads.ts';
import { LinkingSession } from './linking-session.ts';
import { Platform } from './platform.ts';

/** One reentry as `--trace lazy` reports it. */
export interface LazyTraceEvent {
  trampoline: number;
  info: CallThroughInfo | undefined;
  result: ReentryRecord['result'];
  /** Emulated instructions from the trampoline's first instruction to the body's first (success only). */
  instructions: number | undefined;
  hostMicros: number;
}

export interface SandboxOptions {
  engine: Engine;
  seed?: number | undefined;
  stdout?: ProcessHostOptions['stdout'];
  stderr?: ProcessHostOptions['stderr'];
  /** Receives `Linking <graph name>\n` for every graph linked. */
  showLinkedFiles?: (line: string) => void;
  /** Receives one event per reentry (turns on the instruction counting of the reentry path). */
  traceLazy?: (ev: LazyTraceEvent) => void;
  /** Runtime objects (default: runtime-aarch64's). */
  runtimeObjects?: RuntimeObject[];
  /** Where session errors go (default: kept in es.reportedErrors). */
  reportError?: (e: Error) => void;
  /**
   * Emulated pthreads (src/orc/threads): scheduler options (its seed defaults to `seed`), or false
   * for the single-thread executor without pthread functions.
   */
  threads?: ThreadOptions | false;
}

/** Prefix of the runtime objects' names in diagnostics and `Linking …` lines. */
export const RUNTIME_NAME_PREFIX = 'orc-rt/';

export function formatLazyTrace(ev: LazyTraceEvent): string {
  const who = ev.info ? `${ev.info.name} -> ${ev.info.bodyName} (JITDylib ${ev.info.jd.name})` : '<unknown trampoline>';
  const what = ev.result.ok ? `resolved ${hexAddr(ev.result.address)}` : `failed: ${ev.result.error}`;
  const insns = ev.instructions === undefined ? '' : `, ${ev.instructions} insns in reentry`;
  return `[lazy] trampoline ${hexAddr(ev.trampoline)}: ${who} ${what}${insns}, host ${ev.hostMicros} us\n`;
}

export class OrcSandbox extends LinkingSession {
  override readonly es: ExecutionSession;
  override readonly main: JITDylib;
  readonly platformJD: JITDylib;
  readonly processJD: JITDylib;
  readonly host: ProcessHost;
  override readonly layer: ObjectLinkingLayer;
  readonly rsm: JITLinkRedirectableSymbolManager;
  readonly trampolines: JITLinkReentryTrampolines;
  override readonly lrm: LazyReexportsManager;
  override readonly lazyLayer: LazyObjectLinkingLayer;
  readonly executor: Executor;
  readonly platform: Platform;
  /** Every reentry resolved so far (success or not). */
  readonly reentries: ReentryRecord[] = [];
  /** The thread scheduler (null with `threads: false`). */
  readonly threads: ThreadScheduler | null;

  private constructor(
    readonly engine: Engine,
    options: SandboxOptions,
  ) {
    super();
    const es = new ExecutionSession({
      seed: options.seed,
      ...(options.reportError ? { reportError: options.reportError } : {}),
    });
    this.es = es;
    this.main = es.createJITDylib('main');
    this.platformJD = es.createJITDylib('Platform');
    this.processJD = es.createJITDylib('Process');
    this.main.setLinkOrder([this.platformJD, this.processJD]);
    this.platformJD.setLinkOrder([this.processJD]);
    this.host = new ProcessHost(engine, {
      ...(options.stdout ? { stdout: options.stdout } : {}),
      ...(options.stderr ? { stderr: options.stderr } : {}),
    });
    this.host.install();
    this.processJD.define(absoluteSymbols(new Map(this.host.symbols), '<process symbols>'));
    this.layer = new ObjectLinkingLayer(es, new EngineMemoryManager(engine));
    if (options.showLinkedFiles) this.layer.addPlugin(showLinkedFilesPlugin(options.showLinkedFiles));
    this.executor = new Executor(this.host);
    this.threads =
      options.threads === false
        ? null
        : installThreads(this.host, this.executor, this.processJD, { seed: options.seed, ...options.threads });
    const runtime = (options.runtimeObjects ?? loadRuntimeObjects()).map((o) => ({
      name: `${RUNTIME_NAME_PREFIX}${o.name}`,
      bytes: o.bytes,
    }));
    this.platform = new Platform(es, this.platformJD, this.layer, this.host, this.executor, {
      runtimeObjects: runtime,
    });
    this.rsm = new JITLinkRedirectableSymbolManager(this.layer, engineMemoryAccess(engine));
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

  /** Builds the sandbox and waits until the runtime's dispatch handler is registered. */
  static async create(options: SandboxOptions): Promise<OrcSandbox> {
    return new OrcSandbox(options.engine, options);
  }

  /** Links and runs `entry(argc, argv, envp)` with initializers and atexit handlers; the exit status. */
  async run(
    entry = 'main',
    options: { argv?: string[]; maxInstructions?: number | undefined } = {},
  ): Promise<ProgramResult> {
    const entryAddr = await this.link(entry);
    const inits = this.layer.getInitializers(this.main);
    for (const fini of inits.filter((i) => i.kind === 'fini')) this.host.atexitHandlers.push(...fini.pointers);
    const initializers = this.startupInitializers();
    return this.executor.runProgram(entryAddr, {
      argv: options.argv ?? ['a.out'],
      initializers,
      ...(options.maxInstructions === undefined ? {} : { maxInstructions: options.maxInstructions }),
    });
  }

  /** Calls `fn` (an address) with integer arguments through the parking executor. */
  async call(fn: number, args: readonly (bigint | number)[] = []): Promise<bigint> {
    await this.lrm.whenReady();
    return this.executor.call(fn, args);
  }

  private installLazyTrace(sink: (ev: LazyTraceEvent) => void): void {
    const e = this.engine;
    const entered = new Map<number, number>();
    // Reentries resolved but not yet answered, oldest first (several threads may wait at once).
    const resolved: ReentryRecord[] = [];
    this.lrm.listeners.push({
      onLazyReexportsCreated: (_jd, _key, reexports) => {
        if (reexports.length === 0) return;
        const ts = reexports.map((r) => r.trampoline);
        const begin = Math.min(...ts);
        const end = Math.max(...ts) + 7;
        e.hookAdd(
          'block',
          (address) => {
            entered.set(address, e.instructionCount());
          },
          { begin, end },
        );
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
    this.platform.watchHook = () => {
      const r = resolved.shift();
      if (!r || !r.result.ok) return undefined;
      const address = r.result.address;
      return {
        address,
        reached: () => {
          const t0 = entered.get(r.trampoline);
          sink({
            trampoline: r.trampoline,
            info: r.info,
            result: r.result,
            instructions: t0 === undefined ? undefined : e.instructionCount() - t0,
            hostMicros: r.hostMicros,
          });
        },
      };
    };
  }
}
