/**
 * A GdbTarget over a Linux user-mode process (src/emu/linux) on either engine: what
 * `orc-sandbox exec --gdb` debugs, as qemu-user's -g does.
 *
 * Execution control uses only the Engine interface. Breakpoints are ranged code hooks that stop
 * the engine before the instruction runs. Watchpoints are memory hooks that record the access
 * plus, while any watchpoint exists, a code hook on every instruction that stops before the
 * instruction after the access (gdb wants to see the access done). Steps are runs with
 * `count: 1`. Continues run in slices so the event loop can deliver gdb's Ctrl-C between them.
 * Faults stop with the signal Linux would send; passing that signal on (gdb's default for
 * SIGSEGV) ends the process with it.
 */
import type { Engine, HookHandle } from '../emu/engine.ts';
import {
  AlignmentFault,
  MemoryFault,
  UndefinedInstruction,
  UnhandledException,
  UnimplementedInstruction,
} from '../emu/errors.ts';
import type { LinuxProcess } from '../emu/linux/process.ts';
import { SIGBUS, SIGILL, SIGSEGV, SIGTRAP } from '../emu/linux/syscalls.ts';
import { AARCH64_REGISTERS } from './aarch64.ts';
import { type GdbTarget, GdbTargetError, type ResumeRequest, type StopEvent, type WatchKind } from './target.ts';

const SIGINT = 2;
const SIGKILL = 9;
/** What Linux sends when RLIMIT_CPU runs out: the analogue of the instruction budget. */
const SIGXCPU = 24;
const NEVER = 2 ** 52 - 4;
/** Instructions per slice of a continue: between slices gdb's interrupt gets a chance. */
const SLICE = 500_000;

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

export interface LinuxTargetOptions {
  /** Instruction budget; running out stops with SIGXCPU. */
  maxInsns?: number;
}

export class LinuxProcessTarget implements GdbTarget {
  private readonly engine: Engine;
  private readonly thread: number;
  private readonly breakpoints = new Map<number, HookHandle>();
  private readonly watchpoints: Watchpoint[] = [];
  private watchGate: HookHandle | undefined;
  private interruptRequested = false;
  /** Breakpoint address to ignore once: the one the thread is resuming from. */
  private skipAt = -1;
  private hitBreakpoint = -1;
  private hitWatch: { kind: WatchKind; address: number } | undefined;
  /** A signal the process got and the debugger has not yet decided about. */
  private pendingSignal: { signal: number; reason: string } | undefined;
  private readonly startCount: number;
  outcome: LinuxTargetOutcome | undefined;

  constructor(
    readonly process: LinuxProcess,
    private readonly options: LinuxTargetOptions = {},
  ) {
    this.engine = process.engine;
    this.thread = process.kernel.pid;
    this.startCount = this.engine.instructionCount();
  }

  threads(): number[] {
    return this.outcome ? [] : [this.thread];
  }

  private checkThread(thread: number): boolean {
    return thread === this.thread && this.outcome === undefined;
  }

  readRegister(thread: number, regnum: number): Uint8Array | undefined {
    const r = AARCH64_REGISTERS[regnum];
    if (!r || !this.checkThread(thread)) return undefined;
    const e = this.engine;
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
    if (!r || !this.checkThread(thread) || value.length !== r.bytes) return false;
    let v = 0n;
    for (let i = value.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(value[i] as number);
    const e = this.engine;
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

  /** Length of the mapped run starting at `address`, up to `length`. */
  private mappedLength(address: number, length: number): number {
    const regions = this.engine.memRegions().sort((a, b) => a.begin - b.begin);
    let at = address;
    const end = address + length;
    for (const r of regions) {
      if (r.end <= at) continue;
      if (r.begin > at) break;
      at = Math.min(r.end, end);
      if (at >= end) break;
    }
    return at - address;
  }

  readMemory(address: number, length: number): Uint8Array {
    if (this.outcome) return new Uint8Array(0);
    const n = this.mappedLength(address, length);
    return n === 0 ? new Uint8Array(0) : this.engine.memRead(address, n);
  }

  writeMemory(address: number, data: Uint8Array): void {
    if (this.outcome) throw new GdbTargetError('the process has ended');
    if (this.mappedLength(address, data.length) !== data.length)
      throw new GdbTargetError(`memory at 0x${address.toString(16)} (${data.length} bytes) is not mapped`);
    this.engine.memWrite(address, data);
  }

  insertBreakpoint(address: number): void {
    if (this.breakpoints.has(address)) return;
    const h = this.engine.hookAdd('code', (a) => this.onBreakpoint(a), { begin: address, end: address });
    this.breakpoints.set(address, h);
  }

  removeBreakpoint(address: number): void {
    const h = this.breakpoints.get(address);
    if (!h) return;
    this.engine.hookDel(h);
    this.breakpoints.delete(address);
  }

  private onBreakpoint(address: number): void {
    if (address === this.skipAt) {
      this.skipAt = -1;
      return;
    }
    this.hitBreakpoint = address;
    this.engine.stop();
  }

  insertWatchpoint(address: number, length: number, kind: WatchKind): void {
    const types: ('mem-read' | 'mem-write')[] =
      kind === 'write' ? ['mem-write'] : kind === 'read' ? ['mem-read'] : ['mem-read', 'mem-write'];
    const end = address + length;
    // Engines match a hook on the access's first byte: widen the range by the widest access (16).
    const range = { begin: Math.max(0, address - 15), end: end - 1 };
    const hooks = types.map((t) =>
      this.engine.hookAdd(
        t,
        (_access, a, size) => {
          if (a < end && a + size > address && this.hitWatch === undefined) this.hitWatch = { kind, address };
        },
        range,
      ),
    );
    this.watchpoints.push({ address, length, kind, hooks });
    this.watchGate ??= this.engine.hookAdd('code', () => {
      if (this.hitWatch !== undefined) this.engine.stop();
    });
  }

  removeWatchpoint(address: number, length: number, kind: WatchKind): void {
    const i = this.watchpoints.findIndex((w) => w.address === address && w.length === length && w.kind === kind);
    if (i < 0) return;
    for (const h of this.watchpoints[i]!.hooks) this.engine.hookDel(h);
    this.watchpoints.splice(i, 1);
    if (this.watchpoints.length === 0 && this.watchGate) {
      this.engine.hookDel(this.watchGate);
      this.watchGate = undefined;
    }
  }

  interrupt(): void {
    this.interruptRequested = true;
    this.engine.stop();
  }

  kill(): void {
    if (!this.outcome) this.outcome = { kind: 'signal', signal: SIGKILL, reason: 'killed by the debugger' };
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
    for (const a of [...this.breakpoints.keys()]) this.removeBreakpoint(a);
    for (const w of [...this.watchpoints]) this.removeWatchpoint(w.address, w.length, w.kind);
  }

  async resume(request: ResumeRequest): Promise<StopEvent> {
    if (this.outcome) return this.ended();
    if (request.signal) {
      // No signal handlers exist in this process: every delivered signal is fatal, as by default.
      const reason = this.pendingSignal?.signal === request.signal ? this.pendingSignal.reason : 'signal from debugger';
      this.outcome = { kind: 'signal', signal: request.signal, reason };
      return this.ended();
    }
    this.pendingSignal = undefined;
    this.interruptRequested = false;
    const pc = this.engine.getPc();
    this.skipAt = this.breakpoints.has(pc) ? pc : -1;
    for (;;) {
      const stop = this.runSlice(request.mode === 'step' ? 1 : SLICE);
      if (stop) return stop;
      if (request.mode === 'step') return this.signalStop(SIGTRAP);
      // Let the event loop run: gdb's Ctrl-C arrives as socket data.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.outcome) return this.ended();
      if (this.interruptRequested) return this.signalStop(SIGINT);
    }
  }

  /** Runs up to `count` instructions; a stop event, or undefined when the count ran out quietly. */
  private runSlice(count: number): StopEvent | undefined {
    const engine = this.engine;
    const budget = this.options.maxInsns;
    const used = engine.instructionCount() - this.startCount;
    if (budget !== undefined && used >= budget) return this.fatal(SIGXCPU, `instruction budget of ${budget} exhausted`);
    const n = budget === undefined ? count : Math.min(count, budget - used);
    this.hitBreakpoint = -1;
    this.hitWatch = undefined;
    try {
      engine.start(engine.getPc(), NEVER, { count: n });
    } catch (e) {
      return this.fromError(e);
    }
    this.skipAt = -1;
    const kernel = this.process.kernel;
    if (kernel.pending) kernel.runPending();
    const t = kernel.termination;
    if (t !== undefined) {
      if (t.kind === 'exit') {
        this.outcome = { kind: 'exit', status: t.status };
        return this.ended();
      }
      if (t.kind === 'error') {
        this.outcome = { kind: 'error', error: t.error instanceof Error ? t.error : new Error(String(t.error)) };
        return this.ended();
      }
      // The kernel decided on a signal (brk, undefined instruction): let the debugger see it first.
      kernel.termination = undefined;
      return this.fatal(t.signal, t.reason);
    }
    if (this.hitWatch) return { kind: 'signal', signal: SIGTRAP, thread: this.thread, watch: this.hitWatch };
    if (this.hitBreakpoint >= 0) return { kind: 'signal', signal: SIGTRAP, thread: this.thread, breakpoint: true };
    if (this.interruptRequested) return this.signalStop(SIGINT);
    return undefined;
  }

  private signalStop(signal: number): StopEvent {
    return { kind: 'signal', signal, thread: this.thread };
  }

  private fatal(signal: number, reason: string): StopEvent {
    this.pendingSignal = { signal, reason };
    return this.signalStop(signal);
  }

  private ended(): StopEvent {
    const o = this.outcome as LinuxTargetOutcome;
    if (o.kind === 'exit') return { kind: 'exited', status: o.status };
    return { kind: 'killed', signal: o.kind === 'signal' ? o.signal : 6 };
  }

  /** Engine errors a CPU turns into signals; anything else ends the session as an internal error. */
  private fromError(e: unknown): StopEvent {
    if (e instanceof MemoryFault) {
      const pc = e.pc ?? this.engine.getPc();
      this.engine.setPc(pc);
      return this.fatal(
        SIGSEGV,
        `${e.kind} ${e.access} fault at 0x${e.address.toString(16)} (size ${e.size}) by instruction at 0x${pc.toString(16)}`,
      );
    }
    if (e instanceof AlignmentFault) return this.fatal(SIGBUS, e.message);
    if (e instanceof UndefinedInstruction) return this.fatal(SIGILL, e.message);
    if (e instanceof UnimplementedInstruction)
      return this.fatal(SIGILL, `${e.message} (not implemented by the ${this.engine.kind} engine)`);
    if (e instanceof UnhandledException) return this.fatal(e.intno === 7 ? SIGTRAP : SIGILL, e.message);
    this.outcome = { kind: 'error', error: e instanceof Error ? e : new Error(String(e)) };
    return this.ended();
  }

  /** Runs to the end without a debugger (after detach); signals are delivered. */
  async runToEnd(): Promise<LinuxTargetOutcome> {
    this.clearAll();
    while (!this.outcome) {
      const stop = await this.resume({ mode: 'continue', signal: this.pendingSignal?.signal ?? 0 });
      if (stop.kind !== 'signal') break;
    }
    return this.outcome as LinuxTargetOutcome;
  }
}
