/**
 * The page's model, free of DOM: the debug control layer (src/debug/control.ts, shared with the
 * CLI debugger) driving a session on the `ts` engine, one stop at a time. The page's moves map to
 * the control layer's actions (step: stepi, over: nexti, lazy: the next lazy-linking event, run:
 * continue); stepping, symbolisation, the stub table and the event log are the control layer's.
 * At each stop the views' data (registers, code around pc, the stack, the stub table) is read once
 * through the session's debug primitives, so the views render synchronously.
 */

import type { RuntimeObject } from '../../runtime-aarch64/abi.ts';
import { type Action, DebugControl, type DebugEvent } from '../../src/debug/control.ts';
import type { DebugSession } from '../../src/debug/target.ts';
import { disassemble } from '../../src/emu/ts/isa/index.ts';
import { openSession } from '../../src/orc/session/session.ts';
import { formatLazyTrace } from '../../src/orc/session/trace.ts';

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
  /** `sym` or `sym+16` when the address is inside a known symbol. */
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
/** Code read around pc at a stop (bytes before and after it). */
const CODE_BEFORE = 4 * 16;
const CODE_AFTER = 4 * 32;
const STACK_SLOTS = 32;

interface Snapshot {
  regs: bigint[];
  pc: number;
  sp: bigint;
  code: { begin: number; bytes: Uint8Array };
  stack: StackSlot[];
  stubs: StubRow[];
}

export class Stepper {
  readonly log: LogEntry[] = [];
  state: StepperState = 'paused';
  /** Why the last stop happened (for the status line). */
  why = 'not started';
  exitStatus: number | undefined;
  /** Registers at the previous stop (for change highlighting). */
  previousRegs: bigint[] = [];
  /** Number of stops so far. */
  stops = 0;
  /** Instructions executed so far (at the last stop or the end). */
  instructions = 0;
  private snap: Snapshot | null = null;
  private started = false;

  private constructor(
    readonly control: DebugControl,
    private readonly options: StepperOptions,
  ) {}

  static async create(options: StepperOptions): Promise<Stepper> {
    let self: Stepper | undefined;
    const dec = new TextDecoder();
    const emit = (kind: LogKind, text: string) => self?.emit(kind, text);
    const open = async (): Promise<DebugSession> => {
      const s = await openSession({
        engine: 'ts',
        runtimeObjects: options.runtimeObjects,
        stdin: new Uint8Array(),
        stdout: (b) => emit('stdout', dec.decode(b).replace(/\n$/, '')),
        stderr: (b) => emit('stderr', dec.decode(b).replace(/\n$/, '')),
        showLinkedFiles: (line) => emit('link', line.trimEnd()),
        traceLazy: (ev) =>
          emit(
            'lazy',
            formatLazyTrace(ev)
              .replace(/^\[lazy\] /, '')
              .trimEnd(),
          ),
      });
      for (const o of options.objects) s.addObject(o.bytes, o.name, { lazy: o.lazy });
      return s;
    };
    const control = await DebugControl.create({
      open,
      entry: options.entry ?? 'main',
      argv: options.argv ?? ['lazy-demo'],
    });
    self = new Stepper(control, options);
    return self;
  }

  private emit(kind: LogKind, text: string): void {
    const e = { kind, text };
    this.log.push(e);
    this.options.onLog?.(e);
  }

  /** Starts the program (links the entry); resolves at the first stop (the entry's first instruction). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.why = 'program start';
    await this.act({ kind: 'stepi', count: 1 });
  }

  /** Resumes in `mode`; resolves at the next stop or when the program ends. */
  async resume(mode: Mode): Promise<void> {
    if (!this.started) {
      await this.start();
      if (mode === 'step') return;
    }
    if (this.state !== 'paused') return;
    const action: Action =
      mode === 'step'
        ? { kind: 'stepi', count: 1 }
        : mode === 'over'
          ? { kind: 'nexti', count: 1 }
          : mode === 'lazy'
            ? { kind: 'lazy' }
            : { kind: 'continue' };
    await this.act(action, mode);
  }

  private async act(action: Action, mode?: Mode): Promise<void> {
    this.previousRegs = this.snap?.regs ?? [];
    this.state = 'running';
    let ev: DebugEvent;
    try {
      ev = await this.control.go(action);
    } catch (e) {
      this.fail(e as Error);
      return;
    }
    await this.stopped(ev, mode);
  }

  private fail(e: Error): void {
    this.state = 'failed';
    this.why = `failed: ${e.message}`;
    this.emit('error', `${e.name}: ${e.message}`);
  }

  private async stopped(ev: DebugEvent, mode: Mode | undefined): Promise<void> {
    if (ev.kind === 'exit') {
      this.state = 'exited';
      this.instructions = ev.result.instructions;
      this.exitStatus = ev.result.status;
      this.why = `exited with status ${ev.result.status}`;
      this.emit('info', `program exited with status ${ev.result.status} (${ev.result.reason})`);
      return;
    }
    if (ev.kind === 'error') return this.fail(ev.error);
    if (ev.kind === 'killed') {
      this.state = 'exited';
      this.why = 'killed';
      return;
    }
    this.instructions = ev.instructions;
    const r = ev.reason;
    this.why =
      r.kind === 'entry'
        ? 'program start'
        : r.kind === 'lazy'
          ? `lazy: ${r.what}`
          : r.kind === 'fault'
            ? `fault: ${r.message}`
            : r.kind === 'breakpoint'
              ? `breakpoint ${r.bp.id}`
              : mode === 'over'
                ? 'step over'
                : 'step';
    try {
      await this.snapshot();
    } catch (e) {
      return this.fail(e as Error);
    }
    this.stops++;
    this.state = 'paused';
    // Plain single steps are not logged (the views show them); every other stop is.
    if (this.why !== 'step') this.emit('stop', `stopped at ${hex(ev.pc)} ${this.symbolize(ev.pc) ?? ''} (${this.why})`);
  }

  private async snapshot(): Promise<void> {
    const c = this.control;
    const r = await c.registers();
    const regs = [
      ...r.x.slice(0, 31).map((v) => BigInt.asUintN(64, v)),
      BigInt.asUintN(64, r.sp),
      BigInt(r.pc),
      BigInt(r.nzcv),
    ];
    const region = (await c.session.memoryRegions()).find((m) => r.pc >= m.begin && r.pc < m.end);
    const begin = Math.max(region?.begin ?? 0, r.pc - CODE_BEFORE);
    const code = { begin, bytes: await readMapped(c, begin, r.pc + CODE_AFTER - begin, r.pc) };
    const sp = Number(r.sp);
    const stackBytes = await readMapped(c, sp, 8 * STACK_SLOTS);
    const stack: StackSlot[] = [];
    const dv = new DataView(stackBytes.buffer, stackBytes.byteOffset, stackBytes.length);
    for (let i = 0; i + 8 <= stackBytes.length; i += 8) {
      const value = dv.getBigUint64(i, true);
      const label = value > 0n && value < 2n ** 48n ? this.symbolize(Number(value)) : undefined;
      stack.push({ address: sp + i, value, label });
    }
    const stubs = (await c.stubTable()).map((row) => {
      const target = row.target;
      return {
        alias: row.info.name,
        body: row.info.bodyName,
        jd: row.info.jd.name,
        stub: row.stub,
        pointer: row.pointer,
        trampoline: row.trampoline,
        target,
        targetLabel:
          target === undefined
            ? '(not allocated)'
            : target === row.trampoline
              ? 'trampoline'
              : (this.symbolize(target) ?? hex(target)),
        resolved: row.resolved,
      };
    });
    this.snap = { regs, pc: r.pc, sp: r.sp, code, stack, stubs };
  }

  /** Abandons the program (Reset). */
  dispose(): void {
    void this.control.close().catch(() => {});
  }

  // ---- views (the data of the last stop) ------------------------------------------------------

  /** pc at the last stop. */
  get pc(): number {
    return this.snap?.pc ?? 0;
  }

  /** sp at the last stop. */
  get sp(): bigint {
    return this.snap?.sp ?? 0n;
  }

  registers(): bigint[] {
    return this.snap?.regs ?? [];
  }

  /** `name` or `name+16` for an address inside a linked symbol, a trampoline or a host function. */
  symbolize(address: number): string | undefined {
    return this.control.symbolize(address);
  }

  private symbolStart(address: number): string | undefined {
    const names = this.control.symbols
      .all()
      .filter((s) => s.address === address && s.size > 0)
      .map((s) => s.name);
    return names.length > 0 ? [...new Set(names)].join(' = ') : undefined;
  }

  /** Instructions around pc: `before` lines above (when mapped, from the function's start), `after` below. */
  disassembly(before = 8, after = 16): DisasmLine[] {
    const s = this.snap;
    if (!s) return [];
    const pc = s.pc;
    const fn = this.control.symbols.symbolAt(pc);
    const first = Math.max(pc - 4 * before, fn && fn.address <= pc ? fn.address : pc - 4 * before, s.code.begin);
    const lines: DisasmLine[] = [];
    const dv = new DataView(s.code.bytes.buffer, s.code.bytes.byteOffset, s.code.bytes.length);
    for (let a = first; a < pc + 4 * after; a += 4) {
      const off = a - s.code.begin;
      if (off < 0 || off + 4 > s.code.bytes.length) continue;
      const word = dv.getUint32(off, true);
      lines.push({
        address: a,
        word,
        text: disassemble(word, a, { symbolize: this.control.symbolize }),
        label: this.symbolize(a),
        symbolStart: this.symbolStart(a),
        current: a === pc,
      });
    }
    return lines;
  }

  /** 8-byte slots from sp upwards. */
  stack(count = 16): StackSlot[] {
    return (this.snap?.stack ?? []).slice(0, count);
  }

  /** The lazy reexports: alias → stub → pointer → target (trampoline until the first call, then the body). */
  stubRows(): StubRow[] {
    return this.snap?.stubs ?? [];
  }
}

/** The part of [address, address + size) inside the mapping that holds `anchor` (code around pc, the stack). */
async function readMapped(c: DebugControl, address: number, size: number, anchor = address): Promise<Uint8Array> {
  const region = (await c.session.memoryRegions()).find((r) => anchor >= r.begin && anchor < r.end);
  if (!region) return new Uint8Array();
  const begin = Math.max(address, region.begin);
  const end = Math.min(address + size, region.end);
  return end > begin ? c.session.readMemory(begin, end - begin) : new Uint8Array();
}
