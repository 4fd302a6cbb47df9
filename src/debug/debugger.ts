/**
 * A debugger for an OrcSandbox session: breakpoints (also on runtime, stub and not-yet-linked
 * symbols), instruction stepping, registers, memory, disassembly, frame-record backtraces through
 * the reentry routine, and views of the lazy-linking machinery (stubs, trampolines, event log).
 *
 * Execution control. The program runs under the sandbox's parking executor. The debugger stops it
 * with engine.stop() from a code hook (before the hooked instruction runs) and the executor awaits
 * `executor.onStopped` until the user resumes. Hooks exist only while needed: one code hook per
 * breakpoint address (a ranged hook: cheap on Unicorn), plus a temporary one for `next`/`finish`,
 * and a hook on every instruction only while `step` runs. With no breakpoints the program runs at
 * full speed. Host call gates (printf, the JIT dispatch) behave as one instruction: `step` never
 * stops on them (they run with their `ret`, so stepping into printf stops back at the caller).
 */
import { type Engine, type HookHandle, PAGE_SIZE, PROT_EXEC } from '../emu/engine.ts';
import { disassemble } from '../emu/ts/isa/index.ts';
import type { CallThroughInfo } from '../orc/lazy/lazy-reexports.ts';
import type { OrcSandbox } from '../orc/platform/sandbox.ts';
import { CommandError, countArg, helpText, type ParsedCommand, parseCommand } from './commands.ts';
import { type DebugSymbol, SymbolTable, trampolineName } from './symbols.ts';

const SYSV_RESOLVE = '__orc_rt_sysv_resolve';
/** Frame size of __orc_rt_sysv_resolve (runtime-aarch64/README.md): the trampoline's pair is at sp + 720. */
const REENTRY_FRAME = 720;
const MOV_X29_SP = 0x910003fd;
const REENTRY_NOTE = "reentry routine: its x29 points at the caller's pair pushed by the trampoline";
const SUB_X0_X30_8 = 0xd10023c0;

export interface Breakpoint {
  id: number;
  /** What the user typed (symbol name or address text). */
  spec: string;
  address: number | undefined;
  hits: number;
}

export type StopReason =
  | { kind: 'breakpoint'; bp: Breakpoint }
  | { kind: 'step' }
  | { kind: 'next' }
  | { kind: 'finish' };

export type DebugEvent =
  | { kind: 'stop'; reason: StopReason; pc: number }
  | { kind: 'exit'; status: number }
  | { kind: 'error'; error: Error };

type Mode =
  | { kind: 'continue' }
  | { kind: 'step'; n: number; seen: number }
  | { kind: 'until'; address: number; sp: number; why: 'next' | 'finish' };

export interface LazyEvent {
  seq: number;
  kind: 'create' | 'reentry' | 'lookup' | 'link' | 'redirect' | 'resume' | 'fail';
  text: string;
}

export interface Frame {
  pc: number;
  note?: string;
}

export interface DebuggerOptions {
  entry?: string;
  argv?: string[];
  maxInstructions?: number | undefined;
  /** Receives every line the debugger prints (program output goes through the sandbox's stdout). */
  write: (s: string) => void;
}

const hex = (v: number | bigint, width = 0): string => `0x${v.toString(16).padStart(width, '0')}`;
/** `<sym>`, without doubling the brackets of names like `<trampoline greet>+0x8`. */
const angle = (s: string): string => (s.startsWith('<') ? s : `<${s}>`);
const hex16 = (v: bigint): string => hex(BigInt.asUintN(64, v), 16);

export class Debugger {
  readonly symbols = new SymbolTable();
  readonly breakpoints: Breakpoint[] = [];
  readonly events: LazyEvent[] = [];
  private nextBp = 1;
  private readonly engine: Engine;
  private readonly write: (s: string) => void;
  private readonly entry: string;
  private readonly argv: string[];
  private readonly maxInstructions: number | undefined;
  private readonly gates = new Set<number>();

  // execution state
  private started = false;
  private finished: DebugEvent | null = null;
  private running = false;
  private mode: Mode = { kind: 'continue' };
  private stopReason: StopReason | null = null;
  private resumeFn: (() => void) | null = null;
  private waiter: ((ev: DebugEvent) => void) | null = null;
  /** The trap at this address does not fire on the first instruction after a resume from there. */
  private skipFirst = -1;
  private readonly trapHooks = new Map<number, HookHandle>();
  private stepHook: HookHandle | null = null;
  /** Trampolines whose reentry has been seen, with their call counts. */
  private readonly reentries = new Map<number, number>();
  private nestedStopsIgnored = 0;
  /** Unicorn runs a gate's host function before our hook stops there: resume at its return address. */
  private gateRan = false;

  constructor(
    readonly sandbox: OrcSandbox,
    options: DebuggerOptions,
  ) {
    this.engine = sandbox.engine;
    this.write = options.write;
    this.entry = options.entry ?? 'main';
    this.argv = options.argv ?? ['a.out'];
    this.maxInstructions = options.maxInstructions;
    sandbox.layer.addPlugin(this.symbols.plugin());
    sandbox.layer.addPlugin({
      modifyPassConfig: (_mr, g) => {
        this.event('link', g.name);
      },
    });
    this.symbols.onAdded((s) => this.armPending(s));
    this.addHostSymbols();
    sandbox.lrm.listeners.push({
      onLazyReexportsCreated: (jd, _key, reexports) => {
        for (const r of reexports) {
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
        this.event(
          'create',
          `lazy reexports in JITDylib ${jd.name}: ${reexports.map((r) => `${r.alias} -> ${r.body} (trampoline ${hex(r.trampoline)})`).join(', ')}`,
        );
      },
      onLazyReexportCalled: (info) => {
        const t = this.sandbox.lrm.trampolineOf(info.jd, info.name);
        if (t !== undefined) this.reentries.set(t, (this.reentries.get(t) ?? 0) + 1);
        const caller = this.reentryCaller();
        this.event(
          'reentry',
          `trampoline ${t === undefined ? '?' : hex(t)} of ${info.name}${caller ? `, called from ${caller}` : ''}`,
        );
        this.event('lookup', `${info.bodyName} in JITDylib ${info.jd.name} (links its object if needed)`);
      },
      onReentryResolved: (r) => {
        if (!r.result.ok) {
          this.event('fail', `trampoline ${hex(r.trampoline)}: ${r.result.error}`);
          return;
        }
        const info = r.info as CallThroughInfo;
        const ptr = this.sandbox.rsm.pointerAddress(info.jd, info.name);
        this.event(
          'redirect',
          `${info.name}: pointer ${ptr === undefined ? '?' : `${hex(ptr)} (${info.name}$__stub_ptr)`} := ${hex(r.result.address)} (${info.bodyName})`,
        );
        this.event(
          'resume',
          `the runtime restores the registers and jumps to ${info.bodyName} at ${hex(r.result.address)}`,
        );
      },
    });
    sandbox.executor.onStopped = (pc) => this.onEngineStopped(pc);
  }

  // ---- output -----------------------------------------------------------------------------------

  private out(s: string): void {
    this.write(s.endsWith('\n') ? s : `${s}\n`);
  }

  private event(kind: LazyEvent['kind'], text: string): void {
    this.events.push({ seq: this.events.length + 1, kind, text });
  }

  // ---- symbols ----------------------------------------------------------------------------------

  private addHostSymbols(): void {
    const { host, processJD, platform } = this.sandbox;
    for (const name of processJD.symbolNames()) {
      const d = host.symbol(name);
      if (!d) continue;
      this.symbols.add({
        name,
        address: d.address,
        size: 4,
        kind: 'host',
        graph: '<host>',
        section: '<gate>',
        jd: 'Process',
        local: false,
      });
      this.gates.add(d.address);
    }
    this.symbols.add({
      name: '__orc_rt_jit_dispatch',
      address: platform.gateAddress,
      size: 4,
      kind: 'host',
      graph: '<host>',
      section: '<gate>',
      jd: 'Platform',
      local: false,
    });
    this.gates.add(platform.gateAddress);
    this.symbols.add({
      name: '<return to host>',
      address: host.returnSentinel,
      size: 4,
      kind: 'host',
      graph: '<host>',
      section: '<gate>',
      jd: undefined,
      local: true,
    });
    this.gates.add(host.returnSentinel);
  }

  symbolize = (address: number): string | undefined => this.symbols.symbolize(address);

  /** For a return address: the symbol of the call instruction (ret − 4), offset from the return address. */
  symbolizeReturn = (address: number): string | undefined => {
    const s = this.symbols.symbolAt(address - 4);
    if (!s) return undefined;
    return `${s.name}+0x${(address - s.address).toString(16)}`;
  };

  /** `0x… <sym+off>` */
  private addrText(address: number): string {
    const s = this.symbolize(address);
    return s ? `${hex(address)} <${s}>` : hex(address);
  }

  /**
   * Resolves an address expression: a number (0x…, decimal), `*ADDR`, `$reg`, `SYMBOL`, `SYMBOL+off`.
   * Undefined for a symbol with no address yet; throws CommandError when nothing matches.
   */
  resolveAddress(text: string): number | undefined {
    const t = text.startsWith('*') ? text.slice(1) : text;
    if (/^(0x[0-9a-f]+|\d+)$/i.test(t)) return Number(t);
    const reg = /^\$(x\d+|sp|pc|lr|fp)$/i.exec(t);
    if (reg) return Number(BigInt.asUintN(53, this.engine.regRead((reg[1] as string).toLowerCase() as 'sp')));
    const m = /^(.+?)(?:\+(0x[0-9a-f]+|\d+))?$/i.exec(t);
    const name = (m?.[1] ?? t) as string;
    const off = m?.[2] ? Number(m[2]) : 0;
    const a = this.addressOfName(name);
    if (a === undefined) {
      if (this.knownName(name)) return undefined;
      throw new CommandError(
        `no symbol '${name}' in any JITDylib (${this.sandbox.es
          .getJITDylibs()
          .map((j) => j.name)
          .join(', ')}) or linked graph`,
      );
    }
    return a + off;
  }

  private addressOfName(name: string): number | undefined {
    const s = this.symbols.lookup(name)[0];
    if (s) return s.address;
    for (const jd of this.sandbox.es.getJITDylibs()) {
      const e = jd.getSymbol(name);
      if (e && e.address !== 0 && !e.hasError) return e.address;
    }
    return undefined;
  }

  private knownName(name: string): boolean {
    return this.sandbox.es.getJITDylibs().some((jd) => jd.getSymbol(name) !== undefined);
  }

  // ---- breakpoints ------------------------------------------------------------------------------

  private armPending(s: DebugSymbol): void {
    for (const bp of this.breakpoints) {
      if (bp.address !== undefined || bp.spec !== s.name) continue;
      bp.address = s.address;
      this.out(`Breakpoint ${bp.id} (${bp.spec}) armed at ${hex(s.address)} (${s.graph})`);
      this.syncTraps();
      // The ts engine takes its hook list at start(): stop (silently) so the new hook is seen.
      if (this.running && this.engine.kind === 'ts') this.engine.stop();
    }
  }

  /** Pending breakpoints whose names got an address some other way (aliases, absolute symbols). */
  private armPendingByLookup(): void {
    for (const bp of this.breakpoints) {
      if (bp.address !== undefined) continue;
      const a = this.addressOfName(bp.spec);
      if (a !== undefined) {
        bp.address = a;
        this.out(`Breakpoint ${bp.id} (${bp.spec}) armed at ${hex(a)}`);
      }
    }
  }

  private wantedTraps(): Set<number> {
    const s = new Set<number>();
    for (const bp of this.breakpoints) if (bp.address !== undefined) s.add(bp.address);
    if (this.mode.kind === 'until') s.add(this.mode.address);
    return s;
  }

  /** Installs/removes the ranged code hooks so that exactly the wanted trap addresses have one. */
  private syncTraps(): void {
    const want = this.wantedTraps();
    for (const [a, h] of this.trapHooks) {
      if (!want.has(a)) {
        this.engine.hookDel(h);
        this.trapHooks.delete(a);
      }
    }
    for (const a of want) {
      if (this.trapHooks.has(a)) continue;
      this.trapHooks.set(
        a,
        this.engine.hookAdd('code', (addr) => this.onTrap(addr), { begin: a, end: a }),
      );
    }
  }

  private onTrap(addr: number): void {
    if (addr === this.skipFirst) {
      this.skipFirst = -1;
      return;
    }
    const bp = this.breakpoints.find((b) => b.address === addr);
    if (bp) {
      if (this.requestStop({ kind: 'breakpoint', bp })) bp.hits++;
      return;
    }
    const m = this.mode;
    if (m.kind === 'until' && addr === m.address && this.sp() >= m.sp) this.requestStop({ kind: m.why });
  }

  private onStepHook(addr: number): void {
    const m = this.mode;
    if (m.kind !== 'step') return;
    if (this.gates.has(addr)) return; // host functions run as part of the call
    m.seen++;
    if (m.seen > m.n) this.requestStop({ kind: 'step' });
  }

  private requestStop(reason: StopReason): boolean {
    if (!this.sandbox.executor.canPark()) {
      // Inside a host → emulated callback (qsort comparator, exit handlers): cannot wait here.
      this.nestedStopsIgnored++;
      return false;
    }
    if (this.stopReason === null || reason.kind === 'breakpoint') this.stopReason = reason;
    this.engine.stop();
    return true;
  }

  // ---- execution --------------------------------------------------------------------------------

  private onEngineStopped(pc: number): Promise<void> {
    const reason = this.stopReason;
    this.stopReason = null;
    if (reason === null) return Promise.resolve(); // a stop only to pick up new hooks
    this.running = false;
    this.skipFirst = -1;
    this.gateRan = this.engine.kind === 'unicorn' && this.gates.has(pc);
    if (this.stepHook) {
      this.engine.hookDel(this.stepHook);
      this.stepHook = null;
    }
    this.mode = { kind: 'continue' };
    this.syncTraps();
    return new Promise((resolve) => {
      this.resumeFn = resolve;
      this.deliver({ kind: 'stop', reason, pc });
    });
  }

  private deliver(ev: DebugEvent): void {
    const w = this.waiter;
    this.waiter = null;
    w?.(ev);
  }

  /** Links the entry (nothing runs): stubs, trampolines and eagerly linked objects get addresses. */
  async link(): Promise<void> {
    await this.sandbox.link(this.entry);
    this.armPendingByLookup();
  }

  private resume(mode: Mode): Promise<DebugEvent> {
    this.mode = mode;
    if (this.gateRan) {
      this.gateRan = false;
      this.engine.setPc(Number(this.engine.getX(30)));
    }
    const pc = this.started ? this.engine.getPc() : -1;
    this.syncTraps();
    if (mode.kind === 'step') this.stepHook = this.engine.hookAdd('code', (a) => this.onStepHook(a));
    if (mode.kind === 'step' && this.started && this.engine.kind === 'unicorn') this.retranslate();
    this.skipFirst = this.started && this.trapHooks.has(pc) ? pc : -1;
    this.stopReason = null;
    this.running = true;
    const p = new Promise<DebugEvent>((resolve) => {
      this.waiter = resolve;
    });
    if (!this.started) {
      this.started = true;
      this.sandbox.run(this.entry, { argv: this.argv, maxInstructions: this.maxInstructions }).then(
        (r) => this.finish({ kind: 'exit', status: r.status }),
        (e: unknown) => this.finish({ kind: 'error', error: e instanceof Error ? e : new Error(String(e)) }),
      );
    } else {
      const r = this.resumeFn;
      this.resumeFn = null;
      r?.();
    }
    return p;
  }

  /**
   * Unicorn keeps translations made before the step hook existed (the hook would not run inside
   * them). The engine's flush of a whole multi-page region misses pages mapped separately, so drop
   * the translations page by page (a ranged hook flushes its range when added and deleted).
   */
  private retranslate(): void {
    const noop = (): void => {};
    for (const r of this.engine.memRegions()) {
      if ((r.perms & PROT_EXEC) === 0) continue;
      for (let page = r.begin; page < r.end; page += PAGE_SIZE) {
        this.engine.hookDel(this.engine.hookAdd('code', noop, { begin: page, end: page + PAGE_SIZE - 1 }));
      }
    }
  }

  private finish(ev: DebugEvent): void {
    this.running = false;
    this.finished = ev;
    if (this.stepHook) {
      this.engine.hookDel(this.stepHook);
      this.stepHook = null;
    }
    this.deliver(ev);
  }

  /** The program's exit status once it has exited. */
  get exitStatus(): number | undefined {
    return this.finished?.kind === 'exit' ? this.finished.status : undefined;
  }

  get state(): 'not started' | 'stopped' | 'exited' {
    return this.finished ? 'exited' : this.started ? 'stopped' : 'not started';
  }

  // ---- registers and memory ---------------------------------------------------------------------

  private sp(): number {
    return Number(this.engine.getX(31));
  }

  private readU64(address: number): bigint {
    const b = this.engine.memRead(address, 8);
    return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
  }

  private readWord(address: number): number | undefined {
    try {
      const b = this.engine.memRead(address, 4);
      return new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);
    } catch {
      return undefined;
    }
  }

  private mapped(address: number, size: number): boolean {
    return this.engine.memRegions().some((r) => address >= r.begin && address + size <= r.end);
  }

  private insnLine(address: number, current: boolean): string {
    const w = this.readWord(address);
    const text = w === undefined ? '<unmapped>' : disassemble(w, address, { symbolize: this.symbolize });
    const sym = this.symbolize(address);
    return `${current ? '=> ' : '   '}${hex(address)}${sym ? ` <${sym}>` : ''}:  ${text}`;
  }

  // ---- backtrace --------------------------------------------------------------------------------

  /** True when the function containing pc has set up its frame record (x29) by now. */
  private frameSetUp(pc: number, fn: DebugSymbol | undefined): boolean {
    if (!fn || fn.kind === 'stub' || fn.kind === 'trampoline' || fn.kind === 'host') return false;
    for (let a = fn.address; a < pc; a += 4) {
      const w = this.readWord(a);
      if (w === undefined) return false;
      // mov x29, sp | add x29, sp, #imm
      if (w === MOV_X29_SP || (w & 0xffc003ff) >>> 0 === 0x910003fd) return true;
    }
    return false;
  }

  backtrace(limit = 32): Frame[] {
    const e = this.engine;
    const pc = e.getPc();
    const frames: Frame[] = [{ pc }];
    const fn = this.symbols.symbolAt(pc);
    let fp = Number(e.getX(29));
    if (!this.frameSetUp(pc, fn)) {
      const lr = Number(e.getX(30));
      if (fn?.name === SYSV_RESOLVE) {
        // Before `add x29, sp, #720`: the trampoline's pair {caller x29, caller x30} is at sp
        // (first instruction) or sp + 720.
        const record = this.sp() + (pc === fn.address ? 0 : REENTRY_FRAME);
        frames.push({ pc: lr, note: 'the trampoline (x30 = T + 8)' });
        if (!this.mapped(record, 16)) return frames;
        frames.push({ pc: Number(this.readU64(record + 8)), note: 'caller (pair pushed by the trampoline)' });
        fp = Number(this.readU64(record));
      } else {
        const inReentry = this.symbols.symbolAt(lr - 4)?.name === SYSV_RESOLVE;
        frames.push({ pc: lr, note: inReentry ? `x30; ${REENTRY_NOTE}` : 'x30' });
      }
    }
    const seen = new Set<number>();
    while (frames.length < limit && fp !== 0 && fp % 8 === 0 && !seen.has(fp) && this.mapped(fp, 16)) {
      seen.add(fp);
      const ret = Number(this.readU64(fp + 8));
      if (ret === 0) break;
      const inReentry = this.symbols.symbolAt(ret - 4)?.name === SYSV_RESOLVE;
      frames.push({ pc: ret, ...(inReentry ? { note: REENTRY_NOTE } : {}) });
      if (ret === this.sandbox.host.returnSentinel) break;
      const next = Number(this.readU64(fp));
      if (next !== 0 && next <= fp) break;
      fp = next;
    }
    return frames;
  }

  /** The caller of the reentry in progress (used while the host resolves). */
  private reentryCaller(): string | undefined {
    try {
      const frames = this.backtrace();
      const i = frames.findIndex((f) => this.symbols.symbolAt(f.pc)?.name === SYSV_RESOLVE);
      const c = i >= 0 ? frames[i + 1] : undefined;
      return c ? this.addrText(c.pc - 4) : undefined;
    } catch {
      return undefined;
    }
  }

  // ---- commands ---------------------------------------------------------------------------------

  /** Executes one command line; answers false for `quit`. Errors print a message, never throw. */
  async execute(line: string): Promise<boolean> {
    let cmd: ParsedCommand | undefined;
    try {
      cmd = parseCommand(line);
      if (!cmd) return true;
      return await this.run(cmd);
    } catch (e) {
      if (e instanceof CommandError) this.out(`error: ${e.message}`);
      else this.out(`error: ${(e as Error).name}: ${(e as Error).message}`);
      return true;
    }
  }

  private async run(cmd: ParsedCommand): Promise<boolean> {
    const a = cmd.args;
    switch (cmd.name) {
      case 'quit':
        return false;
      case 'help':
        this.out(helpText());
        return true;
      case 'break':
        this.cmdBreak(a);
        return true;
      case 'delete':
        this.cmdDelete(a);
        return true;
      case 'continue':
        await this.go({ kind: 'continue' });
        return true;
      case 'step': {
        const n = countArg(a, 1, 'step');
        // Before the program starts, the first step stops at the entry's first instruction.
        await this.go({ kind: 'step', n: this.started ? n : n - 1, seen: 0 });
        return true;
      }
      case 'next':
        await this.cmdNext();
        return true;
      case 'finish':
        await this.cmdFinish();
        return true;
      case 'regs':
        this.cmdRegs(a[0]);
        return true;
      case 'disasm':
        this.cmdDisasm(countArg(a, 9, 'disasm'));
        return true;
      case 'x':
        this.cmdExamine(cmd.count ?? 1, a);
        return true;
      case 'bt':
        this.cmdBacktrace();
        return true;
      case 'stubs':
        this.cmdStubs();
        return true;
      case 'trampolines':
        this.cmdTrampolines();
        return true;
      case 'events':
        this.cmdEvents();
        return true;
      case 'info':
        this.cmdInfo(a);
        return true;
    }
  }

  private requireStopped(): void {
    if (this.finished) throw new CommandError('the program is not running (it has exited)');
    if (!this.started) throw new CommandError("the program has not started yet (use 'continue' or 'step')");
  }

  private cmdBreak(a: string[]): void {
    const spec = a.join(' ');
    if (spec === '') throw new CommandError('break: give a symbol or an address (break greet, break 0x10001000)');
    const address = this.resolveAddress(spec);
    if (address !== undefined && !this.mapped(address, 4))
      throw new CommandError(`cannot break at ${hex(address)}: no executor memory is mapped there`);
    if (address === this.sandbox.platform.gateAddress && this.engine.kind === 'unicorn')
      throw new CommandError(
        'cannot break at the JIT dispatch gate on the unicorn engine (it parks); break at __orc_rt_resolve_implementation',
      );
    const bp: Breakpoint = { id: this.nextBp++, spec: spec.startsWith('*') ? spec.slice(1) : spec, address, hits: 0 };
    this.breakpoints.push(bp);
    if (address === undefined) {
      this.out(`Breakpoint ${bp.id} (${bp.spec}) pending: not linked yet, armed when it gets an address`);
      return;
    }
    const s = this.symbols.symbolAt(address);
    this.out(
      `Breakpoint ${bp.id} at ${this.addrText(address)}${s ? ` (${s.kind === 'host' ? 'host function' : s.graph})` : ''}`,
    );
    this.syncTraps();
  }

  private cmdDelete(a: string[]): void {
    if (a.length === 0) {
      const n = this.breakpoints.length;
      this.breakpoints.length = 0;
      this.syncTraps();
      this.out(`Deleted ${n} breakpoint${n === 1 ? '' : 's'}`);
      return;
    }
    for (const t of a) {
      const id = Number(t);
      const i = this.breakpoints.findIndex((b) => b.id === id);
      if (i < 0) throw new CommandError(`no breakpoint number ${t}`);
      this.breakpoints.splice(i, 1);
      this.out(`Deleted breakpoint ${id}`);
    }
    this.syncTraps();
  }

  private async go(mode: Mode): Promise<void> {
    if (this.finished) throw new CommandError('the program is not running (it has exited)');
    const ev = await this.resume(mode);
    this.report(ev);
  }

  private async cmdNext(): Promise<void> {
    this.requireStopped();
    const pc = this.engine.getPc();
    const w = this.readWord(pc);
    // bl imm26 | blr xn
    const isCall = w !== undefined && ((w & 0xfc000000) >>> 0 === 0x94000000 || (w & 0xfffffc1f) >>> 0 === 0xd63f0000);
    if (!isCall) {
      await this.go({ kind: 'step', n: 1, seen: 0 });
      return;
    }
    await this.go({ kind: 'until', address: pc + 4, sp: this.sp(), why: 'next' });
  }

  private async cmdFinish(): Promise<void> {
    this.requireStopped();
    const frames = this.backtrace(2);
    const ret = frames[1];
    if (!ret || ret.pc === this.sandbox.host.returnSentinel)
      throw new CommandError('finish: the outermost frame has no caller to return to');
    this.out(`Run till exit from #0 ${this.addrText(this.engine.getPc())}, returning to ${this.addrText(ret.pc)}`);
    await this.go({ kind: 'until', address: ret.pc, sp: this.sp(), why: 'finish' });
  }

  private report(ev: DebugEvent): void {
    if (this.nestedStopsIgnored > 0) {
      this.out(
        `note: ${this.nestedStopsIgnored} stop(s) inside host callbacks (qsort, exit handlers) were ignored: they cannot wait`,
      );
      this.nestedStopsIgnored = 0;
    }
    if (ev.kind === 'exit') {
      this.out(`[program exited with status ${ev.status}]`);
      return;
    }
    if (ev.kind === 'error') {
      this.out(`[program terminated: ${ev.error.name}: ${ev.error.message}]`);
      return;
    }
    const pc = ev.pc;
    const r = ev.reason;
    if (r.kind === 'breakpoint') this.out(`Breakpoint ${r.bp.id}, ${this.addrText(pc)}`);
    else if (r.kind === 'finish') this.out(`Returned to ${this.addrText(pc)}, x0 = ${hex16(this.engine.getX(0))}`);
    this.out(this.insnLine(pc, true));
    if (this.gates.has(pc)) {
      this.out(
        this.gateRan
          ? `note: host function (call gate); on the unicorn engine it has already run (x0 = ${hex16(this.engine.getX(0))}): continuing returns to ${this.addrText(Number(this.engine.getX(30)))}`
          : `note: host function (call gate): it runs when execution continues, then returns to ${this.addrText(Number(this.engine.getX(30)))}`,
      );
    }
    this.reentryNote(pc);
  }

  /** At the reentry routine, where x0 (the trampoline) comes from. */
  private reentryNote(pc: number): void {
    const fn = this.symbols.symbolAt(pc);
    if (fn?.name !== SYSV_RESOLVE) return;
    // At the routine's entry and at `sub x0, x30, #8` (x30 still holds T + 8 there).
    if (pc !== fn.address && this.readWord(pc) !== SUB_X0_X30_8) return;
    const lr = Number(this.engine.getX(30));
    const t = lr - 8;
    const info = this.sandbox.lrm.callThrough(t);
    const who = info ? `: the trampoline of ${info.name} (body ${info.bodyName}, JITDylib ${info.jd.name})` : '';
    this.out(
      `note: x30 = ${hex(lr)} = T + 8, set by the trampoline's 'bl __orc_rt_reenter' at T + 4, so x30 - 8 = ${hex(t)} = T${who}`,
    );
  }

  private cmdRegs(which: string | undefined): void {
    this.requireStopped();
    const e = this.engine;
    const lines: string[] = [];
    if (which === undefined) {
      for (let i = 0; i < 30; i += 3) {
        const cols: string[] = [];
        for (let j = i; j < Math.min(i + 3, 29); j++) cols.push(`${`x${j}`.padEnd(3)} ${hex16(e.getX(j))}`);
        if (cols.length > 0) lines.push(cols.join('  '));
      }
      const reg = (name: string, v: bigint) => {
        const s = this.symbolize(Number(v));
        lines.push(`${name.padEnd(8)} ${hex16(v)}${s ? `  ${angle(s)}` : ''}`);
      };
      reg('x29(fp)', e.getX(29));
      const lr = e.getX(30);
      const lrSym = lr < 2n ** 53n ? this.symbolizeReturn(Number(lr)) : undefined;
      lines.push(`${'x30(lr)'.padEnd(8)} ${hex16(lr)}${lrSym ? `  ${angle(lrSym)}` : ''}`);
      reg('sp', e.getX(31));
      reg('pc', BigInt(e.getPc()));
      const nzcv = Number(e.regRead('nzcv'));
      const flags = ['N', 'Z', 'C', 'V'].map((f, k) => ((nzcv >>> (31 - k)) & 1 ? f : f.toLowerCase())).join('');
      lines.push(`${'nzcv'.padEnd(8)} ${hex(nzcv, 8)}  [${flags}]`);
    } else if (which === 'v' || which === 'q') {
      for (let i = 0; i < 32; i++) lines.push(`q${i}`.padEnd(4) + hex(e.regRead(`q${i}`), 32));
    } else if (which === 'fp') {
      const fpcr = Number(e.regRead('fpcr'));
      const fpsr = Number(e.regRead('fpsr'));
      const rmode = ['RN', 'RP', 'RM', 'RZ'][(fpcr >>> 22) & 3];
      lines.push(
        `fpcr     ${hex(fpcr, 8)}  [rmode ${rmode}${fpcr & (1 << 24) ? ' FZ' : ''}${fpcr & (1 << 25) ? ' DN' : ''}${fpcr & (1 << 26) ? ' AHP' : ''}]`,
      );
      const bits = ['IOC', 'DZC', 'OFC', 'UFC', 'IXC'].filter((_, k) => fpsr & (1 << k));
      if (fpsr & (1 << 7)) bits.push('IDC');
      if (fpsr & (1 << 27)) bits.push('QC');
      lines.push(`fpsr     ${hex(fpsr, 8)}  [${bits.join(' ')}]`);
    } else throw new CommandError(`regs: unknown group '${which}' (regs, regs v, regs fp)`);
    this.out(lines.join('\n'));
  }

  private cmdDisasm(n: number): void {
    this.requireStopped();
    const pc = this.engine.getPc();
    const before = Math.min(Math.floor((n - 1) / 3), 8);
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      const a = pc + 4 * (i - before);
      if (a < 0) continue;
      lines.push(this.insnLine(a, a === pc));
    }
    this.out(lines.join('\n'));
  }

  private cmdExamine(n: number, a: string[]): void {
    const what = a.join(' ');
    if (what === '') throw new CommandError('x: give an address or a symbol (x/4 greet$__stub_ptr, x/2 $sp)');
    if (what.startsWith('$')) this.requireStopped();
    const address = this.resolveAddress(what);
    if (address === undefined) throw new CommandError(`x: '${what}' has no address yet (not linked)`);
    if (!this.mapped(address, 8 * n))
      throw new CommandError(`x: cannot read ${8 * n} bytes at ${hex(address)}: not mapped`);
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      const at = address + 8 * i;
      const v = this.readU64(at);
      const s = this.symbolize(at);
      const vs = v < 2n ** 53n ? this.symbolize(Number(v)) : undefined;
      lines.push(`${hex(at)}${s ? ` <${s}>` : ''}:  ${hex16(v)}${vs ? `  -> ${vs}` : ''}`);
    }
    this.out(lines.join('\n'));
  }

  private cmdBacktrace(): void {
    this.requireStopped();
    const lines = this.backtrace().map((f, i) => {
      const ret = i > 0 && f.pc !== this.sandbox.host.returnSentinel;
      const s = this.symbols.symbolAt(ret ? f.pc - 4 : f.pc);
      const name = ret ? this.symbolizeReturn(f.pc) : this.symbolize(f.pc);
      const where = s ? `${name} (${s.kind === 'host' ? 'host' : s.graph})` : '??';
      return `#${i}  ${hex(f.pc, 16)} in ${where}${f.note ? `  [${f.note}]` : ''}`;
    });
    this.out(lines.join('\n'));
  }

  private stubRows(): { info: CallThroughInfo; trampoline: number; stub?: number; ptr?: number; target?: number }[] {
    const rows = [...this.sandbox.lrm.callThroughs].map(([trampoline, info]) => {
      const stub = this.symbols.lookup(info.name).find((s) => s.kind === 'stub' && s.jd === info.jd.name)?.address;
      const ptr = this.sandbox.rsm.pointerAddress(info.jd, info.name);
      const target = ptr !== undefined && this.mapped(ptr, 8) ? Number(this.readU64(ptr)) : undefined;
      return { info, trampoline, stub, ptr, target };
    });
    return rows.sort((x, y) => (x.stub ?? 0) - (y.stub ?? 0));
  }

  private cmdStubs(): void {
    const rows = this.stubRows();
    if (rows.length === 0) {
      this.out('no lazy reexports yet');
      return;
    }
    const lines = [`${'alias'.padEnd(12)} ${'stub'.padEnd(12)} ${'pointer'.padEnd(12)} -> target`];
    for (const r of rows) {
      const tgt =
        r.target === undefined
          ? '?'
          : r.target === r.trampoline
            ? `${hex(r.target)} ${trampolineName(r.info.name)} (not resolved yet)`
            : `${hex(r.target)} ${this.symbolize(r.target) ?? '?'}${this.symbolize(r.target) === r.info.bodyName ? ' (redirected)' : ''}`;
      lines.push(
        `${r.info.name.padEnd(12)} ${(r.stub === undefined ? '?' : hex(r.stub)).padEnd(12)} ${(r.ptr === undefined ? '?' : hex(r.ptr)).padEnd(12)} -> ${tgt}`,
      );
    }
    this.out(lines.join('\n'));
  }

  private cmdTrampolines(): void {
    const rows = [...this.sandbox.lrm.callThroughs].sort((x, y) => x[0] - y[0]);
    if (rows.length === 0) {
      this.out('no reentry trampolines yet');
      return;
    }
    const lines = [`${'trampoline'.padEnd(12)} ${'alias'.padEnd(12)} ${'body'.padEnd(20)} JITDylib  reentries`];
    for (const [t, info] of rows) {
      lines.push(
        `${hex(t).padEnd(12)} ${info.name.padEnd(12)} ${info.bodyName.padEnd(20)} ${info.jd.name.padEnd(9)} ${this.reentries.get(t) ?? 0}`,
      );
    }
    const first = rows[0]?.[0] as number;
    const w0 = this.readWord(first);
    const w1 = this.readWord(first + 4);
    if (w0 !== undefined && w1 !== undefined) {
      lines.push(
        `each: ${disassemble(w0, first, { symbolize: this.symbolize })} ; ${disassemble(w1, first + 4, { symbolize: this.symbolize })}`,
      );
    }
    this.out(lines.join('\n'));
  }

  private cmdEvents(): void {
    if (this.events.length === 0) {
      this.out('no lazy events yet');
      return;
    }
    this.out(this.events.map((e) => `${String(e.seq).padStart(3)}  ${e.kind.padEnd(8)} ${e.text}`).join('\n'));
  }

  private cmdInfo(a: string[]): void {
    const sub = a[0] ?? '';
    if (sub !== '' && 'breakpoints'.startsWith(sub)) {
      if (this.breakpoints.length === 0) {
        this.out('no breakpoints');
        return;
      }
      this.out(
        this.breakpoints
          .map(
            (b) =>
              `${b.id}  ${b.address === undefined ? `<pending> ${b.spec}` : `${this.addrText(b.address)}`}  hits ${b.hits}`,
          )
          .join('\n'),
      );
      return;
    }
    if (sub !== '' && 'symbol'.startsWith(sub)) {
      const what = a.slice(1).join(' ');
      if (what === '') throw new CommandError('info symbol: give an address');
      const address = this.resolveAddress(what);
      if (address === undefined) throw new CommandError(`info symbol: '${what}' has no address yet (not linked)`);
      const s = this.symbols.symbolAt(address);
      if (!s) {
        this.out(`No symbol matches ${hex(address)}.`);
        return;
      }
      const off = address - s.address;
      const kind = {
        code: 'code',
        data: 'data',
        stub: 'redirectable stub',
        pointer: 'stub pointer',
        trampoline: 'reentry trampoline',
        host: 'host function (call gate)',
        other: 'symbol',
      }[s.kind];
      this.out(
        `${s.name}${off ? ` + ${off}` : ''} in section ${s.section} of ${s.graph}${s.jd ? ` (JITDylib ${s.jd})` : ''}: ${kind}`,
      );
      return;
    }
    throw new CommandError(`info: unknown subcommand '${sub}' (info symbol ADDR, info breakpoints)`);
  }
}
