/**
 * The page's model, free of DOM: an OrcSandbox on the `ts` engine that runs a program one stop at
 * a time. A code hook decides where to stop (engine.stop()); the executor then awaits
 * `onStopped`, which resolves when the user picks the next move (step, step over, continue to the
 * next lazy event, run). Everything the views show is read from the engine and the ORC tables at a
 * stop: registers, disassembly, stack, and the lazy stub table (alias → stub → pointer target).
 */

import type { RuntimeObject } from '../../runtime-aarch64/abi.ts';
import type { Engine } from '../../src/emu/engine.ts';
import { createEngine } from '../../src/emu/factory.ts';
import { disassemble } from '../../src/emu/ts/isa/index.ts';
import type { JITDylib } from '../../src/orc/core/session.ts';
import { formatLazyTrace, OrcSandbox } from '../../src/orc/platform/sandbox.ts';

export interface InputObject {
  name: string;
  bytes: Uint8Array;
  /** Linked on first call of its functions (`-lazy`). */
  lazy: boolean;
}

export type LogKind = 'stdout' | 'stderr' | 'link' | 'lazy' | 'stop' | 'info' | 'error';
export interface LogEntry {
  kind: LogKind;
  text: string;
}

export type Mode = 'step' | 'over' | 'lazy' | 'run';
export type StepperState = 'paused' | 'running' | 'exited' | 'failed';

export interface SymbolRange {
  name: string;
  address: number;
  size: number;
}

export interface StubRow {
  alias: string;
  body: string;
  jd: string;
  stub: number | undefined;
  pointer: number | undefined;
  trampoline: number;
  /** Current pointer value (read from executor memory). */
  target: number | undefined;
  /** `trampoline` (not called yet) or the symbol the pointer now reaches, e.g. `greet$orc_fnbody`. */
  targetLabel: string;
  resolved: boolean;
}

export interface DisasmLine {
  address: number;
  word: number;
  text: string;
  /** `sym` or `sym+0x10` when the address is inside a known symbol. */
  label: string | undefined;
  /** Start of a symbol (print a heading). */
  symbolStart: string | undefined;
  current: boolean;
}

export interface StackSlot {
  address: number;
  value: bigint;
  label: string | undefined;
}

export interface StepperOptions {
  objects: InputObject[];
  runtimeObjects: RuntimeObject[];
  entry?: string;
  argv?: string[];
  onLog?: (e: LogEntry) => void;
}

/** Names of the 33 register rows: x0–x30, sp, pc (plus nzcv). */
export const REG_NAMES = [...Array.from({ length: 31 }, (_, i) => `x${i}`), 'sp', 'pc', 'nzcv'] as const;

const hex = (n: number | bigint): string => `0x${n.toString(16)}`;

class Cancelled extends Error {
  override name = 'Cancelled';
}

export class Stepper {
  readonly engine: Engine;
  readonly sandbox: OrcSandbox;
  readonly log: LogEntry[] = [];
  state: StepperState = 'paused';
  /** Why the last stop happened (for the status line). */
  why = 'not started';
  exitStatus: number | undefined;
  /** Registers at the previous stop (for change highlighting). */
  previousRegs: bigint[] = [];
  /** Number of stops so far. */
  stops = 0;

  private readonly symbols: SymbolRange[] = [];
  private sorted = true;
  private readonly lazyRows: { jd: JITDylib; alias: string; body: string; trampoline: number }[] = [];
  private readonly trampolines = new Map<number, string>();
  private mode: Mode = 'step';
  private skipFirst = false;
  private overTarget: { address: number; sp: bigint } | undefined;
  /** Addresses that count as lazy events when reached: resolved bodies waiting for their first instruction. */
  private readonly pendingBodies = new Set<number>();
  private release: ((v: undefined) => void) | null = null;
  private abort: ((e: Error) => void) | null = null;
  private paused: (() => void) | null = null;
  private started = false;
  private readonly decoder = new TextDecoder();

  private constructor(
    engine: Engine,
    sandbox: OrcSandbox,
    private readonly options: StepperOptions,
  ) {
    this.engine = engine;
    this.sandbox = sandbox;
  }

  static async create(options: StepperOptions): Promise<Stepper> {
    const engine = await createEngine('ts');
    let self: Stepper | undefined;
    const out =
      (kind: LogKind) =>
      (b: Uint8Array): void =>
        self?.emit(kind, self.decoder.decode(b).replace(/\n$/, ''));
    const sandbox = await OrcSandbox.create({
      engine,
      runtimeObjects: options.runtimeObjects,
      stdout: out('stdout'),
      stderr: out('stderr'),
      showLinkedFiles: (line) => self?.emit('link', line.trimEnd()),
      traceLazy: (ev) =>
        self?.emit(
          'lazy',
          formatLazyTrace(ev)
            .replace(/^\[lazy\] /, '')
            .trimEnd(),
        ),
      reportError: (e) => self?.emit('error', e.message),
    });
    const s = new Stepper(engine, sandbox, options);
    self = s;
    s.install();
    for (const o of options.objects) sandbox.addObject(o.bytes, o.name, { lazy: o.lazy });
    return s;
  }

  private emit(kind: LogKind, text: string): void {
    const e = { kind, text };
    this.log.push(e);
    this.options.onLog?.(e);
  }

  private install(): void {
    const sb = this.sandbox;
    sb.layer.addPlugin({
      notifyEmitted: (_mr, result) => {
        for (const s of result.graph.defined) {
          if (s.name === '' || s.addr === 0) continue;
          this.symbols.push({ name: s.name, address: s.addr, size: s.size });
        }
        this.sorted = false;
      },
    });
    sb.lrm.listeners.push({
      onLazyReexportsCreated: (jd, _key, reexports) => {
        for (const r of reexports) {
          this.lazyRows.push({ jd, alias: r.alias, body: r.body, trampoline: r.trampoline });
          this.trampolines.set(r.trampoline, `<reentry trampoline: ${r.alias}>`);
        }
      },
      onReentryResolved: (r) => {
        if (r.result.ok) this.pendingBodies.add(r.result.address);
      },
    });
    sb.executor.onStopped = (pc) =>
      new Promise<undefined>((resolve, reject) => {
        this.release = resolve;
        this.abort = reject;
        this.stopped(pc);
      });
    this.engine.hookAdd('code', (address) => {
      if (this.skipFirst) {
        this.skipFirst = false;
        return;
      }
      // Never stop inside a nested host → emulated call (the executor could not wait there).
      if (!sb.executor.canPark()) return;
      const why = this.shouldStop(address);
      if (why !== undefined) {
        this.why = why;
        this.engine.stop();
      }
    });
  }

  private shouldStop(address: number): string | undefined {
    const bodyReached = this.pendingBodies.delete(address);
    switch (this.mode) {
      case 'step':
        return bodyReached ? 'lazy body reached' : 'step';
      case 'over': {
        const t = this.overTarget;
        if (t === undefined) return 'step';
        if (address === t.address && this.engine.getX(31) >= t.sp) return 'step over';
        return undefined;
      }
      case 'lazy': {
        if (bodyReached) return `lazy: first instruction of ${this.symbolize(address) ?? hex(address)}`;
        const stub = this.lazyRows.find((r) => r.trampoline === address);
        if (stub) return `lazy: reentry trampoline of ${stub.alias} (first call)`;
        const row = this.stubRows().find((r) => r.stub === address && !r.resolved);
        if (row) return `lazy: call of stub ${row.alias} (pointer → trampoline)`;
        return undefined;
      }
      case 'run':
        return undefined;
    }
  }

  private stopped(pc: number): void {
    this.stops++;
    this.state = 'paused';
    // Plain single steps are not logged (the views show them); every other stop is.
    if (this.why !== 'step') this.emit('stop', `stopped at ${hex(pc)} ${this.symbolize(pc) ?? ''} (${this.why})`);
    const p = this.paused;
    this.paused = null;
    p?.();
  }

  /** Starts the program (links the entry); resolves at the first stop (the entry's first instruction). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.mode = 'step';
    this.why = 'program start';
    await this.until(() => {
      this.state = 'running';
      void this.sandbox
        .run(this.options.entry ?? 'main', { argv: this.options.argv ?? ['lazy-demo'] })
        .then(
          (r) => {
            this.exitStatus = r.status;
            this.state = 'exited';
            this.why = `exited with status ${r.status}`;
            this.emit('info', `program exited with status ${r.status} (${r.reason}, ${r.instructions} instructions)`);
          },
          (e: unknown) => {
            if (e instanceof Cancelled) return;
            this.state = 'failed';
            this.why = `failed: ${(e as Error).message}`;
            this.emit('error', `${(e as Error).name}: ${(e as Error).message}`);
          },
        )
        .finally(() => {
          const p = this.paused;
          this.paused = null;
          p?.();
        });
    });
  }

  private until(go: () => void): Promise<void> {
    return new Promise((resolve) => {
      this.paused = resolve;
      this.previousRegs = this.started && this.stops > 0 ? this.registers() : [];
      go();
    });
  }

  /** Resumes in `mode`; resolves at the next stop or when the program ends. */
  async resume(mode: Mode): Promise<void> {
    if (!this.started) {
      await this.start();
      if (mode === 'step') return;
    }
    if (this.state !== 'paused' || !this.release) return;
    this.mode = mode;
    this.overTarget = undefined;
    if (mode === 'over') {
      const pc = this.engine.getPc();
      const word = this.readWord(pc);
      // bl / blr: stop at the return address with the stack back where it was.
      if (word !== undefined && ((word & 0xfc000000) >>> 0 === 0x94000000 || (word & 0xfffffc1f) >>> 0 === 0xd63f0000))
        this.overTarget = { address: pc + 4, sp: this.engine.getX(31) };
    }
    const release = this.release;
    this.release = null;
    this.abort = null;
    await this.until(() => {
      this.state = 'running';
      this.skipFirst = true;
      release(undefined);
    });
  }

  /** Abandons a paused run (Reset): the run's promise settles with an ignored Cancelled error. */
  dispose(): void {
    const abort = this.abort;
    this.release = null;
    this.abort = null;
    abort?.(new Cancelled('reset'));
  }

  // ---- views -----------------------------------------------------------------------------

  registers(): bigint[] {
    const e = this.engine;
    const regs: bigint[] = [];
    for (let i = 0; i < 31; i++) regs.push(e.getX(i));
    regs.push(e.getX(31), BigInt(e.getPc()), e.regRead('nzcv'));
    return regs;
  }

  private sortSymbols(): void {
    if (this.sorted) return;
    this.symbols.sort((a, b) => a.address - b.address || b.size - a.size);
    this.sorted = true;
  }

  /** Host functions (Process JITDylib) by address. */
  private hostSymbol(address: number): string | undefined {
    for (const name of this.sandbox.processJD.symbolNames()) {
      const s = this.sandbox.processJD.getSymbol(name);
      if (s && s.address === address) return name;
    }
    return undefined;
  }

  /** `name` or `name+0x…` for an address inside a linked symbol, a trampoline or a host function. */
  symbolize(address: number): string | undefined {
    const t = this.trampolines.get(address) ?? this.trampolines.get(address - 4);
    if (t !== undefined) return this.trampolines.has(address) ? t : `${t}+0x4`;
    const best = this.containing(address);
    if (best) return address === best.address ? best.name : `${best.name}+${hex(address - best.address)}`;
    if (address === this.sandbox.host.returnSentinel) return '<return to host>';
    return this.hostSymbol(address);
  }

  /** The innermost linked symbol containing `address`. */
  private containing(address: number): SymbolRange | undefined {
    this.sortSymbols();
    let best: SymbolRange | undefined;
    for (const s of this.symbols) {
      if (s.address > address) break;
      if (address < s.address + Math.max(s.size, 1) && (best === undefined || s.address >= best.address)) best = s;
    }
    return best;
  }

  private symbolStart(address: number): string | undefined {
    if (this.trampolines.has(address)) return this.trampolines.get(address);
    this.sortSymbols();
    const names = this.symbols.filter((s) => s.address === address && s.size > 0).map((s) => s.name);
    return names.length > 0 ? names.join(' = ') : undefined;
  }

  private readWord(address: number): number | undefined {
    try {
      const b = this.engine.memRead(address, 4);
      return ((b[0] as number) | ((b[1] as number) << 8) | ((b[2] as number) << 16) | ((b[3] as number) << 24)) >>> 0;
    } catch {
      return undefined;
    }
  }

  /** Instructions around pc: `before` lines above (when mapped), `after` below. */
  disassembly(before = 8, after = 16): DisasmLine[] {
    const pc = this.engine.getPc();
    const lines: DisasmLine[] = [];
    const ctx = { symbolize: (a: number) => this.symbolize(a) };
    // Start at the function's first instruction when it is close (no padding of the page before it).
    const start = this.trampolines.has(pc - 4) ? pc - 4 : (this.containing(pc)?.address ?? pc - 4 * before);
    const first = Math.max(pc - 4 * before, start);
    for (let a = first; a < pc + 4 * after; a += 4) {
      if (a < 0) continue;
      const word = this.readWord(a);
      if (word === undefined) continue;
      lines.push({
        address: a,
        word,
        text: disassemble(word, a, ctx),
        label: this.symbolize(a),
        symbolStart: this.symbolStart(a),
        current: a === pc,
      });
    }
    return lines;
  }

  /** 8-byte slots from sp upwards. */
  stack(count = 16): StackSlot[] {
    const sp = Number(this.engine.getX(31));
    const slots: StackSlot[] = [];
    for (let i = 0; i < count; i++) {
      const a = sp + 8 * i;
      let value: bigint;
      try {
        const b = this.engine.memRead(a, 8);
        value = new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
      } catch {
        break;
      }
      const label = value > 0n && value < 2n ** 48n ? this.symbolize(Number(value)) : undefined;
      slots.push({ address: a, value, label });
    }
    return slots;
  }

  /** The lazy reexports: alias → stub → pointer → target (trampoline until the first call, then the body). */
  stubRows(): StubRow[] {
    return this.lazyRows.map((r) => {
      const stub = r.jd.getSymbol(r.alias)?.address || undefined;
      const pointer = this.sandbox.rsm.pointerAddress(r.jd, r.alias);
      let target: number | undefined;
      if (pointer !== undefined) {
        try {
          const b = this.engine.memRead(pointer, 8);
          target = Number(new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true));
        } catch {
          target = undefined;
        }
      }
      const resolved = target !== undefined && target !== r.trampoline;
      const targetLabel =
        target === undefined
          ? '(not allocated)'
          : target === r.trampoline
            ? 'trampoline'
            : (this.symbolize(target) ?? hex(target));
      return {
        alias: r.alias,
        body: r.body,
        jd: r.jd.name,
        stub,
        pointer,
        trampoline: r.trampoline,
        target,
        targetLabel,
        resolved,
      };
    });
  }
}
