/**
 * The in-process executor's run loop: runs emulated code to completion, parking the emulated thread
 * while the host answers a call asynchronously.
 *
 * A host gate that cannot answer at once (the JIT dispatch of a lazy reentry, whose lookup links
 * objects asynchronously) calls `park(promise)` and answers 'park' to the engine: `start` returns
 * with reason 'parked' and the full CPU state intact (pc at the gate). The loop awaits the promise,
 * which yields a `resume` function that writes the result registers; then execution continues at
 * x30 (the gate behaves as its `ret`). Nothing else runs on the engine in between.
 *
 * Host functions that call back into emulated code (qsort comparators, atexit handlers run by exit())
 * use ProcessHost.callEmulated, a synchronous nested `start`: a park is impossible there, so gates
 * ask `canPark()` first and answer an error instead.
 */
import type { Engine, RunResult, StartOptions } from '../emu/engine.ts';
import { InstructionBudgetExceeded } from '../emu/errors.ts';
import { HostCallError, ProgramExit } from './host/errors.ts';
import type { ProcessHost } from './host/process.ts';
import { type ProgramResult, prepareProgramStack, type RunProgramOptions } from './host/runner.ts';

/** What a parked call does when its answer is there. */
export interface Resumption {
  /** Writes the answer (result registers) into the engine. */
  apply(engine: Engine): void;
  /**
   * Optional: stop first when pc reaches this address (e.g. the lazy body), and report how many
   * instructions it took from the resumption; execution then continues normally.
   */
  watch?: { address: number; reached(instructions: number): void };
}

/** Runs calls with several emulated threads (src/executor/threads/scheduler.ts). */
export interface CallScheduler {
  call(fn: number, args: readonly (bigint | number)[], inspect?: (engine: Engine) => void): Promise<bigint>;
}

export class Executor {
  private pending: Promise<Resumption> | null = null;
  private running = 0;
  private nested = 0;
  /** Number of parks so far. */
  parks = 0;
  /**
   * Debugger hook (src/executor/debug.ts): when a run ends with 'stopped' (a hook called
   * engine.stop()) or 'breakpoint' (an engine breakpoint), the loop awaits this instead of failing,
   * then resumes at the engine's pc. Null: either reason is an error.
   */
  onStopped: ((pc: number, reason: 'stopped' | 'breakpoint') => Promise<void>) | null = null;
  /**
   * Debugger hook: true when a run about to begin at `pc` must first stop at a breakpoint there.
   * The engine never stops at start()'s own begin, which is right when resuming from a stop there
   * but not when a run begins at a breakpoint for another reason (a function's entry, the return
   * address of a parked call, a lazy body, a thread resumed where it was preempted).
   */
  breakpointAtBegin: ((pc: number) => boolean) | null = null;
  /**
   * Threads (src/executor/threads): a scheduler that runs every call instead of the single-thread loop
   * below, switching between emulated threads; it parks several threads at once (see takePending).
   */
  scheduler: CallScheduler | null = null;
  /**
   * Debugged runs (src/executor/debug.ts): the loop looks at the controller's requests about every
   * `pollInstructions` (so an interrupt is seen) by awaiting `poll`; the program's result is the same.
   * The engine stops for it at a block boundary (StartOptions.slice), not at an exact count: an exact
   * count costs the unicorn engine a block translated again at each stop (docs/engine.md).
   */
  pollInstructions: number | undefined = undefined;
  poll: (() => Promise<void>) | null = null;

  constructor(readonly host: ProcessHost) {
    // Count nested host → emulated calls: a gate reached inside one cannot park.
    const original = host.callEmulated.bind(host);
    // Bound to a local before the property store: node 20's scavenger keeps a closure assigned as a
    // literal (`obj.p = () => …`) and all it reaches (here the whole runtime and engine) alive
    // until the next full GC (see docs/fuzzing.md, "Where a second fuzz-lazy job's CPU goes").
    const callEmulated: ProcessHost['callEmulated'] = (fn, args) => {
      this.nested++;
      try {
        return original(fn, args);
      } finally {
        this.nested--;
      }
    };
    host.callEmulated = callEmulated;
  }

  get engine(): Engine {
    return this.host.engine;
  }

  /** True when the current gate runs directly under this executor's loop (so it may park). */
  canPark(): boolean {
    return this.running > 0 && this.nested === 0 && this.pending === null;
  }

  /** A scheduler's own run loop is running (gates under it may park). Pair with leaveLoop. */
  enterLoop(): void {
    this.running++;
  }

  leaveLoop(): void {
    this.running--;
    this.pending = null;
  }

  /** The answer a gate parked on (the scheduler takes it at once, so the next thread may park too). */
  takePending(): Promise<Resumption> | null {
    const p = this.pending;
    this.pending = null;
    return p;
  }

  /** Called by a gate that is about to answer 'park'. */
  park(p: Promise<Resumption>): 'park' {
    if (!this.canPark()) throw new HostCallError('a host call tried to park where the executor cannot wait');
    this.pending = p;
    this.parks++;
    return 'park';
  }

  /**
   * engine.start for the run loops (this one and the scheduler's): reports a breakpoint at `begin`
   * (see breakpointAtBegin) as the engine reports one elsewhere, without running anything.
   */
  start(begin: number, until: number, options: StartOptions): RunResult {
    if (this.breakpointAtBegin?.(begin)) {
      this.engine.setPc(begin); // as a stop inside engine.start leaves it
      return { reason: 'breakpoint', instructions: 0, pc: begin };
    }
    return this.engine.start(begin, until, options);
  }

  /**
   * Calls the emulated function at `fn` with integer arguments; returns x0. Parks as needed.
   * `inspect` sees the engine right after the return (before the caller's context is restored).
   */
  async call(fn: number, args: readonly (bigint | number)[] = [], inspect?: (engine: Engine) => void): Promise<bigint> {
    if (this.scheduler) return this.scheduler.call(fn, args, inspect);
    if (args.length > 8) throw new HostCallError('call supports at most 8 integer arguments');
    const e = this.engine;
    const host = this.host;
    const ctx = e.contextSave();
    for (let i = 0; i < args.length; i++) e.setX(i, BigInt.asUintN(64, BigInt(args[i] as bigint | number)));
    e.setX(30, host.returnSentinel);
    const sentinel = host.returnSentinel;
    // The instruction budget is exact (`count`: InstructionBudgetExceeded names the instruction);
    // the debugger's poll point need not be (`slice`).
    const budget = (): StartOptions => {
      const poll = this.pollInstructions;
      if (host.instructionDeadline === undefined) return poll === undefined ? {} : { slice: poll };
      const count = host.instructionDeadline - e.instructionCount();
      if (count <= 0) throw new InstructionBudgetExceeded(host.instructionDeadline, e.getPc());
      return poll === undefined || poll >= count ? { count } : { count, slice: poll };
    };
    this.running++;
    // A parked call's watch (the lazy body) stays the run's end until reached, across debugger
    // stops and poll points.
    let watch: { address: number; reached(instructions: number): void; from: number } | null = null;
    const until = (): number => (watch === null ? sentinel : watch.address);
    try {
      let r = this.start(fn, sentinel, budget());
      for (;;) {
        if (r.reason === 'until' && watch !== null && r.pc === watch.address) {
          watch.reached(e.instructionCount() - watch.from);
          watch = null;
          r = this.start(r.pc, sentinel, budget());
          continue;
        }
        if (r.reason === 'parked') {
          const p = this.pending;
          this.pending = null;
          if (!p) throw new HostCallError(`the engine parked at 0x${r.pc.toString(16)} without a pending answer`);
          const resumption = await p;
          resumption.apply(e);
          if (resumption.watch) watch = { ...resumption.watch, from: e.instructionCount() };
          r = this.start(Number(e.getX(30)), until(), budget());
          continue;
        }
        if ((r.reason === 'stopped' || r.reason === 'breakpoint') && this.onStopped) {
          // A debugger stopped the engine (a breakpoint, or engine.stop() from a hook): wait for
          // it, then go on at pc.
          await this.onStopped(r.pc, r.reason);
          r = this.start(e.getPc(), until(), budget());
          continue;
        }
        if (r.reason === 'count' || r.reason === 'slice') {
          const deadline = host.instructionDeadline;
          if (this.poll && (deadline === undefined || e.instructionCount() < deadline)) {
            await this.poll();
            r = this.start(e.getPc(), until(), budget());
            continue;
          }
          throw new InstructionBudgetExceeded(deadline ?? 0, r.pc);
        }
        if (r.reason !== 'until') {
          throw new HostCallError(
            `call to emulated function 0x${fn.toString(16)} ended with '${r.reason}' at 0x${r.pc.toString(16)}`,
          );
        }
        break;
      }
    } finally {
      this.running--;
      this.pending = null;
    }
    const x0 = e.getX(0);
    inspect?.(e);
    e.contextRestore(ctx);
    return x0;
  }

  /**
   * Runs a program like host/runner.ts's runProgram (stack with argv/envp, initializers, entry, exit
   * status), with every call going through the parking loop. atexit handlers registered by the
   * program run here too (after main returns) so that they may call lazy functions.
   */
  async runProgram(entry: number, options: RunProgramOptions = {}): Promise<ProgramResult> {
    const host = this.host;
    const e = this.engine;
    host.install();
    const { args, start } = prepareProgramStack(host, options);
    const done = (status: number, reason: ProgramResult['reason']): ProgramResult => ({
      status,
      reason,
      instructions: e.instructionCount() - start,
    });
    try {
      for (const init of options.initializers ?? []) await this.call(init, args);
      const r = await this.call(entry, args);
      const status = Number(r & 0xffn);
      while (host.atexitHandlers.length > 0) await this.call(host.atexitHandlers.pop() as number);
      return done(status, 'return');
    } catch (x) {
      if (x instanceof ProgramExit) return done(x.status, x.reason);
      throw x;
    }
  }
}
