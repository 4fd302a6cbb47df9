/**
 * A GdbTarget over a Linux user-mode process (LinuxSystem, src/emu/linux) on either engine: what
 * `orc-sandbox exec --gdb` debugs, as qemu-user's -g does. The program runs exactly as under plain
 * `exec` (same scheduler, threads, fork, pipes, signals); the debugger sees the threads of the
 * first process (gdb thread id = Linux tid) and stops them all together (all-stop).
 *
 * Breakpoints are engine breakpoints (the ts engine keeps translating code); since a run never
 * stops at its first instruction, the kernel asks before every run of a debugged task whether its
 * pc is a breakpoint (KernelDebugHooks.beforeRun). Watchpoints are memory hooks that record the
 * access plus, while any exists, a code hook that stops before the next instruction. A step runs
 * one instruction of one thread; a step into a blocking system call runs the other tasks until
 * that thread can go on. Faults stop with their signal; passing it on delivers it (handler, or
 * the process dies), as the kernel would have. Other signals are delivered without a stop.
 */
import type { Engine, HookHandle } from '../emu/engine.ts';
import { InstructionBudgetExceeded } from '../emu/errors.ts';
import type { KernelDebugHooks, Task } from '../emu/linux/kernel.ts';
import { SIG } from '../emu/linux/signals.ts';
import { AARCH64_REGISTERS } from './aarch64.ts';
import type { GdbProcess } from './gdb-process.ts';
import { type GdbTarget, GdbTargetError, type ResumeRequest, type StopEvent, type WatchKind } from './target.ts';

/** What Linux sends when RLIMIT_CPU runs out: the analogue of the instruction budget. */
const SIGXCPU = 24;
const PAGE = 4096;

interface Watchpoint {
  address: number;
  length: number;
  kind: WatchKind;
  hooks: HookHandle[];
}

/** How the process ended, once it has. */
export type LinuxTargetOutcome =
  | { kind: 'exit'; status: number }
  | { kind: 'signal'; signal: number; reason: string }
  | { kind: 'error'; error: Error };

export class LinuxProcessTarget implements GdbTarget {
  private readonly breakpoints = new Set<number>();
  private readonly watchpoints: Watchpoint[] = [];
  private watchGate: HookHandle | undefined;
  /** The engine the breakpoints and watchpoints are on (execve replaces the process's engine). */
  private hooked: Engine;
  private interruptRequested = false;
  private wakeInterrupt: (() => void) | undefined;
  /** The thread that may run past the breakpoint at its pc once (the one the debugger resumes). */
  private passOnce: { t: Task; pc: number } | undefined;
  /** A stepping thread that blocked in a system call: the loop pauses when it can go on. */
  private waitFor: Task | undefined;
  private stepping: Task | undefined;
  private hitWatch: { kind: WatchKind; address: number } | undefined;
  private stop: StopEvent | undefined;
  private lastThread = 0;
  private budgetSpent = false;
  outcome: LinuxTargetOutcome | undefined;

  /** The process's `maxInsns` (ExecOptions) is the budget: running out stops with SIGXCPU. */
  constructor(readonly process: GdbProcess) {
    this.hooked = process.engine;
    this.lastThread = process.proc.pid;
    const hooks: KernelDebugHooks = {
      beforeRun: (t, pc) => this.beforeRun(t, pc),
      afterRun: (t, reason) => this.afterRun(t, reason),
      onFault: (t, sig) => {
        this.stop = { kind: 'signal', signal: sig, thread: t.tid };
        return true;
      },
    };
    process.kernel.debug = hooks;
  }

  private get kernel() {
    return this.process.kernel;
  }

  private tasks(): Task[] {
    const p = this.process.proc;
    return p.state === 'alive' ? p.tasks.filter((t) => t.state !== 'dead') : [];
  }

  threads(): number[] {
    return this.outcome ? [] : this.tasks().map((t) => t.tid);
  }

  private task(thread: number): Task | undefined {
    if (this.outcome) return undefined;
    return this.tasks().find((t) => t.tid === thread);
  }

  /** The engine with `thread`'s registers on it, or undefined for an unknown thread. */
  private live(thread: number): Engine | undefined {
    const t = this.task(thread);
    if (!t) return undefined;
    this.kernel.debugLive(t);
    return t.proc.engine;
  }

  private beforeRun(t: Task, pc: number): boolean {
    if (this.process.engine !== this.hooked) this.rehook();
    if (this.stepping === t) return false;
    if (this.waitFor === t) {
      this.waitFor = undefined;
      this.stop = { kind: 'signal', signal: SIG.SIGTRAP, thread: t.tid };
      return true;
    }
    if (this.interruptRequested) {
      this.stop = { kind: 'signal', signal: SIG.SIGINT, thread: t.tid };
      return true;
    }
    if (this.breakpoints.has(pc)) {
      if (this.passOnce?.t === t && this.passOnce.pc === pc) {
        this.passOnce = undefined;
        return false;
      }
      this.stop = { kind: 'signal', signal: SIG.SIGTRAP, thread: t.tid, breakpoint: true };
      return true;
    }
    if (this.passOnce?.t === t) this.passOnce = undefined;
    return false;
  }

  private afterRun(t: Task, reason: string): boolean {
    if (this.stepping === t) return false;
    if (this.hitWatch) {
      this.stop = { kind: 'signal', signal: SIG.SIGTRAP, thread: t.tid, watch: this.hitWatch };
      return true;
    }
    if (reason === 'breakpoint') {
      this.stop = { kind: 'signal', signal: SIG.SIGTRAP, thread: t.tid, breakpoint: true };
      return true;
    }
    if (this.interruptRequested) {
      this.stop = { kind: 'signal', signal: SIG.SIGINT, thread: t.tid };
      return true;
    }
    return false;
  }

  /** execve gave the process a new engine: the debugger's breakpoints and watchpoints move there. */
  private rehook(): void {
    const watches = this.watchpoints.splice(0);
    if (this.watchGate) this.hooked.hookDel(this.watchGate);
    this.watchGate = undefined;
    this.hooked = this.process.engine;
    for (const a of this.breakpoints) this.hooked.addBreakpoint(a);
    for (const w of watches) this.insertWatchpoint(w.address, w.length, w.kind);
  }

  readRegister(thread: number, regnum: number): Uint8Array | undefined {
    const r = AARCH64_REGISTERS[regnum];
    const e = r ? this.live(thread) : undefined;
    if (!r || !e) return undefined;
    let v: bigint;
    switch (r.kind) {
      case 'x':
        v = e.getX(r.index);
        break;
      case 'sp':
        v = e.getX(31);
        break;
      case 'pc':
        v = BigInt(e.getPc());
        break;
      case 'cpsr':
        v = e.regRead('nzcv');
        break;
      case 'v':
        v = e.regRead(`q${r.index}`);
        break;
      case 'fpsr':
        v = e.regRead('fpsr');
        break;
      case 'fpcr':
        v = e.regRead('fpcr');
        break;
      case 'tpidr':
        v = e.regRead('tpidr_el0');
        break;
    }
    const out = new Uint8Array(r.bytes);
    for (let i = 0; i < r.bytes; i++) {
      out[i] = Number(v & 0xffn);
      v >>= 8n;
    }
    return out;
  }

  writeRegister(thread: number, regnum: number, value: Uint8Array): boolean {
    const r = AARCH64_REGISTERS[regnum];
    if (!r || value.length !== r.bytes) return false;
    const e = this.live(thread);
    if (!e) return false;
    let v = 0n;
    for (let i = value.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(value[i] as number);
    switch (r.kind) {
      case 'x':
        e.setX(r.index, v);
        break;
      case 'sp':
        e.setX(31, v);
        break;
      case 'pc':
        e.setPc(Number(v));
        break;
      case 'cpsr':
        e.regWrite('nzcv', v);
        break;
      case 'v':
        e.regWrite(`q${r.index}`, v);
        break;
      case 'fpsr':
        e.regWrite('fpsr', v);
        break;
      case 'fpcr':
        e.regWrite('fpcr', v);
        break;
      case 'tpidr':
        e.regWrite('tpidr_el0', v);
        break;
    }
    return true;
  }

  /** Length of the mapped run (any protection) starting at `address`, up to `length`. */
  private mappedLength(address: number, length: number): number {
    const space = this.process.proc.space;
    let at = address;
    const end = address + length;
    while (at < end) {
      if (space.protAt(at - (at % PAGE)) === undefined) break;
      at = Math.min(end, at - (at % PAGE) + PAGE);
    }
    return at - address;
  }

  readMemory(address: number, length: number): Uint8Array {
    if (this.outcome) return new Uint8Array(0);
    const n = this.mappedLength(address, length);
    return n === 0 ? new Uint8Array(0) : this.process.engine.memRead(address, n);
  }

  writeMemory(address: number, data: Uint8Array): void {
    if (this.outcome) throw new GdbTargetError('the process has ended');
    if (this.mappedLength(address, data.length) !== data.length)
      throw new GdbTargetError(`memory at 0x${address.toString(16)} (${data.length} bytes) is not mapped`);
    this.process.engine.memWrite(address, data);
  }

  insertBreakpoint(address: number): void {
    if (address % 4 !== 0) throw new GdbTargetError(`breakpoint at 0x${address.toString(16)} is not 4-aligned`);
    if (this.breakpoints.has(address)) return;
    this.breakpoints.add(address);
    this.hooked.addBreakpoint(address);
  }

  removeBreakpoint(address: number): void {
    if (!this.breakpoints.delete(address)) return;
    this.hooked.removeBreakpoint(address);
  }

  insertWatchpoint(address: number, length: number, kind: WatchKind): void {
    const engine = this.hooked;
    const types: ('mem-read' | 'mem-write')[] =
      kind === 'write' ? ['mem-write'] : kind === 'read' ? ['mem-read'] : ['mem-read', 'mem-write'];
    const end = address + length;
    // Engines match a hook on the access's first byte: widen the range by the widest access (16).
    const range = { begin: Math.max(0, address - 15), end: end - 1 };
    const hooks = types.map((t) =>
      engine.hookAdd(
        t,
        (_access, a, size) => {
          if (a < end && a + size > address && this.hitWatch === undefined) this.hitWatch = { kind, address };
        },
        range,
      ),
    );
    this.watchpoints.push({ address, length, kind, hooks });
    this.watchGate ??= engine.hookAdd('code', () => {
      if (this.hitWatch !== undefined) engine.stop();
    });
  }

  removeWatchpoint(address: number, length: number, kind: WatchKind): void {
    const i = this.watchpoints.findIndex((w) => w.address === address && w.length === length && w.kind === kind);
    if (i < 0) return;
    for (const h of this.watchpoints[i]!.hooks) this.hooked.hookDel(h);
    this.watchpoints.splice(i, 1);
    if (this.watchpoints.length === 0 && this.watchGate) {
      this.hooked.hookDel(this.watchGate);
      this.watchGate = undefined;
    }
  }

  interrupt(): void {
    this.interruptRequested = true;
    this.wakeInterrupt?.();
  }

  kill(): void {
    if (this.outcome) return;
    this.outcome = { kind: 'signal', signal: SIG.SIGKILL, reason: 'killed by the debugger' };
    this.kernel.killProc(this.process.proc, SIG.SIGKILL, 'killed by the debugger');
    this.kernel.debug = undefined;
    this.kernel.advance(); // the result is set: this only ends the other processes
  }

  auxv(): Uint8Array {
    const pairs = this.process.stack.auxv;
    const out = new Uint8Array((pairs.length + 1) * 16);
    const dv = new DataView(out.buffer);
    pairs.forEach(([type, value], i) => {
      dv.setBigUint64(i * 16, BigInt(type), true);
      dv.setBigUint64(i * 16 + 8, BigInt(value), true);
    });
    return out;
  }

  /** Removes every breakpoint and watchpoint (before running on without a debugger). */
  clearAll(): void {
    for (const a of [...this.breakpoints]) this.removeBreakpoint(a);
    for (const w of [...this.watchpoints]) this.removeWatchpoint(w.address, w.length, w.kind);
  }

  async resume(request: ResumeRequest): Promise<StopEvent> {
    if (this.outcome) return this.ended();
    const k = this.kernel;
    if (this.budgetSpent) {
      this.outcome = {
        kind: 'signal',
        signal: SIGXCPU,
        reason: `instruction budget of ${k.options.maxInsns} exhausted`,
      };
      return this.ended();
    }
    const tasks = this.tasks();
    const t = tasks.find((x) => x.tid === request.thread) ?? tasks.find((x) => x.tid === this.lastThread) ?? tasks[0];
    const held = k.heldFault;
    if (held) {
      if (request.signal === held.sig) k.deliverHeldFault();
      else k.dropHeldFault();
    }
    if (request.signal && request.signal !== held?.sig && t)
      k.sendSignal(t.proc, request.signal, { signo: request.signal, code: 0 }, t);
    if (k.result) return this.finish();
    this.interruptRequested = false;
    this.hitWatch = undefined;
    this.stop = undefined;
    this.waitFor = undefined;
    if (t) {
      k.debugLive(t);
      const pc = t.proc.engine.getPc();
      this.passOnce = this.breakpoints.has(pc) ? { t, pc } : undefined;
    }
    if (request.mode === 'step' && t) {
      this.stepping = t;
      try {
        k.debugStep(t);
      } catch (e) {
        return this.fromError(e);
      } finally {
        this.stepping = undefined;
      }
      this.passOnce = undefined;
      if (k.result) return this.finish();
      if (this.stop) return this.report(this.stop);
      if (t.state === 'run') return this.report({ kind: 'signal', signal: SIG.SIGTRAP, thread: t.tid });
      // It blocked in a system call: the others run until it can go on.
      this.waitFor = t;
    }
    return this.runLoop();
  }

  private async runLoop(): Promise<StopEvent> {
    const k = this.kernel;
    for (;;) {
      let w: ReturnType<typeof k.advance>;
      try {
        w = k.advance();
      } catch (e) {
        return this.fromError(e);
      }
      if (w === undefined) return this.finish();
      if (w === 'paused') return this.report(this.stop ?? this.mainStop(SIG.SIGTRAP));
      const interrupted = new Promise<void>((resolve) => {
        this.wakeInterrupt = resolve;
      });
      await Promise.race([w, interrupted]);
      this.wakeInterrupt = undefined;
      if (this.outcome) return this.ended();
      if (this.interruptRequested) return this.report(this.mainStop(SIG.SIGINT));
    }
  }

  private mainStop(signal: number): StopEvent {
    const p = this.process.proc;
    const t = p.live && p.live.state !== 'dead' ? p.live : this.tasks()[0];
    return { kind: 'signal', signal, thread: t?.tid ?? p.pid };
  }

  private report(stop: StopEvent): StopEvent {
    if (stop.kind === 'signal') this.lastThread = stop.thread;
    this.interruptRequested = false;
    return stop;
  }

  /** The kernel's result is set: the process has ended. */
  private finish(): StopEvent {
    const r = this.kernel.result;
    if (!this.outcome && r) {
      this.outcome =
        r.kind === 'exit' ? { kind: 'exit', status: r.status } : { kind: 'signal', signal: r.signal, reason: r.reason };
    }
    return this.ended();
  }

  private ended(): StopEvent {
    const o = this.outcome as LinuxTargetOutcome;
    if (o.kind === 'exit') return { kind: 'exited', status: o.status };
    return { kind: 'killed', signal: o.kind === 'signal' ? o.signal : 6 };
  }

  private fromError(e: unknown): StopEvent {
    if (e instanceof InstructionBudgetExceeded) {
      this.budgetSpent = true;
      return this.report(this.mainStop(SIGXCPU));
    }
    this.outcome = { kind: 'error', error: e instanceof Error ? e : new Error(String(e)) };
    return this.ended();
  }

  /** Runs to the end without a debugger (after detach): signals are delivered as without one. */
  async runToEnd(): Promise<LinuxTargetOutcome> {
    this.clearAll();
    return this.outcome ?? (await this.runFree());
  }

  private async runFree(): Promise<LinuxTargetOutcome> {
    const k = this.kernel;
    const spent: LinuxTargetOutcome = {
      kind: 'signal',
      signal: SIGXCPU,
      reason: `instruction budget of ${k.options.maxInsns} exhausted`,
    };
    if (this.budgetSpent) return spent;
    k.debug = undefined;
    if (k.heldFault) k.deliverHeldFault();
    try {
      const r = await k.run();
      return r.kind === 'exit'
        ? { kind: 'exit', status: r.status }
        : { kind: 'signal', signal: r.signal, reason: r.reason };
    } catch (e) {
      if (e instanceof InstructionBudgetExceeded) return spent;
      return { kind: 'error', error: e instanceof Error ? e : new Error(String(e)) };
    }
  }
}
