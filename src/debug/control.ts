/**
 * The debug control layer: what the CLI debugger (debugger.ts) and the web stepper
 * (web/src/stepper.ts) share. It drives a session's debug primitives and observes the session:
 *   - breakpoints (pending ones on symbols not linked yet, armed when their graph links; tbreak),
 *     watchpoints (watch/rwatch/awatch, memory hooks in the executor);
 *   - execution: continue, stepi, nexti (over bl/blr), finish, until, advance, the next lazy event,
 *     interrupt, kill, and `run` restarting from a fresh session;
 *   - symbolisation (symbol+offset, stubs, stub pointers, trampolines, host call gates, the reentry
 *     routine), frames through the reentry routine, the stub/trampoline table, the lazy event log;
 *   - observers: every stop, lazy event and breakpoint arming is an event for whoever renders it.
 *
 * Stepping over a call, finish, until and advance use internal breakpoints with a frame check
 * (sp at or above the frame's), so recursion does not stop them early.
 */
import { disassemble } from '../emu/ts/isa/index.ts';
import type { ProgramResult } from '../executor/host/runner.ts';
import type { JITDylib } from '../orc/core/session.ts';
import type { CallThroughInfo } from '../orc/lazy/lazy-reexports.ts';
import { angled, type EvalContext, type Expr, ExprError, evaluate, parseExpr, type Value } from './expr.ts';
import { SourceIndex } from './source.ts';
import { type DebugSymbol, SymbolTable, trampolineName } from './symbols.ts';
import type { DebugRegisters, DebugRunOptions, DebugSession, DebugStop } from './target.ts';

export const SYSV_RESOLVE = '__orc_rt_sysv_resolve';
/** Frame size of __orc_rt_sysv_resolve (runtime-aarch64/README.md): the trampoline's pair is at sp + 720. */
const REENTRY_FRAME = 720;
const MOV_X29_SP = 0x910003fd;
export const SUB_X0_X30_8 = 0xd10023c0;
const REENTRY_NOTE = "reentry routine: its x29 points at the caller's pair pushed by the trampoline";

/**
 * A debugger request that cannot be done now (no program running, unknown symbol, bad expression); the message says why.
 */
export class DebugError extends Error {
  override name = 'DebugError';
}

/** A breakpoint or watchpoint of a DebugControl (pending until its symbol is linked). */
export interface Breakpoint {
  id: number;
  type: 'breakpoint' | 'watchpoint';
  /** tbreak: deleted when first hit. */
  temporary: boolean;
  /** What the user typed (symbol, `*ADDR`, or the watched expression). */
  spec: string;
  /** Undefined while pending (a symbol not linked yet). */
  address: number | undefined;
  hits: number;
  watch?: { kind: 'write' | 'read' | 'access'; size: number; old: bigint | undefined };
}

/**
 * Why a DebugControl stop happened (exported as DebugStopReason): a breakpoint, watchpoint, step, lazy event, fault, …
 */
export type StopReason =
  | { kind: 'breakpoint'; bp: Breakpoint }
  | { kind: 'watchpoint'; bp: Breakpoint; access: 'read' | 'write'; old: bigint | undefined; value: bigint }
  | { kind: 'step' }
  | { kind: 'entry' }
  | { kind: 'location'; why: 'next' | 'until' | 'advance' }
  | { kind: 'finish'; from: number }
  | { kind: 'lazy'; what: string }
  | { kind: 'interrupt' }
  | { kind: 'fault'; signal: number; message: string };

/** What DebugControl.go() answers: a stop, the program's exit, a kill, or an error. */
export type DebugEvent =
  /** instructions: executed by the engine so far (the executor's count at the stop). */
  | { kind: 'stop'; reason: StopReason; pc: number; thread: number; instructions: number }
  | { kind: 'exit'; result: ProgramResult }
  | { kind: 'killed' }
  | { kind: 'error'; error: Error };

/**
 * One entry of the lazy-linking event log (stub creation, reentry, lookup, link, redirect, resume).
 */
export interface LazyEvent {
  seq: number;
  kind: 'create' | 'reentry' | 'lookup' | 'link' | 'redirect' | 'resume' | 'fail';
  text: string;
}

/** One frame of a backtrace: its pc and, for the reentry routine, a note. */
export interface Frame {
  pc: number;
  note?: string;
}

/** One lazy reexport's stub: trampoline, stub, pointer and what the pointer targets now. */
export interface StubRow {
  info: CallThroughInfo;
  trampoline: number;
  stub: number | undefined;
  pointer: number | undefined;
  /** The pointer's value now (the trampoline until the first call, then the body). */
  target: number | undefined;
  resolved: boolean;
}

/** Callbacks of DebugControl.observe (stops, lazy events, breakpoints armed, graphs linked). */
export interface ControlObserver {
  onStop?(ev: DebugEvent): void;
  onLazyEvent?(ev: LazyEvent): void;
  /** A pending breakpoint got its address (its graph linked). */
  onArmed?(bp: Breakpoint, s: DebugSymbol | undefined): void;
  /** A graph was linked (`Linking` lines, symbol views). */
  onLinked?(graph: string): void;
}

/** How DebugControl.create opens and runs the program. */
export interface ControlOptions {
  /** Opens a fresh session with the program's inputs added (called again by `run` to restart). */
  open: () => Promise<DebugSession>;
  entry?: string;
  argv?: string[];
  maxInstructions?: number | undefined;
  /**
   * Runs the program instead of `session.run(entry, …)` (the stops reach the session's observers
   * the same way): `debug --sysroot` starts a Linux process at `_start`.
   */
  run?: (session: DebugSession, debug: DebugRunOptions) => Promise<ProgramResult>;
}

/**
 * gdb-level resumptions.
 *
 * @example
 * ```ts
 * await control.go({ kind: 'stepi', count: 3 });
 * ```
 */
export type Action =
  | { kind: 'continue' }
  | { kind: 'stepi'; count: number }
  | { kind: 'nexti'; count: number }
  | { kind: 'finish' }
  | { kind: 'until'; address?: number | undefined }
  | { kind: 'advance'; address: number }
  /** Continue to the next lazy-linking event: a stub called before its redirect, a trampoline, a body's first instruction. */
  | { kind: 'lazy' };

interface Internal {
  address: number;
  /** Stop only when sp >= this (the frame is the one we wait for, or an outer one). */
  minSp: number;
  reason: StopReason;
}

const hex = (v: number | bigint): string => `0x${v.toString(16)}`;
const isCall = (w: number | undefined): boolean =>
  w !== undefined && ((w & 0xfc000000) >>> 0 === 0x94000000 || (w & 0xfffffc1f) >>> 0 === 0xd63f0000);
const u64 = (b: Uint8Array, at = 0): bigint => new DataView(b.buffer, b.byteOffset + at, 8).getBigUint64(0, true);

/**
 * The debugger's engine (what `orc-sandbox debug` drives): breakpoints by symbol or address
 * (pending until the symbol links), watchpoints, stepping (stepi/nexti/finish/until/advance),
 * continue to the next lazy-linking event, registers, memory, backtraces and the lazy stub table,
 * over a session opened by `options.open` (reopened by restart()).
 *
 * @example
 * ```ts
 * import { DebugControl } from 'orc-sandbox/debug';
 * import { openSessionWithObjects } from 'orc-sandbox';
 * const control = await DebugControl.create({ open: () => openSessionWithObjects(objects), entry: 'main' });
 * await control.addBreakpoint('greet');
 * const ev = await control.go({ kind: 'continue' }); // { kind: 'stop', reason: { kind: 'breakpoint', … }, pc, … }
 * console.log((await control.registers()).x[0]);
 * await control.close();
 * ```
 */
export class DebugControl {
  readonly symbols = new SymbolTable();
  /** Source lines of the linked objects that carry DWARF. */
  readonly sources = new SourceIndex();
  readonly breakpoints: Breakpoint[] = [];
  readonly events: LazyEvent[] = [];
  /** The value history of print ($1, $2, …). */
  readonly history: Value[] = [];
  /** Host call gates (Process JITDylib functions, the JIT dispatch gate, the return sentinel). */
  readonly gates = new Set<number>();
  /** Trampolines whose reentry has been seen, with their counts. */
  readonly reentryCounts = new Map<number, number>();
  session!: DebugSession;
  state: 'not started' | 'running' | 'stopped' | 'exited' = 'not started';
  /** The last program result (after an exit). */
  result: ProgramResult | undefined;
  /** The last event (stop, exit…). */
  last: DebugEvent | undefined;

  private readonly observers: ControlObserver[] = [];
  private unobserve: (() => void) | null = null;
  private nextBp = 1;
  private internals: Internal[] = [];
  private waiter: ((s: DebugStop) => void) | null = null;
  private pendingStop: DebugStop | null = null;
  private runDone: Promise<ProgramResult | Error> | null = null;
  private regs: DebugRegisters | null = null;
  private regions: { begin: number; end: number; perms: number }[] | null = null;
  /** Bodies resolved by a reentry whose first instruction has not been reached (the lazy action). */
  private readonly pendingBodies = new Set<number>();
  private lazyRows: { jd: JITDylib; alias: string; body: string; trampoline: number }[] = [];
  private killed = false;
  private quietArming = false;
  /** The internal targets of a running `lazy` action (bodies get added as they resolve). */
  private lazyTargets: Internal[] | null = null;

  private constructor(private readonly options: ControlOptions) {}

  static async create(options: ControlOptions): Promise<DebugControl> {
    const c = new DebugControl(options);
    await c.attach(await options.open());
    return c;
  }

  get entry(): string {
    return this.options.entry ?? 'main';
  }

  observe(o: ControlObserver): () => void {
    this.observers.push(o);
    return () => {
      const i = this.observers.indexOf(o);
      if (i >= 0) this.observers.splice(i, 1);
    };
  }

  private emit<K extends keyof ControlObserver>(key: K, ...args: Parameters<NonNullable<ControlObserver[K]>>): void {
    for (const o of [...this.observers]) (o[key] as ((...a: typeof args) => void) | undefined)?.apply(o, args);
  }

  // ---- the session -------------------------------------------------------------------------------

  private async attach(session: DebugSession): Promise<void> {
    this.session = session;
    this.symbols.clear();
    this.gates.clear();
    this.events.length = 0;
    this.reentryCounts.clear();
    this.pendingBodies.clear();
    this.lazyRows = [];
    this.state = 'not started';
    this.result = undefined;
    this.last = undefined;
    this.killed = false;
    this.sources.clear();
    this.symbols.onAdded((s) => this.armPending(s));
    this.addHostSymbols();
    const objects = new WeakMap<object, Uint8Array>();
    session.layer?.addPlugin({ notifyMaterializing: (_mr, g, bytes) => objects.set(g, bytes) });
    this.unobserve = session.observe({
      onObjectLinked: ({ name, jd, result }) => {
        const bytes = objects.get(result.graph);
        if (bytes) {
          this.sources.add(name, bytes, result.graph);
          this.armPendingLines();
        }
        this.symbols.addGraph(result.graph, jd.name);
        this.event('link', name);
        this.emit('onLinked', name);
      },
      onLazyReexportsCreated: ({ jd, reexports }) => {
        for (const r of reexports) {
          this.lazyRows.push({ jd, alias: r.alias, body: r.body, trampoline: r.trampoline });
          this.symbols.add({
            name: trampolineName(r.alias),
            address: r.trampoline,
            size: 8,
            kind: 'trampoline',
            graph: '__orc_reentry_graph',
            section: '__orc_stubs',
            jd: jd.name,
            local: true,
          });
        }
        if (reexports.length > 0)
          this.event(
            'create',
            `lazy reexports in JITDylib ${jd.name}: ${reexports.map((r) => `${r.alias} -> ${r.body} (trampoline ${hex(r.trampoline)})`).join(', ')}`,
          );
      },
      onLazyReentry: (info) => {
        const t = this.session.lrm.trampolineOf(info.jd, info.name);
        if (t !== undefined) this.reentryCounts.set(t, (this.reentryCounts.get(t) ?? 0) + 1);
        const ev = this.event('reentry', `trampoline ${t === undefined ? '?' : hex(t)} of ${info.name}`);
        this.event('lookup', `${info.bodyName} in JITDylib ${info.jd.name} (links its object if needed)`);
        // Who called: read from the parked thread's frames (best effort; the text gets completed).
        void this.reentryCaller().then(
          (c) => {
            if (c) ev.text += `, called from ${c}`;
          },
          () => {},
        );
      },
      onReentryResolved: (r) => {
        if (!r.result.ok) {
          this.event('fail', `trampoline ${hex(r.trampoline)}: ${r.result.error}`);
          return;
        }
        const info = r.info;
        this.pendingBodies.add(r.result.address);
        // While running to the next lazy event, the body's first instruction is one (its address
        // is known only now; the breakpoint goes in before the executor resumes).
        if (this.lazyTargets) {
          this.lazyTargets.push(this.bodyTarget(r.result.address));
          void this.syncBreakpoints();
        }
        const ptr = info ? this.session.rsm.pointerAddress(info.jd, info.name) : undefined;
        const name = info?.name ?? '?';
        const body = info?.bodyName ?? '?';
        this.event(
          'redirect',
          `${name}: pointer ${ptr === undefined ? '?' : `${hex(ptr)} (${name}$__stub_ptr)`} := ${hex(r.result.address)} (${body})`,
        );
        this.event('resume', `the runtime restores the registers and jumps to ${body} at ${hex(r.result.address)}`);
      },
      onStop: (stop) => {
        const w = this.waiter;
        if (w) {
          this.waiter = null;
          w(stop);
        } else this.pendingStop = stop;
      },
    });
  }

  private addHostSymbols(): void {
    const boot = this.session.bootstrap;
    for (const s of boot.processSymbols) {
      this.symbols.add({
        name: s.name,
        address: s.address,
        size: 4,
        kind: 'host',
        graph: '<host>',
        section: '<gate>',
        jd: 'Process',
        local: false,
      });
      this.gates.add(s.address);
    }
    this.symbols.add({
      name: '__orc_rt_jit_dispatch',
      address: boot.jitDispatch,
      size: 4,
      kind: 'host',
      graph: '<host>',
      section: '<gate>',
      jd: 'Platform',
      local: false,
    });
    this.gates.add(boot.jitDispatch);
    this.symbols.add({
      name: '<return to host>',
      address: boot.returnSentinel,
      size: 4,
      kind: 'host',
      graph: '<host>',
      section: '<gate>',
      jd: undefined,
      local: true,
    });
    this.gates.add(boot.returnSentinel);
  }

  private event(kind: LazyEvent['kind'], text: string): LazyEvent {
    const e = { seq: this.events.length + 1, kind, text };
    this.events.push(e);
    this.emit('onLazyEvent', e);
    return e;
  }

  /** Links the entry (nothing runs): stubs, trampolines and eager objects get addresses. */
  async link(): Promise<void> {
    await this.session.link(this.entry);
    this.armPendingByLookup();
    await this.syncBreakpoints();
  }

  /** Ends the program and the session (idempotent). */
  async close(): Promise<void> {
    this.unobserve?.();
    this.unobserve = null;
    this.killed = true;
    await this.session.close();
  }

  // ---- symbols -------------------------------------------------------------------------------------

  symbolize = (address: number): string | undefined => this.symbols.symbolize(address);

  /** For a return address: the symbol of its call (ret − 4), offset from the return address. */
  symbolizeReturn = (address: number): string | undefined => {
    const s = this.symbols.symbolAt(address - 4);
    return s ? `${s.name}+${address - s.address}` : undefined;
  };

  /** `0x… <sym+off>` */
  addrText(address: number): string {
    const s = this.symbolize(address);
    return s ? `${hex(address)} ${angled(s)}` : hex(address);
  }

  /** The function name gdb shows in `0x… in NAME ()`. */
  functionName(pc: number): string {
    return this.symbols.symbolAt(pc)?.name ?? '??';
  }

  addressOfName(name: string): number | undefined {
    const s = this.symbols.lookup(name)[0];
    if (s) return s.address;
    for (const jd of this.session.es.getJITDylibs()) {
      const e = jd.getSymbol(name);
      if (e && e.address !== 0 && !e.hasError) return e.address;
    }
    return undefined;
  }

  /** A name some JITDylib defines (maybe without an address yet: a lazy body not linked). */
  knownName(name: string): boolean {
    return this.symbols.lookup(name).length > 0 || this.session.es.getJITDylibs().some((jd) => jd.getSymbol(name));
  }

  private noSymbol(name: string): DebugError {
    return new DebugError(
      `No symbol "${name}" in any JITDylib (${this.session.es
        .getJITDylibs()
        .map((j) => j.name)
        .join(', ')}) or linked graph.`,
    );
  }

  /** The expression context of the current stop (registers of the stopped thread, memory, symbols). */
  async evalContext(): Promise<EvalContext> {
    const regs = this.stopped ? await this.registers() : null;
    return {
      register: (name) => {
        if (regs) return registerValue(regs, name);
        if (registerValue(NO_REGS, name)) throw new ExprError('No registers.');
        return undefined;
      },
      symbol: (name) => {
        const s = this.symbols.lookup(name)[0];
        if (s) return { address: s.address, code: s.kind !== 'data' && s.kind !== 'pointer' };
        const a = this.addressOfName(name);
        return a === undefined ? undefined : { address: a, code: true };
      },
      readMemory: (a, n) => this.session.readMemory(a, n),
      history: this.history,
    };
  }

  async evaluate(text: string | Expr): Promise<Value> {
    return evaluate(typeof text === 'string' ? parseExpr(text) : text, await this.evalContext());
  }

  /**
   * A location (break, tbreak, until, advance): `*EXPR` is an address expression; a bare name a
   * symbol (undefined while it has no address); a number an address.
   */
  async resolveLocation(spec: string): Promise<number | undefined> {
    const t = spec.trim();
    if (t === '') throw new DebugError('Argument required (a location: SYMBOL or *ADDRESS).');
    const fileLine = this.lineLocation(t);
    if (fileLine !== null) return fileLine;
    if (/^[A-Za-z_.$][\w.$@]*$/.test(t) && !t.startsWith('$')) {
      const a = this.addressOfName(t);
      if (a !== undefined) return a;
      if (this.knownName(t)) return undefined;
      throw this.noSymbol(t);
    }
    const expr = t.startsWith('*') ? t.slice(1) : t;
    const v = await this.evaluate(expr).catch((e: unknown) => {
      if (e instanceof ExprError && /No symbol "([^"]+)"/.test(e.message)) {
        const n = /No symbol "([^"]+)"/.exec(e.message)?.[1] as string;
        throw this.noSymbol(n);
      }
      throw e;
    });
    if (v.type.k === 'novalue') throw new DebugError(`'${expr}' has no value here`);
    return Number(BigInt.asUintN(53, (v as { v: bigint }).v));
  }

  /**
   * FILE:LINE → where the line's code begins (undefined while no linked object has it: a pending
   * location, armed when an object with that line links); null when `spec` is not FILE:LINE.
   */
  lineLocation(spec: string): number | undefined | null {
    const m = /^([^\s:*]+\.[A-Za-z]+):(\d+)$/.exec(spec);
    if (!m) return null;
    return this.sources.lineAddresses(m[1] as string, Number(m[2]))[0];
  }

  // ---- breakpoints ---------------------------------------------------------------------------------

  async addBreakpoint(spec: string, temporary = false): Promise<Breakpoint> {
    const address = await this.resolveLocation(spec);
    if (address !== undefined && !(await this.mapped(address, 4)))
      throw new DebugError(`Cannot insert breakpoint at ${hex(address)}: no executor memory is mapped there.`);
    const bp: Breakpoint = {
      id: this.nextBp++,
      type: 'breakpoint',
      temporary,
      spec: spec.startsWith('*') ? spec.slice(1) : spec,
      address,
      hits: 0,
    };
    this.breakpoints.push(bp);
    await this.syncBreakpoints();
    return bp;
  }

  /** watch/rwatch/awatch EXPR: the lvalue's address and size (a symbol watches 8 bytes, as `*(long*)&sym`). */
  async addWatchpoint(spec: string, kind: 'write' | 'read' | 'access'): Promise<Breakpoint> {
    const { address, size } = await this.watchTarget(spec);
    const old = await this.readValue(address, size).catch(() => undefined);
    const bp: Breakpoint = {
      id: this.nextBp++,
      type: 'watchpoint',
      temporary: false,
      spec,
      address,
      hits: 0,
      watch: { kind, size, old },
    };
    this.breakpoints.push(bp);
    await this.syncWatchpoints();
    return bp;
  }

  private async watchTarget(spec: string): Promise<{ address: number; size: number }> {
    const t = spec.trim();
    if (t === '') throw new DebugError('Argument required (expression to compute).');
    if (/^[A-Za-z_.][\w.$@]*$/.test(t)) {
      const a = this.addressOfName(t);
      if (a === undefined) throw this.knownName(t) ? new DebugError(`'${t}' has no address yet`) : this.noSymbol(t);
      return { address: a, size: 8 };
    }
    const e = parseExpr(t);
    if (e.k === 'unary' && e.op === '*') {
      const inner = await this.evaluate(e.e);
      if (inner.type.k !== 'ptr' && inner.type.k !== 'int' && inner.type.k !== 'text' && inner.type.k !== 'data')
        throw new DebugError('Cannot watch constant value: give an lvalue (*(long*)ADDR or a symbol).');
      const to = inner.type.k === 'ptr' ? inner.type.to : { k: 'int' as const, t: 'int' as const };
      const size =
        to.k === 'int' ? { char: 1, uchar: 1, short: 2, ushort: 2, int: 4, uint: 4, long: 8, ulong: 8 }[to.t] : 8;
      return { address: Number(BigInt.asUintN(53, (inner as { v: bigint }).v)), size };
    }
    throw new DebugError('Cannot watch constant value: give an lvalue (*(long*)ADDR or a symbol).');
  }

  private async readValue(address: number, size: number): Promise<bigint> {
    const b = await this.session.readMemory(address, size);
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i] as number);
    return v;
  }

  deleteBreakpoints(ids?: number[]): number {
    if (ids === undefined) {
      const n = this.breakpoints.length;
      this.breakpoints.length = 0;
      void this.syncAll();
      return n;
    }
    for (const id of ids) {
      const i = this.breakpoints.findIndex((b) => b.id === id);
      if (i < 0) throw new DebugError(`No breakpoint number ${id}.`);
      this.breakpoints.splice(i, 1);
    }
    void this.syncAll();
    return ids.length;
  }

  private async syncAll(): Promise<void> {
    await this.syncBreakpoints();
    await this.syncWatchpoints();
  }

  private armPending(s: DebugSymbol): void {
    for (const bp of this.breakpoints) {
      if (bp.address !== undefined || bp.type !== 'breakpoint' || bp.spec !== s.name) continue;
      bp.address = s.address;
      this.emit('onArmed', bp, s);
      // Ordered before the executor resumes (the observer runs before the reentry is answered).
      void this.syncBreakpoints();
    }
  }

  /** Pending FILE:LINE breakpoints whose line is in an object just linked. */
  private armPendingLines(): void {
    for (const bp of this.breakpoints) {
      if (bp.address !== undefined || bp.type !== 'breakpoint') continue;
      const a = this.lineLocation(bp.spec);
      if (a === null || a === undefined) continue;
      bp.address = a;
      this.emit('onArmed', bp, this.symbols.symbolAt(a));
      void this.syncBreakpoints();
    }
  }

  /** Pending breakpoints whose names got an address some other way (aliases, absolute symbols). */
  private armPendingByLookup(): void {
    for (const bp of this.breakpoints) {
      if (bp.address !== undefined || bp.type !== 'breakpoint') continue;
      const a = this.addressOfName(bp.spec);
      if (a !== undefined) {
        bp.address = a;
        if (!this.quietArming) this.emit('onArmed', bp, undefined);
      }
    }
  }

  private syncBreakpoints(): Promise<void> {
    const set = new Set<number>();
    for (const b of this.breakpoints) if (b.type === 'breakpoint' && b.address !== undefined) set.add(b.address);
    for (const i of this.internals) set.add(i.address);
    if (this.state === 'exited') return Promise.resolve();
    return this.session.setBreakpoints([...set].sort((a, b) => a - b));
  }

  private syncWatchpoints(): Promise<void> {
    if (this.state === 'exited') return Promise.resolve();
    return this.session.setWatchpoints(
      this.breakpoints
        .filter((b) => b.type === 'watchpoint' && b.address !== undefined && b.watch)
        .map((b) => ({ address: b.address as number, size: b.watch?.size ?? 8, kind: b.watch?.kind ?? 'write' })),
    );
  }

  // ---- execution -----------------------------------------------------------------------------------

  get stopped(): boolean {
    return this.state === 'stopped';
  }

  requireStopped(): void {
    if (this.state === 'exited' || (this.state === 'not started' && this.result))
      throw new DebugError('The program is not being run.');
    if (this.state === 'not started') throw new DebugError('The program is not being run.');
    if (this.state === 'running') throw new DebugError('The program is running.');
  }

  /** Registers of the stopped thread (read once per stop). */
  async registers(): Promise<DebugRegisters> {
    this.requireStopped();
    this.regs ??= await this.session.readRegisters();
    return this.regs;
  }

  private nextStop(): Promise<DebugStop> {
    const p = this.pendingStop;
    if (p) {
      this.pendingStop = null;
      return Promise.resolve(p);
    }
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /** Starts the program; the first stop: entry (stopAtEntry) or a breakpoint/the end. */
  private async launch(stopAtEntry: boolean): Promise<DebugStop | ProgramResult | Error> {
    await this.link();
    await this.syncWatchpoints();
    this.state = 'running';
    this.killed = false;
    const stop = this.nextStop();
    const run = this.options.run;
    this.runDone = (
      run
        ? run(this.session, { stopAtEntry })
        : this.session.run(this.entry, {
            argv: this.options.argv ?? ['a.out'],
            maxInstructions: this.options.maxInstructions,
            debug: { stopAtEntry },
          })
    ).then(
      (r) => r,
      (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
    );
    return this.settle(await Promise.race([stop, this.runDone]));
  }

  /** The end of the program is reported by its exit stop first: the run's own result follows. */
  private async settle(r: DebugStop | ProgramResult | Error): Promise<DebugStop | ProgramResult | Error> {
    if (isStop(r) && r.reason === 'exit' && this.runDone) return this.runDone;
    return r;
  }

  private async raw(
    mode: { kind: 'continue' } | { kind: 'step'; count: number },
  ): Promise<DebugStop | ProgramResult | Error> {
    this.regs = null;
    this.regions = null;
    this.state = 'running';
    const stop = this.nextStop();
    await this.syncBreakpoints();
    await this.session.resume(mode.kind === 'step' ? { kind: 'step', count: mode.count } : { kind: 'continue' });
    const r = await this.settle(await Promise.race([stop, this.runDone as Promise<ProgramResult | Error>]));
    // `watch` stops only when the value changes (a store of the same value goes on), as in gdb.
    if (isStop(r) && r.reason === 'watchpoint' && r.watch && mode.kind === 'continue') {
      const bp = this.matchWatch(r.watch);
      const size = bp?.watch?.size ?? 8;
      const unchanged = bp?.watch?.kind === 'write' && BigInt.asUintN(size * 8, r.watch.value) === bp.watch.old;
      if (!bp || unchanged) return this.raw(mode);
    }
    return r;
  }

  /** The watchpoint an access hit: overlapping, and of a kind that stops on this access. */
  private matchWatch(w: NonNullable<DebugStop['watch']>): Breakpoint | undefined {
    return this.breakpoints.find(
      (b) =>
        b.type === 'watchpoint' &&
        b.address !== undefined &&
        w.address < b.address + (b.watch?.size ?? 8) &&
        b.address < w.address + w.size &&
        (b.watch?.kind === 'access' || (b.watch?.kind === 'read') === (w.access === 'read')),
    );
  }

  /** Runs an action from the current state; resolves with the event that ended it (also sent to observers). */
  async go(action: Action): Promise<DebugEvent> {
    if (this.state === 'exited' || (this.state === 'not started' && this.result))
      throw new DebugError('The program is not being run.');
    if (this.state === 'running') throw new DebugError('The program is already running.');
    let todo = action;
    if (this.state === 'not started') {
      // stepi/nexti before the start stop at the entry's first instruction (counting as one step);
      // anything else runs from the start like gdb's `run` (to a breakpoint or the end).
      const atEntry = action.kind === 'stepi' || action.kind === 'nexti' || action.kind === 'lazy';
      const first = await this.launch(atEntry);
      if (!atEntry) return this.finishEvent(first, undefined);
      const more = action.kind === 'lazy' ? 1 : action.count - 1;
      if (!isStop(first) || first.reason === 'exit' || more === 0) return this.finishEvent(first, { kind: 'entry' });
      this.state = 'stopped';
      this.regs = null;
      if (action.kind !== 'lazy') todo = { ...action, count: more };
    }
    return this.perform(todo);
  }

  private async perform(action: Action): Promise<DebugEvent> {
    const regs = await this.registers();
    const pc = regs.pc;
    const sp = Number(regs.sp);
    switch (action.kind) {
      case 'continue':
        return this.finishEvent(await this.raw({ kind: 'continue' }), undefined);
      case 'stepi':
        return this.finishEvent(await this.raw({ kind: 'step', count: action.count }), { kind: 'step' });
      case 'nexti': {
        let ev: DebugEvent | undefined;
        for (let i = 0; i < action.count; i++) {
          if (i > 0) {
            if (ev?.kind !== 'stop' || ev.reason.kind !== 'step') return ev as DebugEvent;
          }
          const r = await this.registers();
          const w = await this.readWord(r.pc);
          if (isCall(w))
            ev = await this.runToInternal([{ address: r.pc + 4, minSp: Number(r.sp), reason: { kind: 'step' } }]);
          else ev = this.finishEvent(await this.raw({ kind: 'step', count: 1 }), { kind: 'step' });
        }
        return ev as DebugEvent;
      }
      case 'finish': {
        const frames = await this.backtrace(2);
        const ret = frames[1];
        if (!ret || ret.pc === this.session.bootstrap.returnSentinel)
          throw new DebugError('"finish" not meaningful in the outermost frame.');
        return this.runToInternal([{ address: ret.pc, minSp: sp, reason: { kind: 'finish', from: pc } }]);
      }
      case 'until': {
        if (action.address !== undefined) return this.runToLocation(action.address, 'until');
        // Like nexti, but a backward jump (a loop) runs on until pc passes the current one.
        const w = await this.readWord(pc);
        let ev: DebugEvent;
        if (isCall(w))
          ev = await this.runToInternal([{ address: pc + 4, minSp: sp, reason: { kind: 'location', why: 'until' } }]);
        else ev = this.finishEvent(await this.raw({ kind: 'step', count: 1 }), { kind: 'location', why: 'until' });
        if (ev.kind === 'stop' && ev.reason.kind === 'location' && ev.pc < pc && this.sameFunction(ev.pc, pc))
          return this.runToInternal([{ address: pc + 4, minSp: sp, reason: { kind: 'location', why: 'until' } }]);
        return ev;
      }
      case 'advance':
        return this.runToLocation(action.address, 'advance');
      case 'lazy':
        return this.runToLazyEvent();
    }
  }

  private sameFunction(a: number, b: number): boolean {
    const s = this.symbols.symbolAt(a);
    return s !== undefined && s === this.symbols.symbolAt(b);
  }

  /** until/advance LOCATION: stop there, or when the current function returns. */
  private async runToLocation(address: number, why: 'until' | 'advance'): Promise<DebugEvent> {
    const regs = await this.registers();
    const sp = Number(regs.sp);
    const targets: Internal[] = [{ address, minSp: why === 'until' ? sp : 0, reason: { kind: 'location', why } }];
    const frames = await this.backtrace(2);
    const ret = frames[1];
    if (ret && ret.pc !== this.session.bootstrap.returnSentinel)
      targets.push({ address: ret.pc, minSp: sp + 1, reason: { kind: 'location', why } });
    return this.runToInternal(targets);
  }

  private async runToLazyEvent(): Promise<DebugEvent> {
    const targets: Internal[] = [];
    for (const r of await this.stubTable()) {
      if (!r.resolved && r.stub !== undefined)
        targets.push({
          address: r.stub,
          minSp: 0,
          reason: { kind: 'lazy', what: `call of stub ${r.info.name} (pointer → trampoline)` },
        });
      if (!r.resolved)
        targets.push({
          address: r.trampoline,
          minSp: 0,
          reason: { kind: 'lazy', what: `reentry trampoline of ${r.info.name} (first call)` },
        });
    }
    for (const a of this.pendingBodies) targets.push(this.bodyTarget(a));
    this.lazyTargets = targets;
    try {
      const ev = await this.runToInternal(targets);
      if (ev.kind === 'stop') this.pendingBodies.delete(ev.pc);
      return ev;
    } finally {
      this.lazyTargets = null;
    }
  }

  private bodyTarget(address: number): Internal {
    return {
      address,
      minSp: 0,
      reason: { kind: 'lazy', what: `first instruction of ${this.symbolize(address) ?? hex(address)}` },
    };
  }

  /**
   * Continues with internal breakpoints; a hit whose frame check fails (a recursive call) goes on.
   * `targets` may grow while running (addresses learnt then, e.g. a lazy body's).
   */
  private async runToInternal(targets: Internal[]): Promise<DebugEvent> {
    this.internals = targets;
    try {
      for (;;) {
        const r = await this.raw({ kind: 'continue' });
        if (!isStop(r) || r.reason !== 'breakpoint') return this.finishEvent(r, undefined);
        const user = this.userBreakpointAt(r.pc);
        const regs = await this.session.readRegisters();
        const sp = Number(regs.sp);
        const hit = this.internals.find((t) => t.address === r.pc && sp >= t.minSp);
        if (user || !hit) {
          if (user) return this.finishEvent(r, undefined);
          // Not ours and no user breakpoint: a recursion level or a lazily armed target; go on.
          this.state = 'stopped';
          continue;
        }
        return this.finishEvent(r, hit.reason);
      }
    } finally {
      this.internals = [];
      void this.syncBreakpoints().catch(() => {});
    }
  }

  private userBreakpointAt(pc: number): Breakpoint | undefined {
    return this.breakpoints.find((b) => b.type === 'breakpoint' && b.address === pc);
  }

  /** Turns a raw stop/end into a DebugEvent, updates the state and breakpoint counts, tells observers. */
  private finishEvent(r: DebugStop | ProgramResult | Error, reason: StopReason | undefined): DebugEvent {
    let ev: DebugEvent;
    this.regs = null;
    this.regions = null;
    if (r instanceof Error) {
      this.state = 'exited';
      ev = this.killed ? { kind: 'killed' } : { kind: 'error', error: r };
    } else if (!isStop(r)) {
      this.state = 'exited';
      this.result = r;
      ev = { kind: 'exit', result: r };
    } else if (r.reason === 'exit') {
      this.state = 'exited';
      const result: ProgramResult = { status: r.status ?? 0, reason: 'exit', instructions: 0 };
      this.result = result;
      // The run's own result (reason, instructions) follows the exit stop.
      void this.runDone?.then((x) => {
        if (!(x instanceof Error)) Object.assign(result, x);
      });
      ev = { kind: 'exit', result };
    } else {
      this.state = 'stopped';
      let why: StopReason;
      if (r.reason === 'breakpoint') {
        const bp = this.userBreakpointAt(r.pc);
        if (bp) {
          bp.hits++;
          why = { kind: 'breakpoint', bp };
          if (bp.temporary) {
            this.breakpoints.splice(this.breakpoints.indexOf(bp), 1);
            void this.syncBreakpoints();
          }
        } else why = reason ?? { kind: 'step' };
      } else if (r.reason === 'watchpoint' && r.watch) {
        const w = r.watch;
        const bp = this.matchWatch(w);
        if (bp?.watch) {
          bp.hits++;
          const old = bp.watch.old;
          const value = BigInt.asUintN(bp.watch.size * 8, w.value);
          if (w.access === 'write') bp.watch.old = value;
          why = { kind: 'watchpoint', bp, access: w.access, old, value };
        } else why = { kind: 'step' };
      } else if (r.reason === 'fault')
        why = { kind: 'fault', signal: r.fault?.signal ?? 0, message: r.fault?.message ?? '' };
      else if (r.reason === 'interrupt') why = { kind: 'interrupt' };
      else why = reason ?? { kind: 'step' };
      ev = { kind: 'stop', reason: why, pc: r.pc, thread: r.thread, instructions: r.instructions };
    }
    this.last = ev;
    this.emit('onStop', ev);
    return ev;
  }

  /** Ctrl-C: the running program stops with reason 'interrupt'. */
  interrupt(): void {
    if (this.state === 'running') void this.session.interrupt().catch(() => {});
  }

  /** kill: ends the program; `run` opens a fresh session. */
  async kill(): Promise<void> {
    if (this.state === 'not started' && !this.result) return;
    this.killed = true;
    this.state = 'exited';
    const w = this.waiter;
    this.waiter = null;
    await this.close();
    w?.({ reason: 'exit', pc: 0, thread: 1, instructions: 0, status: undefined });
  }

  /** run/start: a fresh session (as a new process: lazy objects unlinked again), breakpoints kept. */
  async restart(): Promise<void> {
    if (this.state !== 'not started' || this.result) {
      if (!this.killed) await this.close();
      await this.attach(await this.options.open());
      for (const bp of this.breakpoints) {
        if (bp.type !== 'breakpoint') continue;
        if (!/^(0x[0-9a-f]+|\d+)$/i.test(bp.spec) && !bp.spec.startsWith('*')) bp.address = undefined;
        bp.hits = 0;
      }
      // Eagerly linked code gets its addresses again (the same ones: layouts are deterministic).
      this.quietArming = true;
      try {
        await this.link();
      } finally {
        this.quietArming = false;
      }
    }
  }

  /** The exit status once the program ended (a fault: 128 + signal). */
  get exitStatus(): number | undefined {
    return this.state === 'exited' ? this.result?.status : undefined;
  }

  // ---- memory --------------------------------------------------------------------------------------

  async readWord(address: number): Promise<number | undefined> {
    try {
      const b = await this.session.readMemory(address, 4);
      return new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);
    } catch {
      return undefined;
    }
  }

  async readU64(address: number): Promise<bigint> {
    return u64(await this.session.readMemory(address, 8));
  }

  async mapped(address: number, size: number): Promise<boolean> {
    this.regions ??= await this.session.memoryRegions();
    return this.regions.some((r) => address >= r.begin && address + size <= r.end);
  }

  /** `=> 0x… <sym+off>:\tmnemonic\toperands` (gdb's x/i line). */
  async insnLine(address: number, current: boolean): Promise<string> {
    const w = await this.readWord(address);
    const text = w === undefined ? '<unmapped>' : this.disassembleWord(w, address);
    const sym = this.symbolize(address);
    return `${current ? '=> ' : '   '}${hex(address)}${sym ? ` ${angled(sym)}` : ''}:\t${text}`;
  }

  disassembleWord(w: number, address: number): string {
    const t = disassemble(w, address, { symbolize: this.symbolize });
    const sp = t.indexOf(' ');
    return sp < 0 ? t : `${t.slice(0, sp)}\t${t.slice(sp + 1)}`;
  }

  // ---- frames --------------------------------------------------------------------------------------

  /** True when the function containing pc has set up its frame record (x29) by now. */
  private async frameSetUp(pc: number, fn: DebugSymbol | undefined): Promise<boolean> {
    if (!fn || fn.kind === 'stub' || fn.kind === 'trampoline' || fn.kind === 'host') return false;
    if (pc <= fn.address || pc - fn.address > 0x10000) return false;
    let b: Uint8Array;
    try {
      b = await this.session.readMemory(fn.address, pc - fn.address);
    } catch {
      return false;
    }
    const dv = new DataView(b.buffer, b.byteOffset, b.length);
    for (let i = 0; i + 4 <= b.length; i += 4) {
      const w = dv.getUint32(i, true);
      // mov x29, sp | add x29, sp, #imm
      if (w === MOV_X29_SP || (w & 0xffc003ff) >>> 0 === 0x910003fd) return true;
    }
    return false;
  }

  /** Frames from the current pc through frame records; through the reentry routine too. */
  async backtrace(limit = 32): Promise<Frame[]> {
    const regs = await this.session.readRegisters();
    const pc = regs.pc;
    const sp = Number(regs.sp);
    const frames: Frame[] = [{ pc }];
    const fn = this.symbols.symbolAt(pc);
    let fp = Number(regs.x[29]);
    const sentinel = this.session.bootstrap.returnSentinel;
    if (!(await this.frameSetUp(pc, fn))) {
      const lr = Number(regs.x[30]);
      if (fn?.name === SYSV_RESOLVE) {
        // Before `add x29, sp, #720`: the trampoline's pair {caller x29, caller x30} is at sp
        // (first instruction) or sp + 720.
        const record = sp + (pc === fn.address ? 0 : REENTRY_FRAME);
        frames.push({ pc: lr, note: 'the trampoline (x30 = T + 8)' });
        if (!(await this.mapped(record, 16))) return frames;
        frames.push({ pc: Number(await this.readU64(record + 8)), note: 'caller (pair pushed by the trampoline)' });
        fp = Number(await this.readU64(record));
      } else {
        const inReentry = this.symbols.symbolAt(lr - 4)?.name === SYSV_RESOLVE;
        frames.push({ pc: lr, note: inReentry ? `x30; ${REENTRY_NOTE}` : 'x30' });
        if (lr === sentinel) return frames;
      }
    }
    const seen = new Set<number>();
    while (frames.length < limit && fp !== 0 && fp % 8 === 0 && !seen.has(fp) && (await this.mapped(fp, 16))) {
      seen.add(fp);
      const rec = await this.session.readMemory(fp, 16);
      const ret = Number(u64(rec, 8));
      if (ret === 0) break;
      const inReentry = this.symbols.symbolAt(ret - 4)?.name === SYSV_RESOLVE;
      frames.push({ pc: ret, ...(inReentry ? { note: REENTRY_NOTE } : {}) });
      if (ret === sentinel) break;
      const next = Number(u64(rec, 0));
      if (next !== 0 && next <= fp) break;
      fp = next;
    }
    return frames;
  }

  /** The caller of the reentry in progress (the program is parked in the routine). */
  private async reentryCaller(): Promise<string | undefined> {
    const frames = await this.backtrace();
    const i = frames.findIndex((f) => this.symbols.symbolAt(f.pc)?.name === SYSV_RESOLVE);
    const c = i >= 0 ? frames[i + 1] : undefined;
    return c ? this.addrText(c.pc - 4) : undefined;
  }

  /** At the reentry routine's entry or its `sub x0, x30, #8`: where x0 (the trampoline) comes from. */
  async reentryNote(pc: number): Promise<string | undefined> {
    const fn = this.symbols.symbolAt(pc);
    if (fn?.name !== SYSV_RESOLVE) return undefined;
    if (pc !== fn.address && (await this.readWord(pc)) !== SUB_X0_X30_8) return undefined;
    const regs = await this.registers();
    const lr = Number(regs.x[30]);
    const t = lr - 8;
    const info = this.session.lrm.callThrough(t);
    const who = info ? `: the trampoline of ${info.name} (body ${info.bodyName}, JITDylib ${info.jd.name})` : '';
    return `x30 = ${hex(lr)} = T + 8, set by the trampoline's 'bl __orc_rt_reenter' at T + 4, so x30 - 8 = ${hex(t)} = T${who}`;
  }

  // ---- the lazy machinery ----------------------------------------------------------------------------

  /** The lazy reexports: alias → stub → pointer → target (trampoline until the first call, then the body). */
  stubRows(): StubRow[] {
    const rows: StubRow[] = [];
    for (const [trampoline, info] of this.session.lrm.callThroughs) {
      const stub = this.symbols.lookup(info.name).find((s) => s.kind === 'stub' && s.jd === info.jd.name)?.address;
      const pointer = this.session.rsm.pointerAddress(info.jd, info.name);
      rows.push({ info, trampoline, stub, pointer, target: undefined, resolved: false });
    }
    return rows.sort((x, y) => (x.stub ?? 0) - (y.stub ?? 0));
  }

  /** stubRows with the pointer values read from executor memory. */
  async stubTable(): Promise<StubRow[]> {
    const rows = this.stubRows();
    for (const r of rows) {
      if (r.pointer === undefined) continue;
      try {
        r.target = Number(await this.readU64(r.pointer));
        r.resolved = r.target !== r.trampoline;
      } catch {
        r.target = undefined;
      }
    }
    return rows;
  }
}

const NO_REGS: DebugRegisters = { x: [], sp: 0n, pc: 0, nzcv: 0, fpcr: 0, fpsr: 0, tpidr_el0: 0n, v: [] };

function isStop(r: DebugStop | ProgramResult | Error | undefined): r is DebugStop {
  return r !== undefined && !(r instanceof Error) && 'reason' in r && 'pc' in r && 'thread' in r;
}

/**
 * A register as an expression value, with gdb's types ($x0 long, $w0 int, $sp void *, $pc code pointer).
 *
 * @param regs - the registers of a stop (DebugControl.registers()).
 * @param name - x0–x30, w0–w30, sp, pc, lr, fp, nzcv, q0–q31/d/s (as gdb's $names, without $).
 * @returns the value with its gdb type, or undefined for an unknown name.
 * @example
 * ```ts
 * const v = registerValue(await control.registers(), 'x0'); // { type: { k: 'int', t: 'long' }, v: 12n }
 * ```
 */
export function registerValue(regs: DebugRegisters, name: string): Value | undefined {
  const x = /^x(\d+)$/.exec(name);
  if (x && Number(x[1]) <= 30)
    return { type: { k: 'int', t: 'long' }, v: BigInt.asIntN(64, regs.x[Number(x[1])] ?? 0n) };
  const w = /^w(\d+)$/.exec(name);
  if (w && Number(w[1]) <= 30)
    return { type: { k: 'int', t: 'int' }, v: BigInt.asIntN(32, regs.x[Number(w[1])] ?? 0n) };
  switch (name) {
    case 'sp':
      return { type: { k: 'ptr', to: { k: 'void' } }, v: BigInt.asUintN(64, regs.sp) };
    case 'fp':
      return { type: { k: 'ptr', to: { k: 'void' } }, v: BigInt.asUintN(64, regs.x[29] ?? 0n) };
    case 'lr':
      return { type: { k: 'int', t: 'long' }, v: BigInt.asIntN(64, regs.x[30] ?? 0n) };
    case 'wsp':
      return { type: { k: 'int', t: 'int' }, v: BigInt.asIntN(32, regs.sp) };
    case 'pc':
      return { type: { k: 'ptr', to: { k: 'func' } }, v: BigInt(regs.pc) };
    case 'cpsr':
    case 'nzcv':
      return { type: { k: 'int', t: 'int' }, v: BigInt.asIntN(32, BigInt(regs.nzcv)) };
    case 'fpsr':
      return { type: { k: 'int', t: 'int' }, v: BigInt(regs.fpsr | 0) };
    case 'fpcr':
      return { type: { k: 'int', t: 'int' }, v: BigInt(regs.fpcr | 0) };
    case 'tpidr_el0':
      return { type: { k: 'int', t: 'long' }, v: BigInt.asIntN(64, regs.tpidr_el0) };
  }
  return undefined;
}
