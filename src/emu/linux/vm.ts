/**
 * The process's view of its address space: which pages it mapped and with which protection.
 * It mirrors every mapping it makes into the engine, so syscalls (brk, mmap, munmap, mprotect)
 * can answer like Linux without asking the engine for its region list on each call.
 */
import { type Engine, PAGE_SIZE } from '../engine.ts';

export const PAGE = PAGE_SIZE;

export const pageDown = (a: number): number => a - (a % PAGE);
export const pageUp = (a: number): number => (a % PAGE === 0 ? a : a - (a % PAGE) + PAGE);

export interface Span {
  begin: number;
  end: number;
}

export class AddressSpace {
  /** Page number → PROT_* bits. */
  private readonly pages = new Map<number, number>();

  constructor(
    readonly engine: Engine,
    /** Exclusive upper bound of user addresses. */
    readonly limit: number,
  ) {}

  isMapped(address: number): boolean {
    return this.pages.has(Math.floor(address / PAGE));
  }

  protAt(address: number): number | undefined {
    return this.pages.get(Math.floor(address / PAGE));
  }

  /** True when no page of [address, address+size) is mapped. */
  isFree(address: number, size: number): boolean {
    if (address < 0 || address + size > this.limit) return false;
    const first = address / PAGE;
    const count = size / PAGE;
    if (count > this.pages.size) {
      for (const pn of this.pages.keys()) if (pn >= first && pn < first + count) return false;
      return true;
    }
    for (let i = 0; i < count; i++) if (this.pages.has(first + i)) return false;
    return true;
  }

  /** True when every page of [address, address+size) is mapped. */
  isFullyMapped(address: number, size: number): boolean {
    const first = address / PAGE;
    const count = size / PAGE;
    if (count > this.pages.size) return false;
    for (let i = 0; i < count; i++) if (!this.pages.has(first + i)) return false;
    return true;
  }

  /** Maps page-aligned [address, address+size), which must be free. */
  map(address: number, size: number, prot: number): void {
    if (size === 0) return;
    this.engine.memMap(address, size, prot);
    const first = address / PAGE;
    for (let i = 0; i < size / PAGE; i++) this.pages.set(first + i, prot);
  }

  /** Unmaps whatever is mapped inside page-aligned [address, address+size). */
  unmap(address: number, size: number): void {
    for (const run of this.mappedRuns(address, size)) {
      this.engine.memUnmap(run.begin, run.end - run.begin);
      for (let a = run.begin; a < run.end; a += PAGE) this.pages.delete(a / PAGE);
    }
  }

  /** Changes the protection of page-aligned [address, address+size), which must be fully mapped. */
  protect(address: number, size: number, prot: number): void {
    if (size === 0) return;
    this.engine.memProtect(address, size, prot);
    const first = address / PAGE;
    for (let i = 0; i < size / PAGE; i++) this.pages.set(first + i, prot);
  }

  /** Maximal runs of mapped pages inside [address, address+size), in address order. */
  mappedRuns(address: number, size: number): Span[] {
    const first = address / PAGE;
    const count = size / PAGE;
    let inRange: number[];
    if (count > this.pages.size) {
      inRange = [...this.pages.keys()].filter((pn) => pn >= first && pn < first + count).sort((a, b) => a - b);
    } else {
      inRange = [];
      for (let i = 0; i < count; i++) if (this.pages.has(first + i)) inRange.push(first + i);
    }
    const runs: Span[] = [];
    for (const pn of inRange) {
      const last = runs[runs.length - 1];
      if (last && last.end === pn * PAGE) last.end += PAGE;
      else runs.push({ begin: pn * PAGE, end: (pn + 1) * PAGE });
    }
    return runs;
  }

  /**
   * Highest free, page-aligned range of `size` bytes that ends at or below `top` and starts at
   * or above `bottom` (Linux's top-down mmap allocator). Undefined when none fits.
   */
  findFreeTopDown(size: number, top: number, bottom: number): number | undefined {
    const keys = [...this.pages.keys()].filter((pn) => pn * PAGE < top).sort((a, b) => b - a);
    let end = top;
    for (const pn of keys) {
      const b = pn * PAGE;
      const e = b + PAGE;
      if (e <= end && end - e >= size && end - size >= bottom) return end - size;
      end = Math.min(end, b);
      if (end - size < bottom) return undefined;
    }
    return end - size >= bottom ? end - size : undefined;
  }
}
