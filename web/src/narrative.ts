/**
 * The guided walk through the first call of a lazy function, and its second call. Each "next
 * phase" moves the program (single steps, or breakpoints on call sites when the next phase may be
 * far away) until the machine reaches the next phase, recognised from what is there, never from a
 * script: the pc's symbol (a stub, a trampoline, the reentry routine the trampoline's `bl` entered,
 * the body the stub pointer was redirected to), the instruction at pc (a `bl` to a stub, to the JIT
 * dispatch gate, the `br` that leaves a stub or the routine) and the session's observer events
 * (the lookup and link of the body's object, the pointer writes). The text of each phase is made
 * from the values read at that stop (registers, memory, symbols, source lines, counts).
 */

import type { DebugControl, DebugEvent } from '../../src/debug/control.ts';
import type { DebugSymbol } from '../../src/debug/symbols.ts';
import type { LinkGraph } from '../../src/linker/graph.ts';
import { RUNTIME_NAME_PREFIX } from '../../src/orc/session/trace.ts';
import type { SourceMap } from './source.ts';

export const PHASE_IDS = [
  'start',
  'call',
  'stub',
  'pointer',
  'trampoline',
  'reenter',
  'saved',
  'dispatch',
  'link',
  'redirect',
  'restored',
  'body',
  'call2',
  'stub2',
  'body2',
  'done',
] as const;
export type PhaseId = (typeof PHASE_IDS)[number];

export interface Phase {
  /** How many "next phase" moves led here (0: the program's start). */
  index: number;
  id: PhaseId;
  /** Position in the walk (1 = the call … 14 = the body reached directly); 0 for start and done. */
  step: number;
  title: string;
  /** Paragraphs. */
  text: string[];
  /** The memory and stub views show the state before the host's pointer write (see `link`). */
  beforeRedirect?: boolean;
}

/** The lazy function the walk follows. */
export interface TourTarget {
  alias: string;
  bodyName: string;
  jd: string;
  stub: number;
  pointer: number;
  trampoline: number;
  /** Known once the pointer is redirected. */
  body?: number;
  callSite?: number;
  /** sp at the call (the routine must give it back). */
  callerSp?: number;
  returnAddress?: number;
  /** The routine the trampoline's `bl` entered. */
  routine?: DebugSymbol;
  spAtRoutine?: number;
}

export interface PointerWriteRecord {
  address: number;
  value: number;
}

/** Single steps allowed while looking for a phase that is near (inside one call). */
const STEP_BUDGET = 20_000;

const hex = (n: number | bigint): string => `0x${n.toString(16)}`;
const isBl = (w: number): boolean => (w & 0xfc000000) >>> 0 === 0x94000000;
const isBlr = (w: number): boolean => (w & 0xfffffc1f) >>> 0 === 0xd63f0000;
const isBr = (w: number): boolean => (w & 0xfffffc1f) >>> 0 === 0xd61f0000;
const regField = (w: number): number => (w >>> 5) & 31;
function blTarget(w: number, pc: number): number {
  const imm = w & 0x03ffffff;
  return pc + (imm & 0x02000000 ? imm - 0x04000000 : imm) * 4;
}

type Category = 'program' | 'stub' | 'trampoline' | 'runtime' | 'host';

/** Registers named in store/load pair texts (`stp x0, x1, [sp, #0x10]`), as ranges: `x0–x15, q0–q31`. */
export function registerRanges(names: readonly string[]): string {
  const byKind = new Map<string, number[]>();
  for (const n of names) {
    const m = /^([a-z])(\d+)$/.exec(n);
    if (!m) continue;
    const list = byKind.get(m[1] as string) ?? [];
    list.push(Number(m[2]));
    byKind.set(m[1] as string, list);
  }
  const out: string[] = [];
  for (const [k, nums] of byKind) {
    const sorted = [...new Set(nums)].sort((a, b) => a - b);
    let i = 0;
    while (i < sorted.length) {
      let j = i;
      while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++;
      out.push(i === j ? `${k}${sorted[i]}` : `${k}${sorted[i]}–${k}${sorted[j]}`);
      i = j + 1;
    }
  }
  return out.join(', ');
}

/** The resolve handler's SPS answer: byte 1 (ok) then the address, little-endian. */
function answerText(b: Uint8Array): string {
  if (b[0] !== 1 || b.length < 9) return b[0] === 0 ? ': an error' : '';
  let v = 0;
  for (let i = 8; i >= 1; i--) v = v * 256 + (b[i] as number);
  return `: ok, address ${hex(v)}`;
}

interface Position {
  pc: number;
  word: number;
  x: bigint[];
  sp: number;
}

export class Tour {
  next: PhaseId = 'call';
  phase: Phase;
  target: TourTarget | undefined;
  /** Set when the program was moved some other way (step, run…): the walk finds its place again. */
  dirty = false;
  private index = 0;
  /** Executed instructions by where they ran, since the call of the current walk. */
  private counts = new Map<Category, number>();
  private hostCalls: string[] = [];
  private stores: string[] = [];
  private storeCount = 0;
  private loads: string[] = [];
  private loadCount = 0;
  private eventMark = 0;
  private writeMark = 0;
  private linkMark = 0;
  private linkPhaseWrites: PointerWriteRecord[] = [];
  /** The counts began where the walk picked up a call moved into by other means. */
  private partial = false;

  constructor(
    private readonly control: DebugControl,
    private readonly sources: SourceMap,
    /** The session's pointer writes and linked graphs, in order (kept by the stepper). */
    private readonly pointerWrites: readonly PointerWriteRecord[],
    private readonly linked: readonly { name: string; graph: LinkGraph }[],
  ) {
    this.phase = { index: 0, id: 'start', step: 0, title: 'Program start', text: [] };
  }

  get phaseIndex(): number {
    return this.index;
  }

  // ---- what is where ---------------------------------------------------------------------------

  private sym(address: number): DebugSymbol | undefined {
    return this.control.symbols.symbolAt(address);
  }

  private name(address: number): string {
    const s = this.control.symbolize(address);
    if (!s) return hex(address);
    return s.startsWith('<') ? `${hex(address)} ${s}` : `${hex(address)} <${s}>`;
  }

  private category(pc: number): Category {
    const s = this.sym(pc);
    if (!s) return 'program';
    if (s.kind === 'stub') return 'stub';
    if (s.kind === 'trampoline') return 'trampoline';
    if (s.kind === 'host') return 'host';
    if (s.graph.startsWith(RUNTIME_NAME_PREFIX)) return 'runtime';
    return 'program';
  }

  /** `main.c:14` for an address with a line (a return address: pass the call's address). */
  private line(address: number | undefined): string | undefined {
    if (address === undefined) return undefined;
    const l = this.sources.lineAt(address);
    return l ? `${l.file.slice(l.file.lastIndexOf('/') + 1)}:${l.line}` : undefined;
  }

  private lineText(address: number | undefined): string {
    const l = this.line(address);
    return l ? ` (${l})` : '';
  }

  private async position(): Promise<Position> {
    const r = await this.control.registers();
    const word = (await this.control.readWord(r.pc)) ?? 0;
    return { pc: r.pc, word, x: r.x.map((v) => BigInt.asUintN(64, v)), sp: Number(r.sp) };
  }

  private x(p: Position, n: number): number {
    return Number(p.x[n] ?? 0n);
  }

  private async u64(address: number): Promise<number | undefined> {
    try {
      return Number(await this.control.readU64(address));
    } catch {
      return undefined;
    }
  }

  private async words(address: number, count: number): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const w = await this.control.readWord(address + 4 * i);
      out.push(w === undefined ? '?' : this.control.disassembleWord(w, address + 4 * i).replace('\t', ' '));
    }
    return out;
  }

  private async cString(address: number): Promise<string | undefined> {
    try {
      const b = await this.control.session.readMemory(address, 48);
      const end = b.indexOf(0);
      if (end <= 0) return undefined;
      const s = new TextDecoder().decode(b.subarray(0, end));
      return /^[\x20-\x7e]+$/.test(s) ? s : undefined;
    } catch {
      return undefined;
    }
  }

  private async argText(p: Position): Promise<string> {
    const x0 = this.x(p, 0);
    const s = x0 > 0xfff ? await this.cString(x0) : undefined;
    return s === undefined ? `x0 = ${hex(x0)}` : `x0 = ${hex(x0)} ("${s}")`;
  }

  private resolved(t: TourTarget, pointerValue: number | undefined): boolean {
    return pointerValue !== undefined && pointerValue !== t.trampoline;
  }

  // ---- moving ----------------------------------------------------------------------------------

  /** Moves to the next phase. Returns the event the program stopped (or ended) with, if it moved. */
  async advance(): Promise<DebugEvent | undefined> {
    if (this.dirty) await this.resync();
    const want = this.next;
    if (want === 'done') return undefined;
    if (want === 'redirect') {
      // No move: the pointer write happened inside the dispatch step, after the link.
      this.setPhase(await this.describeRedirect());
      return undefined;
    }
    const ev = want === 'call' || want === 'call2' ? await this.findCall(want === 'call') : await this.stepToPhase();
    return ev;
  }

  /** After other moves: the walk's place from the target's state and where pc is. */
  private async resync(): Promise<void> {
    this.dirty = false;
    this.partial = true;
    const t = this.target;
    if (!t) {
      // Stopped by hand inside a first call's stub or trampoline: the walk follows that call.
      const p = await this.position();
      this.next = 'call';
      for (const r of await this.control.stubTable()) {
        if (r.resolved || r.stub === undefined || r.pointer === undefined) continue;
        const inStub = p.pc >= r.stub && p.pc < r.stub + 12;
        const inTrampoline = p.pc >= r.trampoline && p.pc < r.trampoline + 8;
        if (!inStub && !inTrampoline) continue;
        this.target = {
          alias: r.info.name,
          bodyName: r.info.bodyName,
          jd: r.info.jd.name,
          stub: r.stub,
          pointer: r.pointer,
          trampoline: r.trampoline,
        };
        this.counts = new Map();
        this.hostCalls = [];
        this.next = inTrampoline ? 'reenter' : isBr(p.word) ? 'trampoline' : 'pointer';
      }
      return;
    }
    const p = await this.position();
    const ptr = await this.u64(t.pointer);
    const cat = this.category(p.pc);
    if (!this.resolved(t, ptr)) {
      // Inside the first call (stub, trampoline, runtime) the stepping goes on; elsewhere, start again.
      if (cat === 'program') {
        this.target = undefined;
        this.next = 'call';
      } else if (PHASE_IDS.indexOf(this.next) > PHASE_IDS.indexOf('restored')) this.next = 'stub';
      return;
    }
    t.body ??= ptr;
    if (cat === 'runtime' && PHASE_IDS.indexOf(this.next) <= PHASE_IDS.indexOf('restored')) {
      if (PHASE_IDS.indexOf(this.next) < PHASE_IDS.indexOf('restored')) this.next = 'restored';
      return;
    }
    if (this.next !== 'stub2' && this.next !== 'body2' && this.next !== 'done') this.next = 'call2';
  }

  private setPhase(p: Omit<Phase, 'index' | 'step'>): void {
    this.index++;
    const step = p.id === 'done' || p.id === 'start' ? 0 : PHASE_IDS.indexOf(p.id);
    this.phase = { ...p, index: this.index, step };
    const i = PHASE_IDS.indexOf(p.id);
    this.next = PHASE_IDS[Math.min(i + 1, PHASE_IDS.length - 1)] as PhaseId;
    this.eventMark = this.control.events.length;
    this.writeMark = this.pointerWrites.length;
    this.linkMark = this.linked.length;
  }

  /** The walk is over (or cannot go on); the phase says why. */
  private finish(title: string, text: string[]): void {
    this.index++;
    this.phase = { index: this.index, id: 'done', step: 0, title, text };
    this.next = 'done';
  }

  /** Code addresses of `bl` instructions whose target is one of `stubs`, in linked program code. */
  private async callSites(stubs: ReadonlySet<number>): Promise<Map<number, number>> {
    const sites = new Map<number, number>();
    for (const s of this.control.symbols.all()) {
      if (s.kind !== 'code' || s.size <= 0 || s.size > 1 << 20 || s.graph.startsWith(RUNTIME_NAME_PREFIX)) continue;
      let b: Uint8Array;
      try {
        b = await this.control.session.readMemory(s.address, s.size & ~3);
      } catch {
        continue;
      }
      const dv = new DataView(b.buffer, b.byteOffset, b.length);
      for (let i = 0; i + 4 <= b.length; i += 4) {
        const w = dv.getUint32(i, true);
        if (!isBl(w)) continue;
        const t = blTarget(w, s.address + i);
        if (stubs.has(t)) sites.set(s.address + i, t);
      }
    }
    return sites;
  }

  /**
   * The first (or second) call: continues to a `bl` to a stub not redirected yet (or to the
   * target's stub) or, for calls through a register or from code linked meanwhile, to the stub.
   */
  private async findCall(first: boolean): Promise<DebugEvent | undefined> {
    const rows = await this.control.stubTable();
    const candidates = rows.filter((r) =>
      first ? !r.resolved && r.stub !== undefined && r.pointer !== undefined : r.stub === this.target?.stub,
    );
    if (candidates.length === 0) {
      this.finish(
        first ? 'No lazy call left' : 'No second call',
        first
          ? [
              'Every lazy function of this link has been called already, or none is lazy: no stub still points at a trampoline.',
            ]
          : ['The walk has no target.'],
      );
      return undefined;
    }
    const byStub = new Map(candidates.map((r) => [r.stub as number, r]));
    const sites = await this.callSites(new Set(byStub.keys()));
    const addresses = new Set<number>([...sites.keys(), ...byStub.keys()]);
    const bps: number[] = [];
    try {
      for (const a of addresses) bps.push((await this.control.addBreakpoint(`*${hex(a)}`)).id);
      for (;;) {
        const ev = await this.control.go({ kind: 'continue' });
        if (ev.kind !== 'stop') {
          this.finish(
            first ? 'The program ended' : 'The program ended before a second call',
            first
              ? ['The program ended without calling a lazy function.']
              : [`The program ended without calling ${this.target?.alias} again.`],
          );
          return ev;
        }
        if (ev.reason.kind !== 'breakpoint') return ev;
        const p = await this.position();
        const site = sites.get(p.pc);
        const row = byStub.get(site ?? p.pc);
        if (!row) return ev;
        const ptr = row.pointer === undefined ? undefined : await this.u64(row.pointer);
        if (first && ptr !== row.trampoline) continue; // redirected meanwhile: not a first call any more
        if (first)
          this.target = {
            alias: row.info.name,
            bodyName: row.info.bodyName,
            jd: row.info.jd.name,
            stub: row.stub as number,
            pointer: row.pointer as number,
            trampoline: row.trampoline,
          };
        const t = this.target as TourTarget;
        this.counts = new Map();
        this.hostCalls = [];
        this.partial = false;
        t.callerSp = p.sp;
        if (site !== undefined) {
          t.callSite = p.pc;
          t.returnAddress = p.pc + 4;
          this.setPhase(await this.describeCall(p, first, ptr));
        } else {
          // Reached the stub without a `bl` we knew of: a call through a register, or from code
          // linked after the search began. x30 says where from.
          t.callSite = this.x(p, 30) - 4;
          t.returnAddress = this.x(p, 30);
          this.counts.set('program', 1);
          this.setPhase(first ? await this.describeStub(p) : await this.describeCall(p, false, ptr));
          this.phase.text.unshift(`(Reached ${t.alias}'s stub directly: the call came from ${this.name(t.callSite)}.)`);
        }
        return ev;
      }
    } finally {
      if (bps.length > 0) this.control.deleteBreakpoints(bps);
    }
  }

  /** Single steps until the machine is at a phase of the walk at or after `this.next`. */
  private async stepToPhase(): Promise<DebugEvent | undefined> {
    const t = this.target;
    if (!t) {
      this.next = 'call';
      return this.findCall(true);
    }
    let p = await this.position();
    let ev: DebugEvent | undefined;
    const second = this.next === 'stub2' || this.next === 'body2';
    const stubEnd = t.stub + 12;
    const inStub = (pc: number): boolean => pc >= t.stub && pc < stubEnd;
    for (let n = 0; n < STEP_BUDGET; n++) {
      const prev = p;
      const cat = this.category(prev.pc);
      this.counts.set(cat, (this.counts.get(cat) ?? 0) + 1);
      const callsGate = isBl(prev.word)
        ? blTarget(prev.word, prev.pc)
        : isBlr(prev.word)
          ? this.x(prev, regField(prev.word))
          : undefined;
      const gate = callsGate !== undefined && this.control.gates.has(callsGate) ? callsGate : undefined;
      if (gate !== undefined) this.hostCalls.push(this.control.symbolize(gate) ?? hex(gate));
      if (t.routine && this.sym(prev.pc) === t.routine) {
        // What the routine saves and restores, read off the instructions it runs.
        const text = this.control.disassembleWord(prev.word, prev.pc).replace('\t', ' ');
        const m = /^(st|ld)[pr]\s+(\w+)(?:,\s*(\w+))?,\s*\[sp/.exec(text);
        const regs = m ? [m[2], m[3]].filter((r): r is string => r !== undefined) : [];
        if (m?.[1] === 'st' && PHASE_IDS.indexOf(this.next) <= PHASE_IDS.indexOf('saved')) {
          this.stores.push(...regs);
          this.storeCount++;
        } else if (m?.[1] === 'ld' && this.next === 'restored') {
          this.loads.push(...regs);
          this.loadCount++;
        }
      }
      ev = await this.control.go({ kind: 'stepi', count: 1 });
      if (ev.kind !== 'stop') {
        this.finish('The program ended', [`The program ended during the walk (${ev.kind}).`]);
        return ev;
      }
      if (ev.reason.kind === 'fault') {
        this.finish('Fault', [`The program faulted: ${ev.reason.message}`]);
        return ev;
      }
      p = await this.position();
      const found = await this.match(t, prev, p, gate, second, inStub);
      if (found) {
        this.setPhase(found);
        return ev;
      }
    }
    this.finish('Lost', [`No phase of the walk within ${STEP_BUDGET} instructions; use Run or the other moves.`]);
    return ev;
  }

  /** The phase the machine is at after one step from `prev` to `p`, if any (the expected one or a later one). */
  private async match(
    t: TourTarget,
    prev: Position,
    p: Position,
    gate: number | undefined,
    second: boolean,
    inStub: (pc: number) => boolean,
  ): Promise<Omit<Phase, 'index' | 'step'> | undefined> {
    const at = PHASE_IDS.indexOf(this.next);
    const later = (id: PhaseId): boolean => PHASE_IDS.indexOf(id) >= at;
    if (second) {
      if (later('stub2') && inStub(p.pc) && isBr(p.word)) return this.describePointer(p, true);
      if (t.body !== undefined && p.pc === t.body) return this.describeBody(p, true);
      return undefined;
    }
    if (gate === this.control.session.bootstrap.jitDispatch && later('link')) return this.describeLink(p);
    if (later('stub') && p.pc === t.stub && !inStub(prev.pc)) return this.describeStub(p);
    if (later('pointer') && inStub(p.pc) && isBr(p.word)) return this.describePointer(p, false);
    if (later('trampoline') && p.pc === t.trampoline) return this.describeTrampoline(p);
    if (later('reenter') && prev.pc >= t.trampoline && prev.pc < t.trampoline + 8 && isBl(prev.word)) {
      t.routine = this.sym(p.pc);
      t.spAtRoutine = p.sp;
      this.stores = [];
      this.storeCount = 0;
      this.loads = [];
      this.loadCount = 0;
      return this.describeReenter(p);
    }
    const inRoutine = t.routine !== undefined && this.sym(p.pc) === t.routine;
    if (later('saved') && at <= PHASE_IDS.indexOf('saved') && inRoutine && (isBl(p.word) || isBlr(p.word)))
      return this.describeSaved(p);
    if (later('dispatch') && at <= PHASE_IDS.indexOf('dispatch')) {
      const target = isBl(p.word) ? blTarget(p.word, p.pc) : isBlr(p.word) ? this.x(p, regField(p.word)) : undefined;
      if (target !== undefined && target === this.control.session.bootstrap.jitDispatch)
        return this.describeDispatch(p);
    }
    if (later('restored') && inRoutine && isBr(p.word) && PHASE_IDS.indexOf(this.next) > PHASE_IDS.indexOf('redirect'))
      return this.describeRestored(p);
    if (t.body !== undefined && p.pc === t.body) return this.describeBody(p, false);
    return undefined;
  }

  // ---- the phases' text ------------------------------------------------------------------------

  describeStart(pc: number, lazyObjects: readonly string[], rows: { alias: string; resolved: boolean }[]): void {
    const pending = rows.filter((r) => !r.resolved).map((r) => r.alias);
    this.phase = {
      index: 0,
      id: 'start',
      step: 0,
      title: 'Program start',
      text: [
        `The program is stopped at its first instruction, ${this.name(pc)}${this.lineText(pc)}.`,
        pending.length > 0
          ? `${pending.length} lazy function${pending.length > 1 ? 's have a stub' : ' has a stub'} (${pending.join(', ')}) whose pointer holds a reentry trampoline: ${
              lazyObjects.length > 0
                ? `${lazyObjects.join(', ')} ${lazyObjects.length > 1 ? 'are' : 'is'} not linked yet`
                : 'their objects are not linked yet'
            }. Next phase runs to the first call of one of them.`
          : 'No lazy function here: mark an object lazy to see a first call.',
      ],
    };
    this.index = 0;
    this.next = 'call';
    this.eventMark = this.control.events.length;
    this.writeMark = this.pointerWrites.length;
    this.linkMark = this.linked.length;
  }

  private async describeCall(
    p: Position,
    first: boolean,
    ptr: number | undefined,
  ): Promise<Omit<Phase, 'index' | 'step'>> {
    const t = this.target as TourTarget;
    const ins = this.control.disassembleWord(p.word, p.pc).replace('\t', ' ');
    const where = this.line(p.pc);
    const from = this.sym(p.pc)?.name ?? hex(p.pc);
    if (first)
      return {
        id: 'call',
        title: `The call: ${from} calls ${t.alias}`,
        text: [
          `${where ? `${where}: ` : ''}${from} calls ${t.alias} with \`${ins}\` at ${hex(p.pc)}.`,
          `${t.alias} is lazy: its code (${t.bodyName}) is not linked. The address the call goes to, ${hex(t.stub)}, is ${t.alias}'s stub, which JITDylib ${t.jd} defined in its place when the program was linked.`,
          `The stub's pointer ${t.alias}$__stub_ptr (${hex(t.pointer)}) holds ${ptr === undefined ? '?' : this.name(ptr)}: nothing has been resolved yet.`,
        ],
      };
    return {
      id: 'call2',
      title: `The second call of ${t.alias}`,
      text: [
        `${where ? `${where}: ` : ''}${from} calls ${t.alias} again: \`${ins}\`, the same stub address ${hex(t.stub)}: the caller's code was not changed by the lazy link.`,
        `What changed is the stub's pointer: ${t.alias}$__stub_ptr (${hex(t.pointer)}) now holds ${ptr === undefined ? '?' : this.name(ptr)}.`,
      ],
    };
  }

  private async describeStub(p: Position): Promise<Omit<Phase, 'index' | 'step'>> {
    const t = this.target as TourTarget;
    const code = await this.words(t.stub, 3);
    return {
      id: 'stub',
      title: `The stub of ${t.alias}`,
      text: [
        `pc = ${hex(p.pc)}, ${t.alias}'s stub: ${code.map((c) => `\`${c}\``).join(', ')}. It jumps to whatever its pointer holds; the stub itself never changes.`,
        `x30 = ${this.name(this.x(p, 30))}${this.lineText(this.x(p, 30) - 4)}: the return address the bl left, so the function reached through the stub returns straight to the caller.`,
      ],
    };
  }

  private async describePointer(p: Position, second: boolean): Promise<Omit<Phase, 'index' | 'step'>> {
    const t = this.target as TourTarget;
    const reg = regField(p.word);
    const v = this.x(p, reg);
    const ptr = await this.u64(t.pointer);
    const agrees = ptr === v ? '' : ` (the pointer now holds ${ptr === undefined ? '?' : hex(ptr)})`;
    if (second) {
      const n = [...this.counts.values()].reduce((a, b) => a + b, 0);
      return {
        id: 'stub2',
        title: `Straight through the stub: x${reg} = ${this.control.symbolize(v) ?? hex(v)}`,
        text: [
          `The stub loaded its pointer ${t.alias}$__stub_ptr (${hex(t.pointer)}): x${reg} = ${this.name(v)}${agrees}. \`br x${reg}\` goes to the body: no trampoline, no runtime, no host.`,
          `${n} instructions since the call.`,
        ],
      };
    }
    return {
      id: 'pointer',
      title: `The pointer load: x${reg} = ${this.control.symbolize(v) ?? hex(v)}`,
      text: [
        `The stub loaded its pointer ${t.alias}$__stub_ptr (${hex(t.pointer)}): x${reg} = ${this.name(v)}${agrees}.`,
        v === t.trampoline
          ? `${t.alias} has never been called, so the pointer still holds its reentry trampoline: \`br x${reg}\` goes there, not to ${t.bodyName}.`
          : `The pointer no longer holds the trampoline (${hex(t.trampoline)}).`,
      ],
    };
  }

  private async describeTrampoline(p: Position): Promise<Omit<Phase, 'index' | 'step'>> {
    const t = this.target as TourTarget;
    const code = await this.words(t.trampoline, 2);
    return {
      id: 'trampoline',
      title: `The reentry trampoline of ${t.alias}`,
      text: [
        `pc = ${this.name(p.pc)}: 2 instructions made for ${t.alias} alone: ${code.map((c) => `\`${c}\``).join(', ')}.`,
        `The first pushes the caller's frame record (x29 = ${hex(this.x(p, 29))}, x30 = ${this.name(this.x(p, 30))}); the bl will set x30 = ${hex(t.trampoline + 8)}, the trampoline's own address + 8: that is how the shared reentry routine learns which function was called.`,
      ],
    };
  }

  private async describeReenter(p: Position): Promise<Omit<Phase, 'index' | 'step'>> {
    const t = this.target as TourTarget;
    const lr = this.x(p, 30);
    const pairX29 = await this.u64(p.sp);
    const pairX30 = await this.u64(p.sp + 8);
    const routine = t.routine?.name ?? hex(p.pc);
    return {
      id: 'reenter',
      title: `bl into the reentry routine ${routine}`,
      text: [
        `The trampoline's bl entered ${this.name(p.pc)}, the one routine every lazy function's trampoline calls.`,
        `x30 = ${hex(lr)} = T + 8, so x30 − 8 = ${hex(lr - 8)} = ${this.control.symbolize(lr - 8) ?? '?'}: the routine knows it is ${t.alias}'s first call.`,
        `At sp = ${hex(p.sp)} the trampoline's pair: x29 = ${pairX29 === undefined ? '?' : hex(pairX29)}, x30 = ${pairX30 === undefined ? '?' : this.name(pairX30)}${this.lineText(pairX30 === undefined ? undefined : pairX30 - 4)}, a frame record that keeps the caller in backtraces.`,
      ],
    };
  }

  private async describeSaved(p: Position): Promise<Omit<Phase, 'index' | 'step'>> {
    const t = this.target as TourTarget;
    const frame = (t.spAtRoutine ?? p.sp) - p.sp;
    const target = isBl(p.word) ? blTarget(p.word, p.pc) : this.x(p, regField(p.word));
    const x0 = this.x(p, 0);
    return {
      id: 'saved',
      title: 'Registers saved',
      text: [
        `${this.storeCount} store instructions saved ${registerRanges(this.stores)} in a ${frame}-byte frame (sp ${hex(t.spAtRoutine ?? p.sp)} → ${hex(p.sp)}).`,
        `They hold the call's arguments (x0–x7, q0–q7) and every register the body may expect intact: the host's work must not change what ${t.alias}'s body will see.`,
        `x0 = ${hex(x0)}${x0 === t.trampoline ? ' = T (x30 − 8)' : ''}, the argument of \`${this.control.disassembleWord(p.word, p.pc).replace('\t', ' ')}\` into ${this.control.symbolize(target) ?? hex(target)}.`,
      ],
    };
  }

  private async describeDispatch(p: Position): Promise<Omit<Phase, 'index' | 'step'>> {
    const t = this.target as TourTarget;
    const x2 = this.x(p, 2);
    const x3 = this.x(p, 3);
    const arg = x3 === 8 ? await this.u64(x2) : undefined;
    return {
      id: 'dispatch',
      title: 'JIT dispatch into the host',
      text: [
        `${this.sym(p.pc)?.name ?? '?'} calls the JIT dispatch gate ${this.name(this.control.session.bootstrap.jitDispatch)}: x0 = ${this.name(this.x(p, 0))}, x1 = ${this.name(this.x(p, 1))} (the tag that selects the resolve handler), x2 = ${hex(x2)} → ${x3} bytes${arg === undefined ? '' : ` = ${hex(arg)}${arg === t.trampoline ? ` (T, ${t.alias}'s trampoline)` : ''}`}.`,
        'The gate leaves the emulated program: the next step runs in the host, where ORC resolves the trampoline to its body.',
      ],
    };
  }

  private async describeLink(p: Position): Promise<Omit<Phase, 'index' | 'step'>> {
    const t = this.target as TourTarget;
    const events = this.control.events.slice(this.eventMark);
    this.linkPhaseWrites = this.pointerWrites.slice(this.writeMark);
    const graphs = this.linked
      .slice(this.linkMark)
      .filter((g) => !g.name.startsWith('<') && !g.name.startsWith('__orc') && !g.name.startsWith(RUNTIME_NAME_PREFIX));
    const lookup = events.find((e) => e.kind === 'lookup');
    const reentry = events.find((e) => e.kind === 'reentry');
    const fail = events.find((e) => e.kind === 'fail');
    const text: string[] = [];
    if (reentry) text.push(`The host's resolve handler: ${reentry.text}.`);
    if (lookup) text.push(`Lookup: ${lookup.text}.`);
    for (const g of graphs) {
      const secs = g.graph.sections
        .filter((s) => s.elfIndex >= 0 && s.blocks.some((b) => b.address !== 0))
        .map((s) => `${s.name} at ${hex(Math.min(...s.blocks.filter((b) => b.address !== 0).map((b) => b.address)))}`);
      text.push(`Link of ${g.name}: ${secs.join(', ')}.`);
    }
    if (graphs.length === 0 && !fail)
      text.push(
        `No object was linked: the body's object was already linked (by an earlier first call of another of its functions).`,
      );
    if (fail) text.push(`The lookup failed: ${fail.text}.`);
    text.push(
      `All of this happened inside the one step over the bl: the emulated program ran no instruction meanwhile, and pc is now at the return address ${this.name(p.pc)}. The same host call then wrote the stub pointer: the next phase.`,
    );
    const title =
      graphs.length > 0 ? `Lookup, link of ${graphs.map((g) => g.name).join(', ')}` : `Lookup of ${t.bodyName}`;
    return { id: 'link', title, text, beforeRedirect: true };
  }

  private async describeRedirect(): Promise<Omit<Phase, 'index' | 'step'>> {
    const t = this.target as TourTarget;
    const writes = this.linkPhaseWrites;
    const mine = writes.find((w) => w.address === t.pointer);
    if (mine) t.body = mine.value;
    const p = await this.position();
    const size = this.x(p, 1);
    const answer =
      size > 8
        ? await this.control.session.readMemory(this.x(p, 0), Math.min(size, 16)).catch(() => undefined)
        : undefined;
    const text = writes.map(
      (w) => `${this.control.symbolize(w.address) ?? '?'} (${hex(w.address)}) := ${this.name(w.value)}`,
    );
    return {
      id: 'redirect',
      title: mine
        ? `Stub pointer redirected to ${this.control.symbolize(mine.value) ?? hex(mine.value)}`
        : 'No redirect',
      text: [
        mine
          ? `The host wrote the stub pointer: ${text.join('; ')}. From now on ${t.alias}'s stub jumps straight to the body.`
          : 'The host wrote no pointer for this stub.',
        `The gate's answer, in x0/x1: x1 = ${size} bytes at x0 = ${hex(this.x(p, 0))}${answer ? ` (${[...answer].map((b) => b.toString(16).padStart(2, '0')).join(' ')}${answerText(answer)})` : ''}; the routine jumps to the address once it has restored the registers.`,
      ],
    };
  }

  private async describeRestored(p: Position): Promise<Omit<Phase, 'index' | 'step'>> {
    const t = this.target as TourTarget;
    const reg = regField(p.word);
    const to = this.x(p, reg);
    const lr = this.x(p, 30);
    const spBack = t.callerSp === p.sp ? ` = the caller's sp at the call` : '';
    return {
      id: 'restored',
      title: 'Registers restored',
      text: [
        `${this.loadCount > 0 ? `${this.loadCount} load instructions restored ${registerRanges(this.loads)}` : 'The registers were restored'}; sp = ${hex(p.sp)}${spBack}.`,
        `x30 = ${this.name(lr)}${this.lineText(lr - 4)}: the caller's return address, popped from the trampoline's pair. x${reg} = ${this.name(to)}: \`br x${reg}\` enters the body, which will return straight to the caller.`,
      ],
    };
  }

  private async describeBody(p: Position, second: boolean): Promise<Omit<Phase, 'index' | 'step'>> {
    const t = this.target as TourTarget;
    const total = [...this.counts.values()].reduce((a, b) => a + b, 0);
    const parts = (['program', 'stub', 'trampoline', 'runtime'] as const)
      .filter((c) => (this.counts.get(c) ?? 0) > 0)
      .map((c) => `${this.counts.get(c)} ${c === 'program' ? 'in the caller (the bl)' : `in the ${c}`}`);
    const hosts =
      this.hostCalls.length > 0
        ? `, and ${this.hostCalls.length} host call${this.hostCalls.length > 1 ? 's' : ''} (${this.hostCalls.join(', ')})`
        : '';
    const where = this.line(p.pc);
    const since = this.partial ? 'from where the walk picked the call up' : 'after the call';
    if (second)
      return {
        id: 'body2',
        title: `The body, directly: ${this.control.symbolize(p.pc) ?? hex(p.pc)}`,
        text: [
          `pc = ${this.name(p.pc)}${where ? `, ${where}` : ''}: ${total} instructions ${since} (${parts.join(', ')})${hosts}.`,
          `The second call cost a stub's indirect jump; the first took the trampoline, the reentry routine, the host's lookup and link.`,
        ],
      };
    return {
      id: 'body',
      title: `The body: ${this.control.symbolize(p.pc) ?? hex(p.pc)}`,
      text: [
        `pc = ${this.name(p.pc)}${where ? `, ${where}` : ''}: ${t.alias}'s code, at last. ${await this.argText(p)} as the caller passed it.`,
        this.partial
          ? `${total} instructions ${since} (${parts.join(', ')})${hosts}.`
          : `The first call took ${total} instructions from the bl to here (${parts.join(', ')})${hosts}.`,
      ],
    };
  }
}
