/**
 * The executor's debug primitives (src/protocol/debug.ts): breakpoint and watchpoint sets, resume
 * (continue / step), stops reported to the controller, register and memory access. Engine-agnostic:
 * breakpoints are code hooks limited to their address (the ts translation tier stays on elsewhere),
 * steps a code hook that exists only while stepping, watchpoints memory hooks on their range.
 *
 * A hook asks for a stop with engine.stop() (before the hooked instruction runs); the parking
 * executor's loop then awaits `onEngineStopped`, which reports the stop and waits for `resume`.
 * Host call gates (printf, the JIT dispatch, pthread functions) behave as one instruction.
 */
import { type Engine, type HookHandle, PAGE_SIZE, PROT_EXEC } from '../emu/engine.ts';
import type { DebugRegisters, DebugRegisterWrite, DebugResume, DebugStop, DebugWatchpoint } from '../protocol/debug.ts';
import type { Executor } from './executor.ts';

type PendingStop = Pick<DebugStop, 'reason' | 'watch'>;

export interface ExecutorDebugTarget {
  engine: Engine;
  executor: Executor;
  /** Host call gates (a step runs them as part of the call). */
  isGate(address: number): boolean;
  /** The emulated thread running now (1: main). */
  threadId(): number;
}

const REG_NUMBERS = Array.from({ length: 31 }, (_, i) => i);

export class ExecutorDebug {
  /** A debugged run is on: hooks stop the program (otherwise they do nothing). */
  active = false;
  private readonly breakpoints = new Map<number, HookHandle>();
  private watchHooks: HookHandle[] = [];
  private stepHook: HookHandle | null = null;
  private stepSeen = 0;
  private stepCount = 1;
  private entryHook: HookHandle | null = null;
  private pending: PendingStop | null = null;
  private waiter: (() => void) | null = null;
  private skipPc = -1;
  private gateRan = false;
  private interruptRequested = false;

  constructor(
    private readonly target: ExecutorDebugTarget,
    private readonly emit: (stop: DebugStop) => void,
  ) {}

  get engine(): Engine {
    return this.target.engine;
  }

  /** True while a debugged run waits for `resume`. */
  get stopped(): boolean {
    return this.waiter !== null;
  }

  setBreakpoints(addresses: readonly number[]): void {
    const want = new Set(addresses);
    for (const [a, h] of this.breakpoints) {
      if (want.has(a)) continue;
      this.engine.hookDel(h);
      this.breakpoints.delete(a);
    }
    for (const a of want) {
      if (this.breakpoints.has(a)) continue;
      this.breakpoints.set(
        a,
        this.engine.hookAdd('code', (addr) => this.onBreakpoint(addr), { begin: a, end: a }),
      );
    }
  }

  setWatchpoints(ws: readonly DebugWatchpoint[]): void {
    for (const h of this.watchHooks) this.engine.hookDel(h);
    this.watchHooks = [];
    for (const w of ws) {
      const range = { begin: w.address, end: w.address + Math.max(1, w.size) - 1 };
      const hook = (access: string, address: number, size: number, value: bigint) => {
        if (!this.active || !this.target.executor.canPark()) return;
        this.request({
          reason: 'watchpoint',
          watch: { address, size, access: access === 'write' ? 'write' : 'read', value },
        });
      };
      if (w.kind !== 'read') this.watchHooks.push(this.engine.hookAdd('mem-write', hook, range));
      if (w.kind !== 'write') this.watchHooks.push(this.engine.hookAdd('mem-read', hook, range));
    }
  }

  /** Starts a debugged run (stopAtEntry: a one-shot stop at the entry's first instruction). */
  begin(entry: number, stopAtEntry: boolean): void {
    this.active = true;
    this.interruptRequested = false;
    if (stopAtEntry)
      this.entryHook = this.engine.hookAdd(
        'code',
        () => {
          if (this.entryHook) this.request({ reason: 'breakpoint' });
        },
        { begin: entry, end: entry },
      );
  }

  /** Reports a stop and waits for resume (fault and exit stops come from the runtime). */
  stopAndWait(stop: Omit<DebugStop, 'thread' | 'instructions'>): Promise<void> {
    this.emit({ ...stop, thread: this.target.threadId(), instructions: this.engine.instructionCount() });
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  end(status: number | undefined, pc: number): void {
    this.dropStepHook();
    this.dropEntryHook();
    if (this.active && status !== undefined)
      this.emit({
        reason: 'exit',
        pc,
        thread: 1,
        instructions: this.engine.instructionCount(),
        status,
      });
    this.active = false;
  }

  resume(mode: DebugResume): void {
    const w = this.waiter;
    if (!w) throw new Error('resume: the program is not stopped');
    this.waiter = null;
    const e = this.engine;
    if (this.gateRan) {
      // On unicorn a stop at a gate comes after the host function ran: go on at its return address.
      this.gateRan = false;
      e.setPc(Number(e.getX(30)));
    }
    const pc = e.getPc();
    this.skipPc = this.breakpoints.has(pc) || this.entryHook ? pc : -1;
    this.dropEntryHook();
    if (mode.kind === 'step') {
      this.stepSeen = 0;
      this.stepCount = Math.max(1, mode.count ?? 1);
      this.stepHook = e.hookAdd('code', (a) => this.onStep(a));
      if (e.kind === 'unicorn') this.retranslate();
    }
    w();
  }

  interrupt(): void {
    this.interruptRequested = true;
  }

  /** The executor's poll point (every pollInstructions while a debugged run is on). */
  async poll(): Promise<void> {
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    if (!this.interruptRequested || !this.active) return;
    this.interruptRequested = false;
    await this.stopAndWait({ reason: 'interrupt', pc: this.engine.getPc() });
  }

  /** The executor's loop saw reason 'stopped' (a hook called engine.stop()). */
  onEngineStopped(pc: number): Promise<void> {
    const s = this.pending;
    this.pending = null;
    if (s === null) return Promise.resolve();
    this.dropStepHook();
    this.gateRan = this.engine.kind === 'unicorn' && this.target.isGate(pc);
    return this.stopAndWait({ ...s, pc });
  }

  readRegisters(): DebugRegisters {
    const e = this.engine;
    return {
      x: REG_NUMBERS.map((i) => e.getX(i)),
      sp: e.getX(31),
      pc: e.getPc(),
      nzcv: Number(e.regRead('nzcv')),
      fpcr: Number(e.regRead('fpcr')),
      fpsr: Number(e.regRead('fpsr')),
      tpidr_el0: e.regRead('tpidr_el0'),
      v: Array.from({ length: 32 }, (_, i) => e.regRead(`q${i}`)),
    };
  }

  writeRegisters(writes: readonly DebugRegisterWrite[]): void {
    const e = this.engine;
    for (const { name, value } of writes) {
      const n = name.toLowerCase();
      const m = /^([xv])(\d+)$/.exec(n);
      if (m) {
        const i = Number(m[2]);
        if (m[1] === 'x' && i <= 30) e.setX(i, BigInt.asUintN(64, value));
        else if (m[1] === 'v' && i <= 31) e.regWrite(`q${i}`, BigInt.asUintN(128, value));
        else throw new Error(`no register '${name}'`);
      } else if (n === 'sp') e.setX(31, BigInt.asUintN(64, value));
      else if (n === 'pc') e.setPc(Number(value));
      else if (n === 'nzcv' || n === 'fpcr' || n === 'fpsr' || n === 'tpidr_el0') e.regWrite(n, value);
      else throw new Error(`no register '${name}'`);
    }
  }

  private onBreakpoint(addr: number): void {
    if (!this.active) return;
    if (addr === this.skipPc) {
      this.skipPc = -1;
      return;
    }
    if (!this.target.executor.canPark()) return; // inside a host → emulated callback: cannot wait
    this.request({ reason: 'breakpoint' });
  }

  private onStep(addr: number): void {
    if (this.target.isGate(addr)) return;
    this.stepSeen++;
    if (this.stepSeen > this.stepCount && this.target.executor.canPark()) this.request({ reason: 'step' });
  }

  private request(s: PendingStop): void {
    if (this.pending === null || s.reason === 'breakpoint' || s.reason === 'watchpoint') this.pending = s;
    this.engine.stop();
  }

  private dropStepHook(): void {
    if (this.stepHook) {
      this.engine.hookDel(this.stepHook);
      this.stepHook = null;
    }
  }

  private dropEntryHook(): void {
    if (this.entryHook) {
      this.engine.hookDel(this.entryHook);
      this.entryHook = null;
    }
  }

  /**
   * Unicorn keeps translations made before the step hook existed (the hook would not run inside
   * them); a ranged hook flushes its range when added and deleted, page by page.
   */
  private retranslate(): void {
    const noop = (): void => {};
    for (const r of this.engine.memRegions()) {
      if ((r.perms & PROT_EXEC) === 0) continue;
      for (let page = r.begin; page < r.end; page += PAGE_SIZE)
        this.engine.hookDel(this.engine.hookAdd('code', noop, { begin: page, end: page + PAGE_SIZE - 1 }));
    }
  }
}
