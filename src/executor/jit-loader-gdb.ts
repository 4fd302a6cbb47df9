/**
 * The executor's half of the GDB JIT interface (what LLVM keeps in the executor process as
 * TargetProcess/JITLoaderGDB): `__jit_debug_descriptor` and `__jit_debug_register_code` in emulated
 * memory, the function a real AArch64 `ret` that gdb keeps its internal breakpoint on.
 *
 * The controller (src/orc/platform/jit-debug.ts) writes each linked object's debug object and a
 * `jit_code_entry` into executor memory and appends the entry to a pending chain (a word at
 * JIT_LOADER.pending, then each entry's word at +32). Publishing happens here, in emulated code, on
 * the emulated thread that caused the link, as an in-process JIT registers on the thread that
 * compiled: `__orc_rt_jit_debug_notify` loops over a host gate that links the next pending entry
 * into the descriptor's list and sets action/relevant_entry, and calls `__jit_debug_register_code`
 * once per entry, so gdb's breakpoint fires once per object with the descriptor describing it.
 *
 * Where it runs: as the first initializer of a run (the objects linked before the program starts),
 * and on the way back from a JIT dispatch that linked something (the dispatch gate returns into
 * `notify_from_gate`, which restores the return address from x17 and calls nothing the caller can
 * see: x16, x17 and x30 are not preserved across a call by the AAPCS64). Not inside host →
 * emulated callbacks (qsort comparators, exit handlers): nothing can stop there, so the entries
 * wait for the next dispatch return or run start.
 */
import type { Engine } from '../emu/engine.ts';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../emu/engine.ts';
import type { ExecutorSymbol } from '../protocol/epc.ts';
import { JITSymbolFlags } from '../protocol/symbols.ts';

/** Addresses of the loader (a code page, a data page) and of the controller's debug-object area. */
export const JIT_LOADER = {
  code: 0x0e40_0000,
  data: 0x0e40_1000,
  /** __jit_debug_descriptor (gdb/jit.h: u32 version, u32 action_flag, entry *relevant, entry *first). */
  descriptor: 0x0e40_1000,
  /** Head of the pending chain (u64; 0 = empty); written by the controller. */
  pending: 0x0e40_1020,
  /** Debug objects and entries (the controller reserves pages here as it needs them). */
  objectsBegin: 0x0e50_0000,
  objectsEnd: 0x0f00_0000,
} as const;

/** Offset of the pending-chain link after a jit_code_entry's 32 bytes. */
export const JIT_ENTRY_PENDING_LINK = 32;
/** Bytes the controller allocates per entry (jit_code_entry + the pending link). */
export const JIT_ENTRY_ALLOCATION = 40;

export const JIT_REGISTER_CODE_SYMBOL = '__jit_debug_register_code';
export const JIT_DESCRIPTOR_SYMBOL = '__jit_debug_descriptor';
export const JIT_NOTIFY_SYMBOL = '__orc_rt_jit_debug_notify';
export const JIT_PENDING_SYMBOL = '__orc_rt_jit_debug_pending';

const REGISTER_CODE = JIT_LOADER.code;
const NOTIFY_FROM_GATE = JIT_LOADER.code + 0x08;
const NOTIFY = JIT_LOADER.code + 0x0c;
const NEXT_GATE = JIT_LOADER.code + 0x40;

const RET = 0xd65f03c0;
const bl = (from: number, to: number): number => (0x94000000 | (((to - from) >> 2) & 0x3ffffff)) >>> 0;
const b = (from: number, to: number): number => (0x14000000 | (((to - from) >> 2) & 0x3ffffff)) >>> 0;
const cbzX16 = (from: number, to: number): number => (0xb4000000 | ((((to - from) >> 2) & 0x7ffff) << 5) | 16) >>> 0;

/** The code page's words from JIT_LOADER.code on (checked against llvm-mc in tests/gdb). */
export function jitLoaderCode(): Uint32Array {
  const words = new Uint32Array(0x44 / 4).fill(0xd503201f); // nop
  const at = (address: number, word: number): void => {
    words[(address - JIT_LOADER.code) / 4] = word;
  };
  at(REGISTER_CODE, RET);
  at(NOTIFY_FROM_GATE, 0xaa1103fe); // mov x30, x17
  const loop = NOTIFY + 8;
  const done = NOTIFY + 24;
  at(NOTIFY, 0xa9bf7bfd); // stp x29, x30, [sp, #-16]!
  at(NOTIFY + 4, 0x910003fd); // mov x29, sp
  at(loop, bl(loop, NEXT_GATE)); // bl next-gate: x16 = 1 when one more entry was published
  at(loop + 4, cbzX16(loop + 4, done));
  at(loop + 8, bl(loop + 8, REGISTER_CODE)); // bl __jit_debug_register_code
  at(loop + 12, b(loop + 12, loop));
  at(done, 0xa8c17bfd); // ldp x29, x30, [sp], #16
  at(done + 4, RET);
  at(NEXT_GATE, RET);
  return words;
}

const u64 = (v: number): Uint8Array => {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(v), true);
  return out;
};

export class JitLoaderGdb {
  /** The last entry published (the pending chain goes on from its link word). */
  private published = 0;
  private first = 0;
  /** Entries published so far (tests, stats). */
  count = 0;

  constructor(private readonly engine: Engine) {}

  install(): void {
    const e = this.engine;
    e.memMap(JIT_LOADER.code, 0x1000, PROT_READ | PROT_WRITE);
    e.memWrite(JIT_LOADER.code, new Uint8Array(jitLoaderCode().buffer));
    e.memProtect(JIT_LOADER.code, 0x1000, PROT_READ | PROT_EXEC);
    e.memMap(JIT_LOADER.data, 0x1000, PROT_READ | PROT_WRITE);
    const d = new Uint8Array(24);
    d[0] = 1; // version 1, JIT_NOACTION, no entries
    e.memWrite(JIT_LOADER.descriptor, d);
    e.addHostGate(NEXT_GATE, (eng) => {
      eng.setX(16, this.publishNext() ? 1n : 0n);
      return undefined;
    });
  }

  get symbols(): ExecutorSymbol[] {
    const fn = JITSymbolFlags.Exported | JITSymbolFlags.Callable;
    return [
      { name: JIT_REGISTER_CODE_SYMBOL, address: REGISTER_CODE, flags: fn },
      { name: JIT_NOTIFY_SYMBOL, address: NOTIFY, flags: fn },
      { name: '__orc_rt_jit_debug_next', address: NEXT_GATE, flags: fn },
      { name: JIT_DESCRIPTOR_SYMBOL, address: JIT_LOADER.descriptor, flags: JITSymbolFlags.Exported },
      { name: JIT_PENDING_SYMBOL, address: JIT_LOADER.pending, flags: JITSymbolFlags.Exported },
    ];
  }

  isGate(address: number): boolean {
    return address === NEXT_GATE;
  }

  private readU64(address: number): number {
    return Number(new DataView(this.engine.memRead(address, 8).buffer).getBigUint64(0, true));
  }

  private nextPending(): number {
    return this.readU64(this.published === 0 ? JIT_LOADER.pending : this.published + JIT_ENTRY_PENDING_LINK);
  }

  /** True when the controller appended entries not yet published. */
  hasPending(): boolean {
    return this.nextPending() !== 0;
  }

  /**
   * Where a program that starts at its entry with nothing after (a Linux process at `_start`)
   * starts instead while entries are pending: the notify routine, which returns (x30) to the entry
   * with the stack and argument registers as they were. Undefined when nothing is pending.
   */
  startAddress(): number | undefined {
    return this.hasPending() ? NOTIFY : undefined;
  }

  /**
   * At a JIT dispatch gate's return (result registers written, pc about to become x30): when
   * something is pending, return through `__orc_rt_jit_debug_notify` instead.
   */
  redirectReturn(engine: Engine): void {
    if (!this.hasPending()) return;
    engine.setX(17, engine.getX(30));
    engine.setX(30, BigInt(NOTIFY_FROM_GATE));
  }

  /** Links the next pending entry at the head of the descriptor's list; false when none. */
  private publishNext(): boolean {
    const entry = this.nextPending();
    if (entry === 0) return false;
    const e = this.engine;
    // entry.next = old first, entry.prev = 0; old first.prev = entry (gdb/jit.h order, LLVM's too).
    e.memWrite(entry, u64(this.first));
    e.memWrite(entry + 8, u64(0));
    if (this.first !== 0) e.memWrite(this.first + 8, u64(entry));
    this.first = entry;
    const d = new Uint8Array(24);
    const dv = new DataView(d.buffer);
    dv.setUint32(0, 1, true);
    dv.setUint32(4, 1, true); // JIT_REGISTER_FN
    dv.setBigUint64(8, BigInt(entry), true);
    dv.setBigUint64(16, BigInt(entry), true);
    e.memWrite(JIT_LOADER.descriptor, d);
    this.published = entry;
    this.count++;
    return true;
  }
}
