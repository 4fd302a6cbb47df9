/**
 * INTERIM, to be deleted when OrcSession (src/orc/session, helper "session") implements the debug
 * primitives of /work/wt/SESSION-API.md: an in-process EpcSandbox with those primitives written
 * over its engine (ranged code hooks for breakpoints, a code hook while stepping, memory hooks for
 * watchpoints, stops parked in Executor.onStopped). It exists so the control layer and the CLI
 * debugger run and are tested before that lands; it is the only place that touches executor
 * internals, and nothing else imports it but src/cli/commands/debug.ts.
 */
import type { RuntimeObject } from '../../runtime-aarch64/abi.ts';
import type { Engine, HookHandle } from '../emu/engine.ts';
import { createEngine, PAGE_SIZE, PROT_EXEC } from '../emu/engine.ts';
import type { ProgramResult } from '../executor/host/runner.ts';
import { InProcessEPC } from '../orc/epc/epc.ts';
import { formatLazyTrace } from '../orc/platform/sandbox.ts';
import { ObserverList, type SessionObserver } from '../orc/session/observer.ts';
import { EpcSandbox } from '../orc/session/session.ts';
import type { DebugRegisters, DebugResume, DebugRunOptions, DebugStop, DebugWatchpoint } from '../protocol/debug.ts';
import type { DebugSession } from './target.ts';

export interface InterimOptions {
  engine?: 'ts' | 'unicorn';
  seed?: number | undefined;
  stdout: (b: Uint8Array) => void;
  stderr: (b: Uint8Array) => void;
  stdin?: Uint8Array | undefined;
  showLinkedFiles?: ((line: string) => void) | undefined;
  traceLazy?: ((line: string) => void) | undefined;
  runtimeObjects?: RuntimeObject[] | undefined;
}

export class InterimSession extends EpcSandbox implements DebugSession {
  readonly engineKind: 'ts' | 'unicorn';
  readonly kind = 'in-process' as const;
  private readonly engine: Engine;
  private readonly obs = new ObserverList();
  private readonly bpHooks = new Map<number, HookHandle>();
  private watchHooks: HookHandle[] = [];
  private stepHook: HookHandle | null = null;
  private stepLeft = 0;
  private skipOnce = -1;
  private stopWhy: DebugStop | null = null;
  private resumeFn: (() => void) | null = null;
  private readonly gates = new Set<number>();
  private readonly runtime;
  private entryStop = -1;

  static async open(o: InterimOptions): Promise<InterimSession> {
    const engine = await createEngine(o.engine ?? 'ts', o.seed === undefined ? {} : { seed: o.seed });
    const epc = InProcessEPC.fromEngine(engine, {
      seed: o.seed,
      stdout: o.stdout,
      stderr: o.stderr,
      stdin: o.stdin ?? new Uint8Array(),
    });
    return new InterimSession(epc, engine, o);
  }

  private constructor(epc: InProcessEPC, engine: Engine, o: InterimOptions) {
    const traceLazy = o.traceLazy;
    super({
      epc,
      seed: o.seed,
      syscalls: true,
      faultsAsSignals: true,
      ...(o.showLinkedFiles ? { showLinkedFiles: o.showLinkedFiles } : {}),
      ...(traceLazy ? { traceLazy: (ev) => traceLazy(formatLazyTrace(ev)) } : {}),
      ...(o.runtimeObjects ? { runtimeObjects: o.runtimeObjects } : {}),
    });
    this.engine = engine;
    this.engineKind = engine.kind as 'ts' | 'unicorn';
    this.runtime = epc.runtime;
    for (const s of epc.bootstrap.processSymbols) this.gates.add(s.address);
    this.gates.add(epc.bootstrap.jitDispatch);
    this.gates.add(this.runtime.host.returnSentinel);
    this.layer.addPlugin({
      notifyEmitted: (mr, result) =>
        this.obs.emit('onObjectLinked', { name: result.graph.name, jd: mr.getTargetJITDylib(), result }),
    });
    this.lrm.listeners.push({
      onLazyReexportsCreated: (jd, _k, reexports) => this.obs.emit('onLazyReexportsCreated', { jd, reexports }),
      onLazyReexportCalled: (info) => this.obs.emit('onLazyReentry', info),
      onReentryResolved: (r) => this.obs.emit('onReentryResolved', r),
    });
    this.runtime.executor.onStopped = (pc) => this.onStopped(pc);
  }

  get bootstrap() {
    return { ...this.epc.bootstrap, returnSentinel: this.runtime.host.returnSentinel };
  }

  observe(o: SessionObserver): () => void {
    return this.obs.add(o);
  }

  override async run(
    entry = 'main',
    options: { argv?: string[]; maxInstructions?: number | undefined; debug?: DebugRunOptions } = {},
  ): Promise<ProgramResult> {
    if (options.debug?.stopAtEntry) {
      this.entryStop = await this.link(entry);
      this.syncTraps();
    }
    const r = await super.run(entry, options);
    this.obs.emit('onStop', { reason: 'exit', pc: this.engine.getPc(), thread: 1, status: r.status });
    this.obs.emit('onExit', r);
    return r;
  }

  private onStopped(pc: number): Promise<void> {
    const why = this.stopWhy;
    this.stopWhy = null;
    if (why === null) return Promise.resolve();
    if (this.stepHook) {
      this.engine.hookDel(this.stepHook);
      this.stepHook = null;
    }
    return new Promise((resolve) => {
      this.resumeFn = resolve;
      this.obs.emit('onStop', { ...why, pc });
    });
  }

  private requestStop(s: DebugStop): void {
    if (!this.runtime.executor.canPark()) return;
    if (this.stopWhy === null || s.reason === 'breakpoint') this.stopWhy = s;
    this.engine.stop();
  }

  private syncTraps(): void {
    const want = new Set(this.bps);
    if (this.entryStop >= 0) want.add(this.entryStop);
    for (const [a, h] of this.bpHooks)
      if (!want.has(a)) {
        this.engine.hookDel(h);
        this.bpHooks.delete(a);
      }
    for (const a of want) {
      if (this.bpHooks.has(a)) continue;
      this.bpHooks.set(
        a,
        this.engine.hookAdd(
          'code',
          (addr) => {
            if (addr === this.skipOnce) {
              this.skipOnce = -1;
              return;
            }
            if (addr === this.entryStop) {
              this.entryStop = -1;
              this.requestStop({ reason: 'step', pc: addr, thread: 1 });
              return;
            }
            if (this.bps.includes(addr)) this.requestStop({ reason: 'breakpoint', pc: addr, thread: 1 });
          },
          { begin: a, end: a },
        ),
      );
    }
  }

  private bps: number[] = [];

  readRegisters(): Promise<DebugRegisters> {
    const e = this.engine;
    return Promise.resolve({
      x: Array.from({ length: 31 }, (_, i) => e.getX(i)),
      sp: e.getX(31),
      pc: e.getPc(),
      nzcv: Number(e.regRead('nzcv')),
      fpcr: Number(e.regRead('fpcr')),
      fpsr: Number(e.regRead('fpsr')),
      tpidr_el0: e.regRead('tpidr_el0'),
      v: Array.from({ length: 32 }, (_, i) => e.regRead(`q${i}` as 'q0')),
    });
  }
  readMemory(address: number, size: number): Promise<Uint8Array> {
    try {
      return Promise.resolve(this.engine.memRead(address, size));
    } catch (e) {
      return Promise.reject(e);
    }
  }
  memoryRegions(): Promise<{ begin: number; end: number; perms: number }[]> {
    return Promise.resolve(this.engine.memRegions());
  }
  setBreakpoints(addresses: number[]): Promise<void> {
    this.bps = [...addresses];
    this.syncTraps();
    return Promise.resolve();
  }
  setWatchpoints(ws: DebugWatchpoint[]): Promise<void> {
    for (const h of this.watchHooks) this.engine.hookDel(h);
    this.watchHooks = [];
    for (const w of ws) {
      const hook = (access: 'read' | 'write') => (_a: unknown, address: number, size: number, value: bigint) => {
        let v = value;
        if (access === 'read') {
          const b = this.engine.memRead(address, size);
          v = 0n;
          for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i] as number);
        }
        this.requestStop({ reason: 'watchpoint', pc: 0, thread: 1, watch: { address, size, access, value: v } });
      };
      const range = { begin: w.address, end: w.address + w.size - 1 };
      if (w.kind !== 'read') this.watchHooks.push(this.engine.hookAdd('mem-write', hook('write'), range));
      if (w.kind !== 'write') this.watchHooks.push(this.engine.hookAdd('mem-read', hook('read'), range));
    }
    return Promise.resolve();
  }
  resume(mode: DebugResume): Promise<void> {
    const pc = this.engine.getPc();
    this.skipOnce = this.bpHooks.has(pc) ? pc : -1;
    if (mode.kind === 'step') {
      this.stepLeft = mode.count ?? 1;
      this.stepHook = this.engine.hookAdd('code', (a) => {
        if (this.gates.has(a)) return;
        if (this.stepLeft-- <= 0) this.requestStop({ reason: 'step', pc: a, thread: 1 });
      });
      if (this.engine.kind === 'unicorn') this.retranslate();
    }
    const r = this.resumeFn;
    this.resumeFn = null;
    r?.();
    return Promise.resolve();
  }
  interrupt(): Promise<void> {
    return Promise.resolve();
  }

  /** Unicorn keeps translations made before the step hook existed: drop them page by page. */
  private retranslate(): void {
    const noop = (): void => {};
    for (const r of this.engine.memRegions()) {
      if ((r.perms & PROT_EXEC) === 0) continue;
      for (let page = r.begin; page < r.end; page += PAGE_SIZE)
        this.engine.hookDel(this.engine.hookAdd('code', noop, { begin: page, end: page + PAGE_SIZE - 1 }));
    }
  }
}
