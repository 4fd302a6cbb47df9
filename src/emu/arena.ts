/**
 * Guest pages in one WebAssembly memory, so that translated WebAssembly regions (ts/jit/wasm.ts)
 * can load and store guest memory themselves. A Memory moves its pages here when its engine first
 * compiles such a region (Memory.useArena); until then, and wherever WebAssembly is not available,
 * each page owns a separate buffer.
 *
 * Layout: a header, then 4 KiB page slots.
 * - XLO_AT / XHI_AT: the low and high int32 halves of X0..X30, SP and the zero registers, as
 *   CpuState's xlo and xhi (34 each); N Z C V as i32 at FLAGS_AT; a region's exit at EXIT_AT, and
 *   for a BR that left it, the target (i64) at DYN_PC_AT and its block at DYN_FROM_AT
 *   (ts/jit/wasm.ts). In a shared memory (below) CpuState's xlo and xhi are these very words, so a
 *   region reads and writes the registers where the interpreter does; else they are copied in and
 *   out around each call.
 * - READ_TAGS / WRITE_TAGS: a copy of Memory's fast read and write TLBs for WebAssembly: entry i
 *   holds the page number (an f64, -1 when empty) and, at READ_OFFS / WRITE_OFFS, the byte offset of
 *   that page's slot. An entry is only ever set together with Memory's own entry and cleared with
 *   it, so it carries the same promise (the access is allowed, no observer, no code in a written
 *   page) and holds only pages that live in the arena.
 * - V_AT: V0..V31 (16 bytes each) for a region that uses SIMD&FP registers, copied in and out
 *   around its call; FPSR_OR_AT: the FPSR bits its instructions raised (i32, ORed into FPSR after
 *   the call); FP_RN_AT: 1 when FPCR rounds to nearest (its floating-point fast paths need it).
 * - BOUNCE_AT: BOUNCE_BYTES where a region's access that crosses into the next page goes
 *   (Memory.fastSlot copies a load's bytes there first, Memory.flushBounce a store's out after).
 *
 * The memory is shared (a SharedArrayBuffer) where the host allows it: growing it leaves the views
 * made before valid (they keep covering what they covered), which the registers need. Otherwise
 * growing detaches the buffer. Either way every page's views are made again over the new buffer
 * and `onGrow` (Memory) drops the views its TLBs hold.
 */
import { PAGE_SIZE } from './engine.ts';

/** Registers a CpuState holds (X0..X30, SP, the zero register and its W form). */
export const REGISTERS = 34;
export const XLO_AT = 0;
export const XHI_AT = XLO_AT + 4 * REGISTERS;
export const FLAGS_AT = 288;
export const EXIT_AT = FLAGS_AT + 16;
export const DYN_PC_AT = EXIT_AT + 8;
export const DYN_FROM_AT = DYN_PC_AT + 8;
export const READ_TAGS = 512;
export const WRITE_TAGS = READ_TAGS + 256 * 8;
export const READ_OFFS = WRITE_TAGS + 256 * 8;
export const WRITE_OFFS = READ_OFFS + 256 * 4;
export const V_AT = WRITE_OFFS + 256 * 4;
export const FPSR_OR_AT = V_AT + 32 * 16;
export const FP_RN_AT = FPSR_OR_AT + 4;
/** Room for the largest access a region makes (LD4/ST4 of four Q registers). */
export const BOUNCE_BYTES = 64;
export const BOUNCE_AT = (FP_RN_AT + 4 + 63) & ~63;
export const HEADER_BYTES = 8192;
if (BOUNCE_AT + BOUNCE_BYTES > HEADER_BYTES) throw new Error('arena: the header overflows');

const WASM_PAGE = 65536;
const NO_BYTES = new Uint8Array(0);
const NO_VIEW = new DataView(NO_BYTES.buffer);
/** WebAssembly's 32-bit memories stop at 4 GiB. */
const MAX_WASM_PAGES = 65536;

interface WasmMemory {
  buffer: ArrayBuffer;
  grow(delta: number): number;
}
interface MemoryApi {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}
const api = (globalThis as unknown as { WebAssembly?: MemoryApi }).WebAssembly;

/**
 * Arenas of closed engines' memories (retire), kept for the next ones this thread makes (create).
 * The host takes a page fault on the first touch of each page of a new memory (12-17 us per 4 KiB
 * page on the 2-core VM, 2026-12-05: as much as running a few thousand guest instructions), and
 * moving a memory's pages into a new arena touched them all twice; a reused slot only needs its
 * zeroing (0.4 us). Busybox sh running a pipeline makes an address space per process, the fuzzers
 * and the test files an engine per case. Bounded: at most POOL_ARENAS arenas of POOL_BYTES in all
 * (a long-lived host such as the browser page keeps that much; an arena that does not fit is left
 * to the garbage collector, as before). A busybox process's arena is about 2.5 MiB.
 */
const pool: PageArena[] = [];
const POOL_ARENAS = 8;
const POOL_BYTES = 64 * 2 ** 20;

/**
 * Lets this thread's pooled arenas go (the garbage collector returns their memory to the host):
 * for a long-lived host after a burst of engines, and for tests that need a new memory.
 * @returns the bytes of the arenas let go.
 */
export function drainArenaPool(): number {
  let bytes = 0;
  for (const a of pool.splice(0)) bytes += a.byteLength;
  return bytes;
}

/** Whether arenas made from now on may be shared (tests turn it off to run the unshared form). */
let sharedArenas = true;
export function setSharedArenas(on: boolean): void {
  sharedArenas = on;
}

/** What the arena needs of a page: its slot and its views (made again when the memory grows). */
export interface ArenaPage {
  data: Uint8Array;
  dv: DataView;
  /** Byte offset of the page's slot, -1 outside the arena. */
  off: number;
}

export class PageArena {
  readonly memory: WasmMemory;
  /** The whole memory as f64 and int32 (made again when it grows). */
  f64: Float64Array;
  i32: Int32Array;
  /** Pages by slot (undefined: free). */
  private readonly slots: (ArenaPage | undefined)[] = [];
  private readonly free: number[] = [];
  /** Slots below this one have held a page (in this memory's life): they are zeroed when handed out again. */
  private dirtySlots = 0;
  onGrow: (() => void) | null = null;
  /**
   * The header's register words as CpuState's xlo and xhi: in a shared memory they stay valid for
   * the arena's life (a CpuState may take them as its own: CpuState.useRegisters); else null.
   */
  readonly xlo: Int32Array | null;
  readonly xhi: Int32Array | null;

  private constructor(
    memory: WasmMemory,
    /** Whether the memory is shared (its views survive growth; modules import it as shared). */
    readonly shared: boolean,
  ) {
    this.memory = memory;
    this.f64 = new Float64Array(memory.buffer);
    this.i32 = new Int32Array(memory.buffer);
    this.f64.fill(-1, READ_TAGS / 8, READ_OFFS / 8);
    this.xlo = shared ? new Int32Array(memory.buffer, XLO_AT, REGISTERS) : null;
    this.xhi = shared ? new Int32Array(memory.buffer, XHI_AT, REGISTERS) : null;
  }

  /**
   * An arena with room for `pages` pages, or null without WebAssembly or the address space. Shared
   * when the host allows it (a browser page without cross-origin isolation does not).
   */
  static create(pages: number, shared = sharedArenas): PageArena | null {
    if (api === undefined) return null;
    const want = Math.ceil((HEADER_BYTES + Math.max(pages, 16) * PAGE_SIZE) / WASM_PAGE);
    if (want > MAX_WASM_PAGES) return null;
    const k = pool.findIndex((a) => a.shared === shared);
    if (k >= 0) {
      const reused = pool.splice(k, 1)[0] as PageArena;
      if (reused.grow(want * WASM_PAGE)) return reused;
    }
    if (shared) {
      try {
        return new PageArena(new api.Memory({ initial: want, maximum: MAX_WASM_PAGES, shared: true }), true);
      } catch {
        // Not allowed here: an unshared memory, with registers copied around each call.
      }
    }
    try {
      return new PageArena(new api.Memory({ initial: want }), false);
    } catch {
      return null;
    }
  }

  /** Bytes of the memory (its slots, used or not, and the header). */
  get byteLength(): number {
    return this.f64.byteLength;
  }

  /**
   * Gives `page` a zeroed slot (its views over it), or returns false when the memory cannot grow.
   * `zero` false: the caller overwrites all of it (adopt).
   */
  alloc(page: ArenaPage, zero = true): boolean {
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.slots.length;
      const need = HEADER_BYTES + (slot + 1) * PAGE_SIZE;
      if (need > this.f64.byteLength && !this.grow(need)) return false;
      this.slots.push(undefined);
    }
    const off = HEADER_BYTES + slot * PAGE_SIZE;
    // A slot never used is still the zeros the memory was made or grown with.
    if (slot >= this.dirtySlots) this.dirtySlots = slot + 1;
    else if (zero) this.f64.fill(0, off / 8, (off + PAGE_SIZE) / 8);
    // The buffer of the views made at the last growth (each read of a shared memory's `buffer`
    // makes a new SharedArrayBuffer object).
    const buffer = this.f64.buffer;
    const data = new Uint8Array(buffer, off, PAGE_SIZE);
    this.slots[slot] = page;
    page.off = off;
    page.data = data;
    page.dv = new DataView(buffer, off, PAGE_SIZE);
    return true;
  }

  /** Moves a page's bytes into a slot; false (the page unchanged) when there is no room. */
  adopt(page: ArenaPage): boolean {
    const bytes = page.data;
    if (!this.alloc(page, false)) return false;
    page.data.set(bytes);
    return true;
  }

  /**
   * Returns an unmapped page's slot. The page is left with no bytes at all (not a copy of them: an
   * munmap of many pages would copy each), so a holder that still read it would fail loudly instead
   * of reading the slot's next page.
   */
  release(page: ArenaPage): void {
    if (page.off < 0) return;
    const slot = (page.off - HEADER_BYTES) / PAGE_SIZE;
    if (this.slots[slot] !== page) return;
    page.data = NO_BYTES;
    page.dv = NO_VIEW;
    page.off = -1;
    this.slots[slot] = undefined;
    this.free.push(slot);
  }

  /**
   * Ends the arena's use by its Memory (whose engine closed): every page left in it loses its bytes
   * (as release does), and the memory goes to this thread's pool for the next arena, header reset.
   */
  retire(): void {
    for (const p of this.slots) {
      if (p === undefined) continue;
      p.data = NO_BYTES;
      p.dv = NO_VIEW;
      p.off = -1;
    }
    this.slots.length = 0;
    this.free.length = 0;
    this.onGrow = null;
    const pooled = pool.reduce((n, a) => n + a.byteLength, 0);
    if (pool.length >= POOL_ARENAS || pooled + this.byteLength > POOL_BYTES || pool.includes(this)) return;
    this.i32.fill(0, 0, HEADER_BYTES / 4);
    this.f64.fill(-1, READ_TAGS / 8, READ_OFFS / 8);
    pool.push(this);
  }

  /** Makes the memory at least `need` bytes (false when it cannot grow). */
  private grow(need: number): boolean {
    if (need <= this.f64.byteLength) return true;
    const have = this.f64.byteLength / WASM_PAGE;
    // Doubling keeps the number of grows (each remakes every page's views) logarithmic.
    const target = Math.min(MAX_WASM_PAGES, Math.max(Math.ceil(need / WASM_PAGE), 2 * have));
    if (target * WASM_PAGE < need) return false;
    try {
      this.memory.grow(target - have);
    } catch {
      return false;
    }
    const buffer = this.memory.buffer;
    this.f64 = new Float64Array(buffer);
    this.i32 = new Int32Array(buffer);
    for (const p of this.slots) {
      if (p === undefined) continue;
      p.data = new Uint8Array(buffer, p.off, PAGE_SIZE);
      p.dv = new DataView(buffer, p.off, PAGE_SIZE);
    }
    this.onGrow?.();
    return true;
  }
}
