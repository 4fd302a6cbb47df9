/**
 * The executor's debug primitives (src/protocol/debug.ts): breakpoint and watchpoint sets, resume
 * (continue / step), stops reported to the controller, register and memory access. Engine-agnostic:
 * breakpoints are engine breakpoints (engine.addBreakpoint: on ts only the block at the address is
 * kept out of translation, so the translation tier stays on for the rest of the program), installed
 * only while a debugged run is on; steps are a code hook that exists only while stepping;
 * watchpoints memory hooks on their range.
 *
 * A breakpoint ends engine.start with reason 'breakpoint'; a hook asks for a stop with engine.stop()
 * (before the hooked instruction runs). The parking executor's loop then awaits `onEngineStopped`,
 * which reports the stop and waits for `resume`. The engine never stops at start()'s own begin, so
 * the loop asks `breakpointAtBegin` before each run: that is where a breakpoint at the pc resumed
 * from is skipped once, and where one at a run's first instruction (a function's entry, a lazy body,
 * a thread resumed where it was preempted) still stops.
 * Host call gates (printf, the JIT dispatch, pthread functions) behave as one instruction.
 *
 * A Linux-process run (`run --sysroot`) has the kernel's loop instead of the executor's: the same
 * primitives reach it through KernelDebugHooks (linuxProcessDebug), and a fault stops with its
 * signal before the kernel delivers it (to the program's handler, or the process dies of it).
 */
import { type Engine, type HookHandle, PAGE_SIZE, PROT_EXEC } from '../emu/engine.ts';
import type { LinuxSystem } from '../emu/linux/kernel.ts';
import type { DebugRegisters, DebugRegisterWrite, DebugResume, DebugStop, DebugWatchpoint } from '../protocol/debug.ts';
import type { Executor } from './executor.ts';
import type { LinuxProcessDebug } from './host/linux-process.ts';

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
  private readonly breakpoints = new Set<number>();
  /** The engine holds the breakpoints (plus the entry, while `entry` is set): during a debugged run. */
  private installed = false;
  private watchHooks: HookHandle[] = [];
  private stepHook: HookHandle | null = null;
  private stepSeen = 0;
  private stepCount = 1;
  /** stopAtEntry: the entry until the first stop (-1: none). */
  private entry = -1;
  private pending: PendingStop | null = null;
  private waiter: (() => void) | null = null;
  /** The pc the program resumed from (-1: none yet): its breakpoint is skipped once. */
  private resumedAt = -1;
  private gateRan = false;
  /** The current breakpoint stop came from breakpointAtBegin (nothing ran, not even a gate). */
  private stopBeforeRun = false;
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
    // An address no instruction starts at (not 4-aligned) can never be reached; the engine takes
    // only instruction addresses.
    const want = new Set(addresses.filter((a) => Number.isSafeInteger(a) && a >= 0 && a % 4 === 0));
    for (const a of [...this.breakpoints]) {
      if (want.has(a)) continue;
      this.breakpoints.delete(a);
      if (this.installed && a !== this.entry) this.engine.removeBreakpoint(a);
    }
    for (const a of want) {
      if (this.breakpoints.has(a)) continue;
      this.breakpoints.add(a);
      if (this.installed) this.engine.addBreakpoint(a);
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
      if (w.kind !== 'write') this.watchHooks.push(this.engine.hookAdd('mem-read-after', hook, range));
    }
  }

  /** Starts a debugged run (stopAtEntry: a one-shot stop at the entry's first instruction). */
  begin(entry: number, stopAtEntry: boolean): void {
    this.active = true;
    this.interruptRequested = false;
    this.resumedAt = -1;
    this.installed = true;
    for (const a of this.breakpoints) this.engine.addBreakpoint(a);
    if (stopAtEntry) {
      this.entry = entry;
      this.engine.addBreakpoint(entry);
    }
  }

  /** The executor's question before each run (Executor.breakpointAtBegin). */
  breakpointAtBegin(pc: number): boolean {
    const resumed = this.resumedAt;
    this.resumedAt = -1;
    if (!this.active || pc === resumed) return false;
    this.stopBeforeRun = (this.breakpoints.has(pc) || pc === this.entry) && this.target.executor.canPark();
    return this.stopBeforeRun;
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
    if (this.installed) {
      this.installed = false;
      for (const a of this.breakpoints) this.engine.removeBreakpoint(a);
    }
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
    this.resumedAt = e.getPc();
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

  /**
   * The executor's loop saw reason 'breakpoint' (an engine breakpoint, or breakpointAtBegin) or
   * 'stopped' (a hook called engine.stop()).
   */
  onEngineStopped(pc: number, reason: 'stopped' | 'breakpoint'): Promise<void> {
    let s = this.pending;
    this.pending = null;
    const beforeRun = this.stopBeforeRun;
    this.stopBeforeRun = false;
    if (reason === 'breakpoint') {
      // Inside a host → emulated callback nothing can wait: run on (the engine skips it at begin).
      if (!this.active || !this.target.executor.canPark()) return Promise.resolve();
      s = { reason: 'breakpoint' };
    } else if (s === null) return Promise.resolve();
    else if (s.reason === 'step' && (this.breakpoints.has(pc) || pc === this.entry)) {
      // A step that lands on a breakpoint reports the breakpoint (Unicorn may run the step's code
      // hook first and stop before the breakpoint's).
      s = { reason: 'breakpoint' };
    }
    this.dropStepHook();
    this.gateRan = this.engine.kind === 'unicorn' && this.target.isGate(pc) && !beforeRun;
    return this.stopAndWait({ ...s, pc });
  }

  /**
   * The kernel-loop side of a debugged Linux-process run (begin() first): the loop asks before each
   * run of a task (breakpoints at the pc it resumes at, the entry stop), after a run that ended on
   * a breakpoint or a hook's engine.stop() (steps, watchpoints), and on a synchronous signal.
   */
  linuxProcessDebug(): LinuxProcessDebug {
    let pause:
      | { kind: 'engine'; reason: 'breakpoint' | 'stopped' }
      | { kind: 'fault'; signal: number; message: string }
      | null = null;
    return {
      hooks: {
        beforeRun: (_t, pc) => {
          if (!this.breakpointAtBegin(pc)) return false;
          pause = { kind: 'engine', reason: 'breakpoint' };
          return true;
        },
        afterRun: (_t, reason) => {
          if (reason !== 'breakpoint' && reason !== 'stopped') return false;
          pause = { kind: 'engine', reason };
          return true;
        },
        onFault: (_t, signal, message) => {
          if (!this.active) return false;
          pause = { kind: 'fault', signal, message };
          return true;
        },
      },
      paused: async (kernel: LinuxSystem) => {
        const p = pause;
        pause = null;
        if (p === null) return;
        const pc = this.engine.getPc();
        if (p.kind === 'engine') {
          await this.onEngineStopped(pc, p.reason);
          return;
        }
        this.dropStepHook();
        await this.stopAndWait({ reason: 'fault', pc, fault: { signal: p.signal, message: p.message } });
        // As under gdb: the program gets the signal (its handler, or it dies of it).
        kernel.deliverHeldFault();
      },
      poll: () => this.poll(),
    };
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

  private onStep(addr: number): void {
    if (this.target.isGate(addr)) return;
    this.stepSeen++;
    if (this.stepSeen > this.stepCount && this.target.executor.canPark()) this.request({ reason: 'step' });
  }

  private request(s: PendingStop): void {
    if (this.pending === null || s.reason === 'watchpoint') this.pending = s;
    this.engine.stop();
  }

  private dropStepHook(): void {
    if (this.stepHook) {
      this.engine.hookDel(this.stepHook);
      this.stepHook = null;
    }
  }

  private dropEntryHook(): void {
    if (this.entry < 0) return;
    if (this.installed && !this.breakpoints.has(this.entry)) this.engine.removeBreakpoint(this.entry);
    this.entry = -1;
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
