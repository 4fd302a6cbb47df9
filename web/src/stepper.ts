/**
 * The page's model, free of DOM: the debug control layer (src/debug/control.ts, shared with the
 * CLI debugger) driving a session on the `ts` engine, one stop at a time. The page's moves map to
 * the control layer's actions (step: stepi, over: nexti, lazy: the next lazy-linking event, run:
 * continue) plus "next phase", the guided walk through a first lazy call (narrative.ts). At each
 * stop the views' data (registers, the current function's code, the C source line from DWARF, the
 * stack, the stub table, the memory of the stub, its pointer and its trampoline) is read once
 * through the session's debug primitives, so the views render synchronously.
 */

import type { RuntimeObject } from '../../runtime-aarch64/abi.ts';
import { type Action, DebugControl, type DebugEvent, type LazyEvent } from '../../src/debug/control.ts';
import type { DebugSession } from '../../src/debug/target.ts';
import { disassemble } from '../../src/emu/ts/isa/index.ts';
import type { LinkGraph } from '../../src/linker/graph.ts';
import { openSession } from '../../src/orc/session/session.ts';
import { type Phase, type PointerWriteRecord, Tour, type TourTarget } from './narrative.ts';
import { SourceMap } from './source.ts';

export interface InputObject {
  name: string;
  bytes: Uint8Array;
  /** Linked on first call of its functions (`-lazy`). */
  lazy: boolean;
}

export type TimelineKind = LazyEvent['kind'] | 'phase' | 'stop' | 'exit' | 'error';
export interface TimelineEntry {
  seq: number;
  kind: TimelineKind;
  text: string;
  /** The walk's phase index when it happened. */
  phase: number;
  /** Instructions executed by the last stop before it. */
  instructions: number;
}

export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  text: string;
}

export type Mode = 'step' | 'over' | 'lazy' | 'run' | 'phase';
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
  /** Data inside the shown range (`.word`), not an instruction. */
  data: boolean;
  /** Source line of the address when it starts a new line (`main.c:14`). */
  line: string | undefined;
}

export interface StackSlot {
  address: number;
  value: bigint;
  label: string | undefined;
}

export interface SourceView {
  file: string;
  line: number;
  /** The file's text, when the page has it. */
  lines: string[] | undefined;
  /** 0: the line of pc; n: of frame n (pc is in code without source: a stub, the runtime…). */
  frame: number;
  note: string;
}

export interface MemoryRow {
  role: 'stub' | 'pointer' | 'trampoline';
  label: string;
  address: number;
  bytes: number[];
  /** Per byte: differs from the previous stop's view. */
  changed: boolean[];
  text: string;
}

export interface StepperOptions {
  objects: InputObject[];
  runtimeObjects: RuntimeObject[];
  /** C sources by file name, shown beside the code when the DWARF names them. */
  sources?: ReadonlyMap<string, string>;
  entry?: string;
  argv?: string[];
  onOutput?: (c: OutputChunk) => void;
  onTimeline?: (e: TimelineEntry) => void;
}

/** Names of the register rows: x0–x30, sp, pc (plus nzcv). */
export const REG_NAMES = [...Array.from({ length: 31 }, (_, i) => `x${i}`), 'sp', 'pc', 'nzcv'] as const;

const hex = (n: number | bigint): string => `0x${n.toString(16)}`;
const STACK_SLOTS = 32;
/** At most this many instructions of a long function are shown around pc. */
const CODE_BEFORE = 4 * 40;
const CODE_AFTER = 4 * 60;

interface Snapshot {
  regs: bigint[];
  pc: number;
  sp: bigint;
  code: { begin: number; end: number; bytes: Uint8Array; functionName: string | undefined };
  stack: StackSlot[];
  stubs: StubRow[];
  memory: MemoryRow[];
  source: SourceView | undefined;
}

export class Stepper {
  readonly output: OutputChunk[] = [];
  readonly timeline: TimelineEntry[] = [];
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
  /** True while every move so far was "next phase" (the position is the phase index: shareable). */
  onlyPhases = true;
  readonly sources: SourceMap;
  readonly tour: Tour;
  private snap: Snapshot | null = null;
  private started = false;
  private readonly pointerWrites: PointerWriteRecord[] = [];
  private readonly linked: { name: string; graph: LinkGraph }[] = [];

  private constructor(
    readonly control: DebugControl,
    private readonly options: StepperOptions,
  ) {
    this.sources = new SourceMap(options.sources ?? new Map());
    this.tour = new Tour(control, this.sources, this.pointerWrites, this.linked);
    const bytesOf = new Map(options.objects.map((o) => [o.name, o.bytes]));
    control.session.observe({
      onObjectLinked: ({ name, result }) => {
        this.linked.push({ name, graph: result.graph });
        const bytes = bytesOf.get(name);
        if (bytes) this.sources.addLinked(name, bytes, result.graph);
      },
      onPointerWrite: (writes) => {
        for (const w of writes) this.pointerWrites.push({ address: w.address, value: w.value });
      },
    });
    control.observe({ onLazyEvent: (e) => this.note(e.kind, e.text) });
  }

  static async create(options: StepperOptions): Promise<Stepper> {
    let self: Stepper | undefined;
    const dec = new TextDecoder();
    const out = (stream: OutputChunk['stream'], b: Uint8Array) => self?.write(stream, dec.decode(b));
    const open = async (): Promise<DebugSession> => {
      const s = await openSession({
        engine: 'ts',
        runtimeObjects: options.runtimeObjects,
        stdin: new Uint8Array(),
        stdout: (b) => out('stdout', b),
        stderr: (b) => out('stderr', b),
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

  private write(stream: OutputChunk['stream'], text: string): void {
    const c = { stream, text };
    this.output.push(c);
    this.options.onOutput?.(c);
  }

  private note(kind: TimelineKind, text: string): void {
    const e = {
      seq: this.timeline.length + 1,
      kind,
      text,
      phase: this.tour.phaseIndex,
      instructions: this.instructions,
    };
    this.timeline.push(e);
    this.options.onTimeline?.(e);
  }

  /** Starts the program (links the entry); resolves at the first stop (the entry's first instruction). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.why = 'program start';
    await this.act({ kind: 'stepi', count: 1 });
    if (this.state === 'paused') {
      const lazy = this.options.objects
        .filter((o) => o.lazy && !this.linked.some((l) => l.name === o.name))
        .map((o) => o.name);
      this.tour.describeStart(this.pc, lazy, this.stubRows());
    }
  }

  /** Resumes in `mode`; resolves at the next stop or when the program ends. */
  async resume(mode: Mode): Promise<void> {
    if (!this.started) {
      await this.start();
      if (mode === 'step') return;
    }
    if (this.state !== 'paused') return;
    if (mode === 'phase') return this.nextPhase();
    this.onlyPhases = false;
    this.tour.dirty = true;
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

  /** The next phase of the walk through a first lazy call (narrative.ts). */
  async nextPhase(): Promise<void> {
    if (!this.started) await this.start();
    if (this.state !== 'paused' || this.tour.next === 'done') return;
    this.previousRegs = this.snap?.regs ?? [];
    this.state = 'running';
    let ev: DebugEvent | undefined;
    try {
      ev = await this.tour.advance();
    } catch (e) {
      this.fail(e as Error);
      return;
    }
    const phase = this.tour.phase;
    this.note('phase', `${phase.index}. ${phase.title}`);
    if (ev && ev.kind !== 'stop') return this.stopped(ev, undefined);
    if (ev) this.instructions = ev.instructions;
    this.why = `phase ${phase.index}: ${phase.title}`;
    await this.settle(phase.beforeRedirect === true);
  }

  get phase(): Phase {
    return this.tour.phase;
  }

  /** The lazy function the walk follows (once its first call is found). */
  get tourTarget(): TourTarget | undefined {
    return this.tour.target;
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
    this.note('error', `${e.name}: ${e.message}`);
  }

  private async stopped(ev: DebugEvent, mode: Mode | undefined): Promise<void> {
    if (ev.kind === 'exit') {
      this.state = 'exited';
      this.instructions = ev.result.instructions;
      this.exitStatus = ev.result.status;
      this.why = `exited with status ${ev.result.status}`;
      this.note('exit', `program exited with status ${ev.result.status} (${ev.result.reason})`);
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
    await this.settle(false);
    // Plain single steps are not logged (the views show them); every other stop is.
    if (this.state === 'paused' && this.why !== 'step')
      this.note('stop', `stopped at ${hex(ev.pc)} ${this.symbolize(ev.pc) ?? ''} (${this.why})`);
  }

  private async settle(beforeRedirect: boolean): Promise<void> {
    try {
      await this.snapshot(beforeRedirect);
    } catch (e) {
      this.fail(e as Error);
      return;
    }
    this.stops++;
    this.state = 'paused';
  }

  private focusRow(stubs: StubRow[]): StubRow | undefined {
    const t = this.tour.target;
    if (t) return stubs.find((r) => r.stub === t.stub);
    return stubs.find((r) => !r.resolved && r.stub !== undefined) ?? stubs[0];
  }

  private async memoryRows(stubs: StubRow[], previous: MemoryRow[]): Promise<MemoryRow[]> {
    const row = this.focusRow(stubs);
    if (!row) return [];
    const c = this.control;
    const before = new Map<number, number>();
    for (const m of previous)
      m.bytes.forEach((b, i) => {
        before.set(m.address + i, b);
      });
    const rows: MemoryRow[] = [];
    const add = async (role: MemoryRow['role'], label: string, address: number | undefined, size: number) => {
      if (address === undefined) return;
      let bytes: Uint8Array;
      try {
        bytes = await c.session.readMemory(address, size);
      } catch {
        return;
      }
      const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
      let text: string;
      if (role === 'pointer') {
        const v = Number(dv.getBigUint64(0, true));
        text = `→ ${hex(v)} ${this.symbolize(v) ?? ''}`.trimEnd();
      } else {
        const words: string[] = [];
        for (let i = 0; i + 4 <= bytes.length; i += 4)
          words.push(disassemble(dv.getUint32(i, true), address + i, { symbolize: c.symbolize }));
        text = words.join(' ; ');
      }
      const list = [...bytes];
      rows.push({
        role,
        label,
        address,
        bytes: list,
        changed: list.map((b, i) => {
          const old = before.get(address + i);
          return old !== undefined && old !== b;
        }),
        text,
      });
    };
    await add('stub', `${row.alias} (stub)`, row.stub, 12);
    await add('pointer', `${row.alias}$__stub_ptr`, row.pointer, 8);
    await add('trampoline', `<trampoline ${row.alias}>`, row.trampoline, 8);
    return rows;
  }

  /** The C line of pc, or of the nearest caller that has one (pc in a stub, a trampoline, the runtime). */
  private async sourceView(pc: number): Promise<SourceView | undefined> {
    const here = this.sources.lineAt(pc);
    const view = (file: string, line: number, frame: number, note: string): SourceView => {
      const text = this.sources.text(file);
      return { file, line, lines: text?.replace(/\n$/, '').split('\n'), frame, note };
    };
    if (here)
      return view(here.file, here.line, 0, `pc is at ${here.file.slice(here.file.lastIndexOf('/') + 1)}:${here.line}`);
    let frames: { pc: number }[] = [{ pc }];
    try {
      frames = await this.control.backtrace(12);
    } catch {
      // No frames: x30 below.
    }
    // After the reentry routine restored the caller's registers, its frame records are the
    // caller's: x30 is the way back.
    frames.push({ pc: Number((await this.control.registers()).x[30] ?? 0n) });
    for (let i = 1; i < frames.length; i++) {
      const at = (frames[i] as { pc: number }).pc - 4;
      const l = this.sources.lineAt(at);
      if (l)
        return view(
          l.file,
          l.line,
          i,
          `pc is in ${this.symbolize(pc) ?? hex(pc)}, which has no source: the call in progress is at ${l.file.slice(l.file.lastIndexOf('/') + 1)}:${l.line} (frame ${i})`,
        );
    }
    return undefined;
  }

  /** The shown code: the function holding pc (from DWARF or its symbol), around pc if it is long. */
  private codeRange(pc: number): { begin: number; end: number; functionName: string | undefined } {
    const f = this.sources.functionAt(pc);
    const s = this.control.symbols.symbolAt(pc);
    let begin: number;
    let end: number;
    let functionName: string | undefined;
    if (f) {
      begin = f.lowPc;
      end = f.highPc;
      functionName = s && s.address === f.lowPc ? s.name : f.name;
    } else if (s && s.size > 0) {
      begin = s.address;
      end = s.address + s.size;
      functionName = s.name;
    } else {
      begin = pc - 32;
      end = pc + 64;
      functionName = undefined;
    }
    return { begin: Math.max(begin, pc - CODE_BEFORE), end: Math.min(end, pc + CODE_AFTER), functionName };
  }

  private async snapshot(beforeRedirect: boolean): Promise<void> {
    const c = this.control;
    const r = await c.registers();
    const regs = [
      ...r.x.slice(0, 31).map((v) => BigInt.asUintN(64, v)),
      BigInt.asUintN(64, r.sp),
      BigInt(r.pc),
      BigInt(r.nzcv),
    ];
    const range = this.codeRange(r.pc);
    const bytes = await readMapped(c, range.begin, range.end - range.begin, r.pc);
    const region = (await c.session.memoryRegions()).find((m) => r.pc >= m.begin && r.pc < m.end);
    const begin = Math.max(range.begin, region?.begin ?? range.begin);
    const code = { begin, end: begin + bytes.length, bytes, functionName: range.functionName };
    const sp = Number(r.sp);
    const stackBytes = await readMapped(c, sp, 8 * STACK_SLOTS);
    const stack: StackSlot[] = [];
    const dv = new DataView(stackBytes.buffer, stackBytes.byteOffset, stackBytes.length);
    for (let i = 0; i + 8 <= stackBytes.length; i += 8) {
      const value = dv.getBigUint64(i, true);
      const label = value > 0n && value < 2n ** 48n ? this.symbolize(Number(value)) : undefined;
      stack.push({ address: sp + i, value, label });
    }
    const previous = this.snap;
    let stubs: StubRow[];
    let memory: MemoryRow[];
    if (beforeRedirect && previous) {
      // The host's work of this phase ran inside the one step over the dispatch gate; the pointer
      // write came after the link (observer order): until the redirect phase, show the memory as
      // the program left it when it entered the host (nothing else writes the stub, its pointer or
      // its trampoline).
      stubs = previous.stubs;
      memory = previous.memory.map((m) => ({ ...m, changed: m.changed.map(() => false) }));
    } else {
      stubs = (await c.stubTable()).map((row) => {
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
      memory = await this.memoryRows(stubs, previous?.memory ?? []);
    }
    const source = await this.sourceView(r.pc);
    this.snap = { regs, pc: r.pc, sp: r.sp, code, stack, stubs, memory, source };
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

  /** The function holding pc (or the code around pc when no symbol bounds it); data as `.word`. */
  disassembly(): DisasmLine[] {
    const s = this.snap;
    if (!s) return [];
    const lines: DisasmLine[] = [];
    const dv = new DataView(s.code.bytes.buffer, s.code.bytes.byteOffset, s.code.bytes.length);
    let lastLine = '';
    for (let a = s.code.begin; a + 4 <= s.code.end; a += 4) {
      const word = dv.getUint32(a - s.code.begin, true);
      const sym = this.control.symbols.symbolAt(a);
      const text = disassemble(word, a, { symbolize: this.control.symbolize });
      // Data among the code (pointer and data symbols, undecodable words) is shown as data.
      const data =
        this.sources.isData(a) ||
        sym?.kind === 'data' ||
        sym?.kind === 'pointer' ||
        text.startsWith('.inst') ||
        text.startsWith('udf');
      const loc = this.sources.lineAt(a);
      const line = loc ? `${loc.file.slice(loc.file.lastIndexOf('/') + 1)}:${loc.line}` : '';
      lines.push({
        address: a,
        word,
        text: data ? `.word ${hex(word).padStart(10, ' ')}` : text,
        label: this.symbolize(a),
        symbolStart: this.symbolStart(a),
        current: a === s.pc,
        data,
        line: line !== lastLine ? line || undefined : undefined,
      });
      lastLine = line;
    }
    return lines;
  }

  /** The name of the function the disassembly shows. */
  get codeFunction(): string | undefined {
    return this.snap?.code.functionName;
  }

  /** 8-byte slots from sp upwards. */
  stack(count = 16): StackSlot[] {
    return (this.snap?.stack ?? []).slice(0, count);
  }

  /** The lazy reexports: alias → stub → pointer → target (trampoline until the first call, then the body). */
  stubRows(): StubRow[] {
    return this.snap?.stubs ?? [];
  }

  /** The stub, its pointer and its trampoline, for the function the walk follows. */
  memory(): MemoryRow[] {
    return this.snap?.memory ?? [];
  }

  source(): SourceView | undefined {
    return this.snap?.source;
  }

  /** Objects linked so far (graph names), in link order. */
  linkedObjects(): string[] {
    return this.linked.map((l) => l.name);
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
