/**
 * Sparse paged guest memory with permissions. Guest accesses go through small direct-mapped
 * TLBs (one per access kind) that only ever hold pages allowing that access, so the hot path is
 * a tag compare plus a DataView access. Pages carry the decoded-code cache of the ts engine so a
 * write into a page can drop exactly the code it invalidates.
 */

import type { MemRegion } from './engine.ts';
import { PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE } from './engine.ts';
import { type AccessKind, EngineApiError, MemoryFault } from './errors.ts';

export const PAGE_SHIFT = 12;
const PAGE_MASK = PAGE_SIZE - 1;
const TLB_SIZE = 256;
const TLB_MASK = TLB_SIZE - 1;
/** Highest mappable address + 1: addresses stay exact as doubles. */
export const ADDRESS_LIMIT = 2 ** 52;

export class Page {
  readonly data = new Uint8Array(PAGE_SIZE);
  readonly dv = new DataView(this.data.buffer);
  /** Decoded code cache of the ts engine, indexed by word offset; null when no code was decoded. */
  code: unknown[] | null = null;
  constructor(public perms: number) {}
}

export type AccessObserver = (access: AccessKind, address: number, size: number, lo: number, hi: number) => void;

export class Memory {
  readonly pages = new Map<number, Page>();
  private readonly rTag = new Float64Array(TLB_SIZE).fill(-1);
  private readonly rPage: (Page | undefined)[] = new Array(TLB_SIZE);
  private readonly wTag = new Float64Array(TLB_SIZE).fill(-1);
  private readonly wPage: (Page | undefined)[] = new Array(TLB_SIZE);
  private readonly xTag = new Float64Array(TLB_SIZE).fill(-1);
  private readonly xPage: (Page | undefined)[] = new Array(TLB_SIZE);
  /** Set by the engine when memory hooks are installed: every guest access is reported. */
  observer: AccessObserver | null = null;
  /** Called when a write drops decoded code of a page (engine flushes its own caches). */
  onCodeInvalidated: ((pageNumber: number) => void) | null = null;

  // ---- host API -------------------------------------------------------------------------

  map(address: number, size: number, perms: number): void {
    checkRange(address, size, 'map');
    const first = address / PAGE_SIZE;
    const count = size / PAGE_SIZE;
    for (let i = 0; i < count; i++) {
      if (this.pages.has(first + i)) {
        throw new EngineApiError(`map: page 0x${((first + i) * PAGE_SIZE).toString(16)} is already mapped`);
      }
    }
    for (let i = 0; i < count; i++) this.pages.set(first + i, new Page(perms & 7));
    this.flushTlb();
  }

  unmap(address: number, size: number): void {
    checkRange(address, size, 'unmap');
    const first = address / PAGE_SIZE;
    const count = size / PAGE_SIZE;
    this.requireMapped(first, count, 'unmap');
    for (let i = 0; i < count; i++) this.pages.delete(first + i);
    this.flushTlb();
  }

  protect(address: number, size: number, perms: number): void {
    checkRange(address, size, 'protect');
    const first = address / PAGE_SIZE;
    const count = size / PAGE_SIZE;
    this.requireMapped(first, count, 'protect');
    for (let i = 0; i < count; i++) (this.pages.get(first + i) as Page).perms = perms & 7;
    this.flushTlb();
  }

  isMapped(address: number): boolean {
    return this.pages.has(Math.floor(address / PAGE_SIZE));
  }

  permsAt(address: number): number | undefined {
    return this.pages.get(Math.floor(address / PAGE_SIZE))?.perms;
  }

  read(address: number, size: number): Uint8Array {
    const out = new Uint8Array(size);
    let done = 0;
    while (done < size) {
      const a = address + done;
      const page = this.hostPage(a, size);
      const off = a & PAGE_MASK;
      const n = Math.min(size - done, PAGE_SIZE - off);
      out.set(page.data.subarray(off, off + n), done);
      done += n;
    }
    return out;
  }

  write(address: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      const a = address + done;
      const page = this.hostPage(a, data.length);
      const off = a & PAGE_MASK;
      const n = Math.min(data.length - done, PAGE_SIZE - off);
      page.data.set(data.subarray(done, done + n), off);
      if (page.code !== null) this.dropCode(page, a);
      done += n;
    }
  }

  regions(): MemRegion[] {
    const keys = [...this.pages.keys()].sort((a, b) => a - b);
    const out: MemRegion[] = [];
    for (const k of keys) {
      const perms = (this.pages.get(k) as Page).perms;
      const last = out[out.length - 1];
      if (last && last.end === k * PAGE_SIZE && last.perms === perms) last.end += PAGE_SIZE;
      else out.push({ begin: k * PAGE_SIZE, end: (k + 1) * PAGE_SIZE, perms });
    }
    return out;
  }

  flushTlb(): void {
    this.rTag.fill(-1);
    this.wTag.fill(-1);
    this.xTag.fill(-1);
  }

  // ---- guest accesses (permission-checked, may throw MemoryFault) ----------------------------

  readPage(address: number, size: number): Page {
    const pn = Math.floor(address / PAGE_SIZE);
    const i = pn & TLB_MASK;
    if (this.rTag[i] === pn) return this.rPage[i] as Page;
    const page = this.pages.get(pn);
    if (page === undefined) throw new MemoryFault('read', 'unmapped', address, size);
    if ((page.perms & PROT_READ) === 0) throw new MemoryFault('read', 'protection', address, size);
    this.rTag[i] = pn;
    this.rPage[i] = page;
    return page;
  }

  writePage(address: number, size: number): Page {
    const pn = Math.floor(address / PAGE_SIZE);
    const i = pn & TLB_MASK;
    if (this.wTag[i] === pn) return this.wPage[i] as Page;
    const page = this.pages.get(pn);
    if (page === undefined) throw new MemoryFault('write', 'unmapped', address, size);
    if ((page.perms & PROT_WRITE) === 0) throw new MemoryFault('write', 'protection', address, size);
    this.wTag[i] = pn;
    this.wPage[i] = page;
    return page;
  }

  fetchPage(address: number): Page {
    const pn = Math.floor(address / PAGE_SIZE);
    const i = pn & TLB_MASK;
    if (this.xTag[i] === pn) return this.xPage[i] as Page;
    const page = this.pages.get(pn);
    if (page === undefined) throw new MemoryFault('fetch', 'unmapped', address, 4);
    if ((page.perms & PROT_EXEC) === 0) throw new MemoryFault('fetch', 'protection', address, 4);
    this.xTag[i] = pn;
    this.xPage[i] = page;
    return page;
  }

  /** Unsigned byte. */
  ld8(address: number): number {
    const v = this.readPage(address, 1).data[address & PAGE_MASK] as number;
    if (this.observer !== null) this.observer('read', address, 1, v, 0);
    return v;
  }

  /** Unsigned halfword. */
  ld16(address: number): number {
    const off = address & PAGE_MASK;
    let v: number;
    if (off <= PAGE_SIZE - 2) v = this.readPage(address, 2).dv.getUint16(off, true);
    else v = this.ld8Raw(address, 2) | (this.ld8Raw(address + 1, 2) << 8);
    if (this.observer !== null) this.observer('read', address, 2, v, 0);
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
    if (this.observer !== null) this.observer('read', address, 4, v, 0);
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
      const obs = this.observer;
      this.observer = null;
      lo = this.ld32(address);
      this.hi = this.ld32(address + 4);
      this.observer = obs;
    }
    if (this.observer !== null) this.observer('read', address, 8, lo, this.hi);
    return lo;
  }

  st8(address: number, value: number): void {
    const page = this.writePage(address, 1);
    if (this.observer !== null) this.observer('write', address, 1, value & 0xff, 0);
    page.data[address & PAGE_MASK] = value;
    if (page.code !== null) this.dropCode(page, address);
  }

  st16(address: number, value: number): void {
    const off = address & PAGE_MASK;
    if (off <= PAGE_SIZE - 2) {
      const page = this.writePage(address, 2);
      if (this.observer !== null) this.observer('write', address, 2, value & 0xffff, 0);
      page.dv.setUint16(off, value, true);
      if (page.code !== null) this.dropCode(page, address);
    } else {
      // As QEMU/Unicorn: bytes in the first page are written before a fault in the second.
      this.writePage(address, 2);
      if (this.observer !== null) this.observer('write', address, 2, value & 0xffff, 0);
      this.st8Raw(address, value);
      this.st8Raw(address + 1, value >>> 8);
    }
  }

  st32(address: number, value: number): void {
    const off = address & PAGE_MASK;
    if (off <= PAGE_SIZE - 4) {
      const page = this.writePage(address, 4);
      if (this.observer !== null) this.observer('write', address, 4, value | 0, 0);
      page.dv.setInt32(off, value, true);
      if (page.code !== null) this.dropCode(page, address);
    } else {
      // As QEMU/Unicorn: bytes in the first page are written before a fault in the second.
      this.writePage(address, 4);
      if (this.observer !== null) this.observer('write', address, 4, value | 0, 0);
      for (let k = 0; k < 4; k++) this.st8Raw(address + k, value >>> (8 * k));
    }
  }

  st64(address: number, lo: number, hi: number): void {
    const off = address & PAGE_MASK;
    if (off <= PAGE_SIZE - 8) {
      const page = this.writePage(address, 8);
      if (this.observer !== null) this.observer('write', address, 8, lo | 0, hi | 0);
      page.dv.setInt32(off, lo, true);
      page.dv.setInt32(off + 4, hi, true);
      if (page.code !== null) this.dropCode(page, address);
    } else {
      // As QEMU/Unicorn: bytes in the first page are written before a fault in the second.
      this.writePage(address, 8);
      if (this.observer !== null) this.observer('write', address, 8, lo | 0, hi | 0);
      for (let k = 0; k < 4; k++) this.st8Raw(address + k, lo >>> (8 * k));
      for (let k = 0; k < 4; k++) this.st8Raw(address + 4 + k, hi >>> (8 * k));
    }
  }

  /** Instruction fetch (no observer: Unicorn does not report fetches as memory reads). */
  fetch32(address: number): number {
    return this.fetchPage(address).dv.getInt32(address & PAGE_MASK, true);
  }

  // ---- internals -----------------------------------------------------------------------

  private ld8Raw(address: number, size: number): number {
    return this.readPage(address, size).data[address & PAGE_MASK] as number;
  }

  private st8Raw(address: number, value: number): void {
    const page = this.writePage(address, 1);
    page.data[address & PAGE_MASK] = value;
    if (page.code !== null) this.dropCode(page, address);
  }

  private dropCode(page: Page, address: number): void {
    page.code = null;
    this.onCodeInvalidated?.(Math.floor(address / PAGE_SIZE));
  }

  private hostPage(address: number, size: number): Page {
    const page = this.pages.get(Math.floor(address / PAGE_SIZE));
    if (page === undefined) throw new MemoryFault('read', 'unmapped', address, size);
    return page;
  }

  private requireMapped(first: number, count: number, what: string): void {
    for (let i = 0; i < count; i++) {
      if (!this.pages.has(first + i)) {
        throw new EngineApiError(`${what}: page 0x${((first + i) * PAGE_SIZE).toString(16)} is not mapped`);
      }
    }
  }
}

function checkRange(address: number, size: number, what: string): void {
  if (!Number.isSafeInteger(address) || !Number.isSafeInteger(size) || address < 0 || size <= 0) {
    throw new EngineApiError(`${what}: invalid range address=${address} size=${size}`);
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
