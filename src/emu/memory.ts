/**
 * Guest memory as a kernel keeps it: mappings reserve address space (a sorted list of page
 * intervals with permissions) and host memory is taken only for pages the guest or the host
 * writes (or executes). Reads of a reserved, untouched page see one shared page of zeros. The
 * touched pages are bounded by `limit` bytes: the first touch beyond it raises `OutOfMemory`, and
 * so does a mapping larger than the limit, so no guest can make the host run out of memory.
 *
 * Guest accesses go through small direct-mapped TLBs (one per access kind) that only ever hold
 * pages allowing that access, so the hot path is a tag compare plus a DataView access. Pages carry
 * the decoded-code cache of the ts engine so a write into a page can drop exactly the code it
 * invalidates. Once the engine translates a region to WebAssembly, the pages live in one
 * WebAssembly memory (arena.ts, useArena) and the fast TLBs have a copy there.
 */

import { BOUNCE_AT, BOUNCE_BYTES, PageArena, READ_OFFS, READ_TAGS, WRITE_OFFS, WRITE_TAGS } from './arena.ts';
import type { MemRegion } from './engine.ts';
import { PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE } from './engine.ts';
import { type AccessKind, addressText, EngineApiError, MemoryFault, OutOfMemory } from './errors.ts';
import { IntervalMap } from './intervals.ts';

export const PAGE_SHIFT = 12;
const PAGE_MASK = PAGE_SIZE - 1;
/** Entries of each TLB (a power of two); an entry's index is its page number & TLB_MASK. */
export const TLB_SIZE = 256;
export const TLB_MASK = TLB_SIZE - 1;
/** Highest mappable address + 1: addresses stay exact as doubles. */
export const ADDRESS_LIMIT = 2 ** 52;
/** Default limit of touched guest memory (bytes). */
export const DEFAULT_MEMORY_LIMIT = 4 * 2 ** 30;
/** Default limit of separate mappings (Linux's vm.max_map_count). */
export const DEFAULT_MAX_MAPPINGS = 65530;

export class Page {
  /** The page's bytes: a buffer of its own, or its slot of the Memory's arena (arena.ts). */
  data!: Uint8Array;
  dv!: DataView;
  /** Byte offset of the page's slot in the arena, -1 outside it. */
  off = -1;
  /**
   * Decoded code cache of the ts engine, indexed by word offset; null when no code was decoded.
   * Only set on a page just obtained from Memory.fetchPage (the fast write TLB relies on it).
   */
  code: unknown[] | null = null;
  /**
   * The array `code` had when a write into the page dropped it, kept for the page's next code:
   * a guest that rewrites its own code (a JIT in the guest, the random-word tests) would otherwise
   * allocate a 1,024-slot array per write. Its slots codeLo..codeHi may hold stale entries.
   */
  spareCode: unknown[] | null = null;
  /**
   * Translated code holds `code` to tell whether the page's code changed since it was made (it
   * compares identities: jit/compile.ts, CodeGuard): such an array is never used again.
   */
  codeHeld = false;
  /** The lowest and highest slot of `code` (or of `spareCode`) ever filled; empty when lo > hi. */
  codeLo = 0;
  codeHi = -1;
  /** A zeroed page: a slot of `arena` when it has room, else a buffer of its own. */
  constructor(
    public perms: number,
    arena: PageArena | null = null,
  ) {
    if (arena?.alloc(this)) return;
    const spare = spareBuffers.pop();
    if (spare !== undefined) {
      spare.data.fill(0);
      this.data = spare.data;
      this.dv = spare.dv;
      return;
    }
    this.data = new Uint8Array(PAGE_SIZE);
    this.dv = new DataView(this.data.buffer);
  }
}

/**
 * Buffers of the pages of released memories (Memory.release), for the next pages this thread makes
 * outside an arena: a new 4 KiB buffer costs an allocation the garbage collector tracks and, when
 * the allocator takes fresh memory, a page fault (fuzz-lazy: a session of about 30 pages per case,
 * 3.6 us a page in the Page constructor); a spare costs its zeroing. At most SPARE_BUFFERS (16 MiB).
 */
const spareBuffers: { data: Uint8Array; dv: DataView }[] = [];
const SPARE_BUFFERS = 4096;
const NO_BYTES = new Uint8Array(0);
const NO_VIEW = new DataView(NO_BYTES.buffer);

/** Gives a page's own buffer to the spares (if it has one), leaving the page without bytes. */
function spareBuffer(page: Page): void {
  if (page.off >= 0 || page.data.length !== PAGE_SIZE) return;
  if (spareBuffers.length < SPARE_BUFFERS) spareBuffers.push({ data: page.data, dv: page.dv });
  page.data = NO_BYTES;
  page.dv = NO_VIEW;
}

/** Placeholder view of empty fast TLB entries (never read: their tag is -1). */
const ZERO_VIEW = new DataView(new ArrayBuffer(PAGE_SIZE));

export type AccessObserver = (access: AccessKind, address: number, size: number, lo: number, hi: number) => void;

export interface MemoryOptions {
  /** Bytes of guest memory that may be touched (default 4 GiB). */
  limit?: number;
  /** Separate mappings (intervals after merging neighbours of equal permissions), default 65530. */
  maxMappings?: number;
  /**
   * Touched pages after which the memory moves to its WebAssembly arena (useArena) without waiting
   * for translated WebAssembly to need it (default: it waits). An engine that makes WebAssembly
   * regions sets it, so that a program's image and heap go straight into the arena instead of
   * into separate buffers first (busybox sh: 455 pages a process, each touched twice). Small memories
   * stay as they are (a fuzz-lazy case: about 30 pages), where an arena per memory cost more
   * garbage-collector time than it saved (fuzz-lazy's scavenges took twice as long).
   */
  arenaAfterPages?: number;
}

/** Bookkeeping work done so far (tests check the complexity of map/unmap with it). */
export interface MemoryStats {
  /** Binary-search probes plus chunk splices (IntervalMap: each moves a bounded number of slots). */
  steps: number;
}

export class Memory {
  /** Touched pages (host memory taken), by page number. */
  readonly pages = new Map<number, Page>();
  /** Reserved intervals [begin, end) in page numbers with their permissions (equal neighbours merged). */
  private readonly reserved = new IntervalMap();
  /** Shared page of zeros for reads of untouched pages (no write or fetch TLB ever holds it). */
  private readonly zero = new Page(PROT_READ);
  private readonly rTag = new Float64Array(TLB_SIZE).fill(-1);
  private readonly rPage: (Page | undefined)[] = new Array(TLB_SIZE);
  private readonly wTag = new Float64Array(TLB_SIZE).fill(-1);
  private readonly wPage: (Page | undefined)[] = new Array(TLB_SIZE);
  private readonly xTag = new Float64Array(TLB_SIZE).fill(-1);
  private readonly xPage: (Page | undefined)[] = new Array(TLB_SIZE);
  /**
   * The TLBs of the accesses that translated code inlines (jit/snippets.ts), one for loads and one
   * for stores: entry `i` holds page number `tag[i]` (-1: empty) and a view of that page's bytes.
   * A hit is the promise that an access inside that page may go straight to the view: the page
   * allows the access, no observer is installed, and (stores) no decoded code sits in the page.
   * Anything else (a miss, an access crossing into the next page) takes ld8..st64, which fill
   * these entries when they can make that promise. Guest code only reads these arrays.
   */
  readonly fastReadTag = new Float64Array(TLB_SIZE).fill(-1);
  readonly fastReadView: DataView[] = new Array(TLB_SIZE).fill(ZERO_VIEW);
  readonly fastWriteTag = new Float64Array(TLB_SIZE).fill(-1);
  readonly fastWriteView: DataView[] = new Array(TLB_SIZE).fill(ZERO_VIEW);
  private observerFn: AccessObserver | null = null;
  /** Where the pages live once translated WebAssembly needs them (useArena), else null. */
  arena: PageArena | null = null;
  private arenaTried = false;
  private readonly arenaAfterPages: number;
  /** Called when a write drops decoded code of a page (engine flushes its own caches). */
  onCodeInvalidated: ((pageNumber: number) => void) | null = null;
  /** Limit of touched memory, bytes. */
  readonly limit: number;
  private readonly limitPages: number;
  readonly maxMappings: number;
  readonly stats: MemoryStats = this.reserved.stats;

  constructor(options: MemoryOptions = {}) {
    const limit = options.limit ?? DEFAULT_MEMORY_LIMIT;
    if (!(limit >= 0)) throw new EngineApiError(`memory limit must be a non-negative number of bytes, not ${limit}`);
    this.limit = limit;
    this.limitPages = Math.floor(limit / PAGE_SIZE);
    this.maxMappings = options.maxMappings ?? DEFAULT_MAX_MAPPINGS;
    this.arenaAfterPages = options.arenaAfterPages ?? Number.POSITIVE_INFINITY;
  }

  /** Set by the engine when memory hooks are installed: every guest access is reported. */
  get observer(): AccessObserver | null {
    return this.observerFn;
  }
  set observer(fn: AccessObserver | null) {
    if (fn === this.observerFn) return;
    this.observerFn = fn;
    // The fast TLBs may only hold pages while no observer is installed; refill them from scratch.
    this.flushTlb();
  }

  /** Bytes of host memory taken by touched guest pages. */
  touchedBytes(): number {
    return this.pages.size * PAGE_SIZE;
  }

  // ---- host API -------------------------------------------------------------------------

  map(address: number, size: number, perms: number): void {
    checkRange(address, size, 'map');
    const first = address / PAGE_SIZE;
    const end = first + size / PAGE_SIZE;
    let taken = -1;
    this.reserved.forEachIn(first, end, (b) => {
      taken = Math.max(b, first);
      return false;
    });
    if (taken >= 0) throw new EngineApiError(`map: page 0x${(taken * PAGE_SIZE).toString(16)} is already mapped`);
    if (size > this.limit) {
      throw new OutOfMemory('map', address, size, this.limit, undefined, `more than the limit of ${this.limit} bytes`);
    }
    const p = perms & 7;
    if (this.reserved.size >= this.maxMappings && this.reserved.wouldAdd(first, end, p)) {
      throw new OutOfMemory('map', address, size, this.limit, undefined, `more than ${this.maxMappings} mappings`);
    }
    this.reserved.set(first, end, p);
  }

  unmap(address: number, size: number): void {
    checkRange(address, size, 'unmap');
    const first = address / PAGE_SIZE;
    const end = first + size / PAGE_SIZE;
    this.requireMapped(first, end, 'unmap');
    this.reserved.remove(first, end);
    this.forPagesIn(first, end, (pn, page) => {
      page.code = null;
      this.pages.delete(pn);
      this.arena?.release(page);
    });
    this.flushTlbRange(first, end);
  }

  protect(address: number, size: number, perms: number): void {
    checkRange(address, size, 'protect');
    const first = address / PAGE_SIZE;
    const end = first + size / PAGE_SIZE;
    this.requireMapped(first, end, 'protect');
    const p = perms & 7;
    this.reserved.set(first, end, p);
    this.forPagesIn(first, end, (_pn, page) => {
      page.perms = p;
    });
    this.flushTlbRange(first, end);
  }

  isMapped(address: number): boolean {
    return this.permsAt(address) !== undefined;
  }

  permsAt(address: number): number | undefined {
    return this.reserved.get(Math.floor(address / PAGE_SIZE));
  }

  /**
   * Engine.memPagesIn: the touched pages of the range in address order (forPagesIn walks the page
   * map in insertion order when that is the smaller side).
   */
  pagesIn(address: number, size: number, fn: (pageAddress: number, bytes: Uint8Array) => void): void {
    const found: number[] = [];
    this.forPagesIn(Math.floor(address / PAGE_SIZE), Math.ceil((address + size) / PAGE_SIZE), (pn) => {
      found.push(pn);
    });
    found.sort((a, b) => a - b);
    for (const pn of found) {
      const page = this.pages.get(pn);
      if (page !== undefined) fn(pn * PAGE_SIZE, page.data);
    }
  }

  /** Calls fn for every touched page in [first, end) (page numbers), walking the smaller side. */
  forPagesIn(first: number, end: number, fn: (pn: number, page: Page) => void): void {
    if (end - first <= this.pages.size) {
      for (let pn = first; pn < end; pn++) {
        const page = this.pages.get(pn);
        if (page !== undefined) fn(pn, page);
      }
    } else {
      for (const [pn, page] of [...this.pages]) if (pn >= first && pn < end) fn(pn, page);
    }
  }

  read(address: number, size: number): Uint8Array {
    this.requireHostRange(address, size, 'read');
    const out = new Uint8Array(size);
    let done = 0;
    while (done < size) {
      const a = address + done;
      const page = this.hostPage(a, size, false);
      const off = a & PAGE_MASK;
      const n = Math.min(size - done, PAGE_SIZE - off);
      out.set(page.data.subarray(off, off + n), done);
      done += n;
    }
    return out;
  }

  write(address: number, data: Uint8Array): void {
    this.requireHostRange(address, data.length, 'write');
    let done = 0;
    while (done < data.length) {
      const a = address + done;
      const page = this.hostPage(a, data.length, true);
      const off = a & PAGE_MASK;
      const n = Math.min(data.length - done, PAGE_SIZE - off);
      page.data.set(data.subarray(done, done + n), off);
      if (page.code !== null) this.dropCode(page, a);
      done += n;
    }
  }

  regions(): MemRegion[] {
    const out: MemRegion[] = [];
    this.reserved.forEach((b, e, perms) => {
      out.push({ begin: b * PAGE_SIZE, end: e * PAGE_SIZE, perms });
    });
    return out;
  }

  /** Number of mapping intervals (neighbours of equal permissions count once). */
  mappingCount(): number {
    return this.reserved.size;
  }

  flushTlb(): void {
    this.rTag.fill(-1);
    this.wTag.fill(-1);
    this.xTag.fill(-1);
    this.fastReadTag.fill(-1);
    this.fastWriteTag.fill(-1);
    this.arena?.f64.fill(-1, READ_TAGS / 8, READ_OFFS / 8);
  }

  /**
   * Ends this memory (its engine is closed): everything is unmapped, so a later read or write is an
   * 'unmapped' fault, and the arena goes back to this thread's pool (PageArena.retire) for the next
   * memory, which then touches pages the host has already faulted in; pages outside an arena give
   * their buffers to the next pages made outside one (spareBuffers).
   */
  release(): void {
    const mapped: [number, number][] = [];
    this.reserved.forEach((begin, end) => {
      mapped.push([begin, end]);
    });
    for (const [begin, end] of mapped) this.reserved.remove(begin, end);
    for (const page of this.pages.values()) {
      page.code = null;
      spareBuffer(page);
    }
    this.pages.clear();
    this.flushTlb();
    const arena = this.arena;
    this.arena = null;
    this.arenaTried = true;
    arena?.retire();
  }

  /**
   * Moves the touched pages (and the page of zeros) into a WebAssembly memory, once; returns it,
   * or null where WebAssembly is not available or the memory cannot be had (pages stay as they are).
   */
  useArena(): PageArena | null {
    if (this.arenaTried) return this.arena;
    this.arenaTried = true;
    const arena = PageArena.create(this.pages.size + 1);
    if (arena === null) return null;
    if (!arena.adopt(this.zero)) return null;
    for (const page of this.pages.values()) if (!arena.adopt(page)) break;
    arena.onGrow = () => this.flushTlb();
    this.arena = arena;
    // The TLBs hold views of the pages' old buffers.
    this.flushTlb();
    return arena;
  }

  /**
   * Makes the fast TLB entry of an access of `size` bytes at `address` (a write when `write`) for
   * translated WebAssembly: true when the arena's copy of the entry now holds the page (the access
   * may go to the page's slot), false when the access must take the general path (a fault, a
   * mapping without the permission, an observer, code in the page, a page outside the arena, an
   * access that crosses into the next page). Never throws.
   */
  fastFill(address: number, size: number, write: boolean): boolean {
    const arena = this.arena;
    if (arena === null || !Number.isSafeInteger(address) || address < 0) return false;
    if (address % PAGE_SIZE > PAGE_SIZE - size) return false;
    try {
      if (write) this.writePage(address, size);
      else this.readPage(address, size);
    } catch {
      return false;
    }
    const pn = Math.floor(address / PAGE_SIZE);
    const i = pn & TLB_MASK;
    return arena.f64[(write ? WRITE_TAGS : READ_TAGS) / 8 + i] === pn;
  }

  /**
   * Makes an access of `size` bytes at `address` (a write when `write`) possible for a translated
   * WebAssembly region, which then takes the arena offset of its bytes from the arena's copy of
   * the entry of the access's first page (the slot plus the page offset). For an access within a
   * page, that is fastFill. For one that crosses into the next page and whose two pieces fastFill
   * allows, the entry is pointed at the arena's bounce buffer (slot BOUNCE_AT minus the page
   * offset) and dropped from both TLBs, so that the next access of the page fills it again as it
   * was: a read's bytes are copied to the buffer first, a write's are copied out by flushBounce
   * after the region's store. False when the access must take the general path (the interpreter's
   * op). Never throws.
   */
  fastSlot(address: number, size: number, write: boolean): boolean {
    const arena = this.arena;
    if (arena === null || !Number.isSafeInteger(address) || address < 0) return false;
    const po = address % PAGE_SIZE;
    if (po <= PAGE_SIZE - size) return this.fastFill(address, size, write);
    const first = PAGE_SIZE - po;
    if (size > BOUNCE_BYTES || !this.fastFill(address, first, write)) return false;
    if (!this.fastFill(address + first, size - first, write)) return false;
    const pn = Math.floor(address / PAGE_SIZE);
    const [i, j] = [pn & TLB_MASK, (pn + 1) & TLB_MASK];
    const offs = (write ? WRITE_OFFS : READ_OFFS) / 4;
    if (!write) {
      const bytes = new Uint8Array(arena.i32.buffer);
      const a = arena.i32[offs + i] as number;
      const b = arena.i32[offs + j] as number;
      bytes.copyWithin(BOUNCE_AT, a + po, a + PAGE_SIZE);
      bytes.copyWithin(BOUNCE_AT + first, b, b + size - first);
    }
    arena.i32[offs + i] = BOUNCE_AT - po;
    arena.f64[(write ? WRITE_TAGS : READ_TAGS) / 8 + i] = -1;
    if (write) {
      this.wTag[i] = -1;
      this.fastWriteTag[i] = -1;
    } else {
      this.rTag[i] = -1;
      this.fastReadTag[i] = -1;
    }
    return true;
  }

  /**
   * Copies a region's store of `size` bytes at `address` from the bounce buffer to its two pages
   * (after fastSlot gave it BOUNCE_AT). False, with memory untouched, when either piece may no
   * longer be written fast: the region then leaves for the op, which stores again.
   */
  flushBounce(address: number, size: number): boolean {
    const arena = this.arena;
    if (arena === null || !Number.isSafeInteger(address) || address < 0 || size > BOUNCE_BYTES) return false;
    const po = address % PAGE_SIZE;
    const first = PAGE_SIZE - po;
    if (first >= size || !this.fastFill(address, first, true) || !this.fastFill(address + first, size - first, true))
      return false;
    const pn = Math.floor(address / PAGE_SIZE);
    const bytes = new Uint8Array(arena.i32.buffer);
    const a = arena.i32[WRITE_OFFS / 4 + (pn & TLB_MASK)] as number;
    const b = arena.i32[WRITE_OFFS / 4 + ((pn + 1) & TLB_MASK)] as number;
    bytes.copyWithin(a + po, BOUNCE_AT, BOUNCE_AT + first);
    bytes.copyWithin(b, BOUNCE_AT + first, BOUNCE_AT + size);
    return true;
  }

  /**
   * Sets fast read or write entry i to page `p` (number pn), and the arena's copy of the entry when
   * p lives in the arena (else the copy is emptied).
   */
  private setFast(write: boolean, i: number, pn: number, p: Page): void {
    (write ? this.fastWriteTag : this.fastReadTag)[i] = pn;
    (write ? this.fastWriteView : this.fastReadView)[i] = p.dv;
    const a = this.arena;
    if (a !== null) {
      a.f64[(write ? WRITE_TAGS : READ_TAGS) / 8 + i] = p.off >= 0 ? pn : -1;
      a.i32[(write ? WRITE_OFFS : READ_OFFS) / 4 + i] = p.off;
    }
  }

  /** Drops the fast entries of page pn (read, write or both). */
  private dropFast(pn: number, read: boolean, write: boolean): void {
    const i = pn & TLB_MASK;
    const a = this.arena;
    if (read && this.fastReadTag[i] === pn) {
      this.fastReadTag[i] = -1;
      if (a !== null) a.f64[READ_TAGS / 8 + i] = -1;
    }
    if (write && this.fastWriteTag[i] === pn) {
      this.fastWriteTag[i] = -1;
      if (a !== null) a.f64[WRITE_TAGS / 8 + i] = -1;
    }
  }

  // ---- guest accesses (permission-checked, may throw MemoryFault or OutOfMemory) -------------

  readPage(address: number, size: number): Page {
    const pn = Math.floor(address / PAGE_SIZE);
    const i = pn & TLB_MASK;
    if (this.rTag[i] === pn) return this.rPage[i] as Page;
    return this.fill(pn, address, size, 'read');
  }

  writePage(address: number, size: number): Page {
    const pn = Math.floor(address / PAGE_SIZE);
    const i = pn & TLB_MASK;
    if (this.wTag[i] === pn) return this.wPage[i] as Page;
    return this.fill(pn, address, size, 'write');
  }

  fetchPage(address: number): Page {
    const pn = Math.floor(address / PAGE_SIZE);
    const i = pn & TLB_MASK;
    if (this.xTag[i] === pn) return this.xPage[i] as Page;
    return this.fill(pn, address, 4, 'fetch');
  }

  /** TLB miss: checks the access, touches the page when it is written or executed, caches it. */
  private fill(pn: number, address: number, size: number, access: AccessKind): Page {
    let page = this.pages.get(pn);
    let perms: number;
    if (page !== undefined) perms = page.perms;
    else {
      const p = this.permsAt(address);
      if (p === undefined) throw new MemoryFault(access, 'unmapped', address, size);
      perms = p;
    }
    const need = access === 'read' ? PROT_READ : access === 'write' ? PROT_WRITE : PROT_EXEC;
    if ((perms & need) === 0) throw new MemoryFault(access, 'protection', address, size);
    const i = pn & TLB_MASK;
    if (access === 'read') {
      const p = page ?? this.zero;
      this.rTag[i] = pn;
      this.rPage[i] = p;
      if (this.observerFn === null) this.setFast(false, i, pn, p);
      return p;
    }
    page ??= this.touch(pn, perms);
    if (access === 'write') {
      this.wTag[i] = pn;
      this.wPage[i] = page;
      // Code is only ever attached to a page just fetched, and a fetch that misses drops the page's
      // fast write entry: so a page entered here without code and absent from the fetch TLB gets
      // no code while its entry lives.
      if (this.observerFn === null && page.code === null && this.xTag[i] !== pn) this.setFast(true, i, pn, page);
    } else {
      this.xTag[i] = pn;
      this.xPage[i] = page;
      this.dropFast(pn, false, true);
    }
    return page;
  }

  /** Takes host memory for a reserved page (its first write or fetch). */
  private touch(pn: number, perms: number): Page {
    if (this.pages.size >= this.limitPages) throw new OutOfMemory('touch', pn * PAGE_SIZE, PAGE_SIZE, this.limit);
    if (this.pages.size >= this.arenaAfterPages && !this.arenaTried) this.useArena();
    const page = new Page(perms, this.arena);
    this.pages.set(pn, page);
    // The read TLBs may still hold the shared zero page for it.
    const i = pn & TLB_MASK;
    if (this.rTag[i] === pn) this.rTag[i] = -1;
    this.dropFast(pn, true, false);
    return page;
  }

  /** Unsigned byte. */
  ld8(address: number): number {
    const v = this.readPage(address, 1).data[address & PAGE_MASK] as number;
    if (this.observerFn !== null) this.observerFn('read', address, 1, v, 0);
    return v;
  }

  /** Unsigned halfword. */
  ld16(address: number): number {
    const off = address & PAGE_MASK;
    let v: number;
    if (off <= PAGE_SIZE - 2) v = this.readPage(address, 2).dv.getUint16(off, true);
    else v = this.ld8Raw(address, 2) | (this.ld8Raw(address + 1, 2) << 8);
    if (this.observerFn !== null) this.observerFn('read', address, 2, v, 0);
    return v;
  }

  /** Word as int32 (callers use >>> 0 where they need it unsigned). */
  ld32(address: number): number {
    const off = address & PAGE_MASK;
    let v: number;
    if (off <= PAGE_SIZE - 4) v = this.readPage(address, 4).dv.getInt32(off, true);
    else
      v =
        this.ld8Raw(address, 4) |
        (this.ld8Raw(address + 1, 4) << 8) |
        (this.ld8Raw(address + 2, 4) << 16) |
        (this.ld8Raw(address + 3, 4) << 24);
    if (this.observerFn !== null) this.observerFn('read', address, 4, v, 0);
    return v;
  }

  /** Doubleword: low half returned, high half left in `hi` (avoids allocating a pair). */
  hi = 0;
  ld64(address: number): number {
    const off = address & PAGE_MASK;
    let lo: number;
    if (off <= PAGE_SIZE - 8) {
      const p = this.readPage(address, 8);
      lo = p.dv.getInt32(off, true);
      this.hi = p.dv.getInt32(off + 4, true);
    } else {
      // As QEMU/Unicorn: a fault in the second page reports that page's first byte.
      this.readPage(address, 8);
      this.readPage(address - (address % PAGE_SIZE) + PAGE_SIZE, 8);
      lo = this.ld32Raw(address);
      this.hi = this.ld32Raw(address + 4);
    }
    if (this.observerFn !== null) this.observerFn('read', address, 8, lo, this.hi);
    return lo;
  }

  st8(address: number, value: number): void {
    // The write hook runs before the permission check, as Unicorn's (it sees stores that fault).
    if (this.observerFn !== null) this.observerFn('write', address, 1, value & 0xff, 0);
    const page = this.writePage(address, 1);
    page.data[address & PAGE_MASK] = value;
    if (page.code !== null) this.dropCode(page, address);
  }

  st16(address: number, value: number): void {
    const off = address & PAGE_MASK;
    if (off <= PAGE_SIZE - 2) {
      if (this.observerFn !== null) this.observerFn('write', address, 2, value & 0xffff, 0);
      const page = this.writePage(address, 2);
      page.dv.setUint16(off, value, true);
      if (page.code !== null) this.dropCode(page, address);
    } else {
      // As QEMU/Unicorn: bytes in the first page are written before a fault in the second.
      if (this.observerFn !== null) this.observerFn('write', address, 2, value & 0xffff, 0);
      this.writePage(address, 2);
      this.st8Raw(address, value);
      this.st8Raw(address + 1, value >>> 8);
    }
  }

  st32(address: number, value: number): void {
    const off = address & PAGE_MASK;
    if (off <= PAGE_SIZE - 4) {
      if (this.observerFn !== null) this.observerFn('write', address, 4, value | 0, 0);
      const page = this.writePage(address, 4);
      page.dv.setInt32(off, value, true);
      if (page.code !== null) this.dropCode(page, address);
    } else {
      // As QEMU/Unicorn: bytes in the first page are written before a fault in the second.
      if (this.observerFn !== null) this.observerFn('write', address, 4, value | 0, 0);
      this.writePage(address, 4);
      for (let k = 0; k < 4; k++) this.st8Raw(address + k, value >>> (8 * k));
    }
  }

  st64(address: number, lo: number, hi: number): void {
    const off = address & PAGE_MASK;
    if (off <= PAGE_SIZE - 8) {
      if (this.observerFn !== null) this.observerFn('write', address, 8, lo | 0, hi | 0);
      const page = this.writePage(address, 8);
      page.dv.setInt32(off, lo, true);
      page.dv.setInt32(off + 4, hi, true);
      if (page.code !== null) this.dropCode(page, address);
    } else {
      // As QEMU/Unicorn: bytes in the first page are written before a fault in the second.
      if (this.observerFn !== null) this.observerFn('write', address, 8, lo | 0, hi | 0);
      this.writePage(address, 8);
      for (let k = 0; k < 4; k++) this.st8Raw(address + k, lo >>> (8 * k));
      for (let k = 0; k < 4; k++) this.st8Raw(address + 4 + k, hi >>> (8 * k));
    }
  }

  /** Instruction fetch (no observer: Unicorn does not report fetches as memory reads). */
  fetch32(address: number): number {
    return this.fetchPage(address).dv.getInt32(address & PAGE_MASK, true);
  }

  // ---- internals -----------------------------------------------------------------------

  /** Word as int32 without reporting it (both pages already checked by the caller). */
  private ld32Raw(address: number): number {
    const off = address & PAGE_MASK;
    if (off <= PAGE_SIZE - 4) return this.readPage(address, 8).dv.getInt32(off, true);
    return (
      this.ld8Raw(address, 8) |
      (this.ld8Raw(address + 1, 8) << 8) |
      (this.ld8Raw(address + 2, 8) << 16) |
      (this.ld8Raw(address + 3, 8) << 24)
    );
  }

  private ld8Raw(address: number, size: number): number {
    return this.readPage(address, size).data[address & PAGE_MASK] as number;
  }

  private st8Raw(address: number, value: number): void {
    const page = this.writePage(address, 1);
    page.data[address & PAGE_MASK] = value;
    if (page.code !== null) this.dropCode(page, address);
  }

  private dropCode(page: Page, address: number): void {
    page.spareCode = page.codeHeld ? null : page.code;
    page.codeHeld = false;
    page.code = null;
    this.onCodeInvalidated?.(Math.floor(address / PAGE_SIZE));
  }

  /** Host accesses are all or nothing, as uc_mem_read/uc_mem_write: the fault names the start. */
  private requireHostRange(address: number, size: number, access: AccessKind): void {
    if (size <= 0) return;
    const first = Math.floor(address / PAGE_SIZE);
    const end = Math.floor((address + size - 1) / PAGE_SIZE) + 1;
    if (!this.reserved.covers(first, end)) throw new MemoryFault(access, 'unmapped', address, size);
  }

  private hostPage(address: number, size: number, write: boolean): Page {
    const pn = Math.floor(address / PAGE_SIZE);
    const page = this.pages.get(pn);
    if (page !== undefined) return page;
    const perms = this.permsAt(address);
    if (perms === undefined) throw new MemoryFault(write ? 'write' : 'read', 'unmapped', address, size);
    return write ? this.touch(pn, perms) : this.zero;
  }

  private requireMapped(first: number, end: number, what: string): void {
    const at = this.reserved.firstGap(first, end);
    if (at < end) throw new EngineApiError(`${what}: page 0x${(at * PAGE_SIZE).toString(16)} is not mapped`);
  }

  private flushTlbRange(first: number, end: number): void {
    if (end - first >= TLB_SIZE) {
      this.flushTlb();
      return;
    }
    for (let pn = first; pn < end; pn++) {
      const i = pn & TLB_MASK;
      if (this.rTag[i] === pn) this.rTag[i] = -1;
      if (this.wTag[i] === pn) this.wTag[i] = -1;
      if (this.xTag[i] === pn) this.xTag[i] = -1;
      this.dropFast(pn, true, true);
    }
  }
}

function checkRange(address: number, size: number, what: string): void {
  if (!Number.isSafeInteger(address) || !Number.isSafeInteger(size) || address < 0 || size <= 0) {
    throw new EngineApiError(`${what}: invalid range address=${addressText(address)} size=${addressText(size)}`);
  }
  if (address % PAGE_SIZE !== 0 || size % PAGE_SIZE !== 0) {
    throw new EngineApiError(
      `${what}: address 0x${address.toString(16)} and size 0x${size.toString(16)} must be 4 KiB aligned`,
    );
  }
  if (address + size > ADDRESS_LIMIT) {
    throw new EngineApiError(`${what}: range 0x${address.toString(16)}+0x${size.toString(16)} exceeds 2^52`);
  }
}
