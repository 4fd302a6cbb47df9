/**
 * The process's view of its address space: which ranges it mapped and with which protection.
 * It mirrors every mapping it makes into the engine, so syscalls (brk, mmap, munmap, mprotect)
 * can answer like Linux without asking the engine for its region list on each call.
 *
 * Kept as an IntervalMap of disjoint runs, adjacent runs of the same protection merged (as Linux
 * merges VMAs): lookups and updates are a few binary searches over bounded chunks and a top-down
 * allocation walks a few runs, so tens of thousands of mmaps stay cheap.
 */
import { type Engine, PAGE_SIZE } from '../engine.ts';
import { IntervalMap } from '../intervals.ts';

export const PAGE = PAGE_SIZE;

export const pageDown = (a: number): number => a - (a % PAGE);
export const pageUp = (a: number): number => (a % PAGE === 0 ? a : a - (a % PAGE) + PAGE);

export interface Span {
  begin: number;
  end: number;
}

export interface ProtSpan extends Span {
  prot: number;
}

export class AddressSpace {
  /** Mapped runs and their protection (adjacent runs of equal protection merged). */
  private readonly runs = new IntervalMap();
  /** See findFreeTopDown. */
  private searchCache: { top: number; size: number; below: number } | undefined;

  constructor(
    readonly engine: Engine,
    /** Exclusive upper bound of user addresses. */
    readonly limit: number,
  ) {}

  isMapped(address: number): boolean {
    return this.runs.get(address) !== undefined;
  }

  protAt(address: number): number | undefined {
    return this.runs.get(address);
  }

  /** Every mapped run with its protection, in address order (a copy). */
  spans(): ProtSpan[] {
    const out: ProtSpan[] = [];
    this.runs.forEach((begin, end, prot) => {
      out.push({ begin, end, prot });
    });
    return out;
  }

  /** True when no page of [address, address+size) is mapped. */
  isFree(address: number, size: number): boolean {
    if (address < 0 || address + size > this.limit) return false;
    return this.runs.isFree(address, address + size);
  }

  /** True when every page of [address, address+size) is mapped. */
  isFullyMapped(address: number, size: number): boolean {
    return this.runs.covers(address, address + size);
  }

  /** Maps page-aligned [address, address+size), which must be free. */
  map(address: number, size: number, prot: number): void {
    if (size === 0) return;
    this.engine.memMap(address, size, prot);
    this.runs.set(address, address + size, prot);
  }

  /** Unmaps whatever is mapped inside page-aligned [address, address+size). */
  unmap(address: number, size: number): void {
    for (const run of this.mappedRuns(address, size)) this.engine.memUnmap(run.begin, run.end - run.begin);
    this.runs.remove(address, address + size);
    this.searchCache = undefined;
  }

  /** Changes the protection of page-aligned [address, address+size), which must be fully mapped. */
  protect(address: number, size: number, prot: number): void {
    if (size === 0) return;
    this.engine.memProtect(address, size, prot);
    this.runs.set(address, address + size, prot);
  }

  /** Maximal runs of mapped pages inside [address, address+size), in address order. */
  mappedRuns(address: number, size: number): Span[] {
    const end = address + size;
    const out: Span[] = [];
    this.runs.forEachIn(address, end, (rb, re) => {
      const b = Math.max(rb, address);
      const e = Math.min(re, end);
      const last = out[out.length - 1];
      if (last && last.end === b) last.end = e;
      else out.push({ begin: b, end: e });
      return true;
    });
    return out;
  }

  /**
   * Highest free, page-aligned range of `size` bytes that ends at or below `top` and starts at
   * or above `bottom` (Linux's top-down mmap allocator). Undefined when none fits.
   */
  findFreeTopDown(size: number, top: number, bottom: number): number | undefined {
    // Exact shortcut: a search for `size` below `top` that ended at `below` proved that no gap of
    // at least `size` lies in [below, top); mappings only shrink gaps, so a request at least as
    // large may start there. Any unmap forgets it. Keeps thousands of mmaps linear, not quadratic.
    const c = this.searchCache;
    let gapEnd = top;
    if (c !== undefined && c.top === top && size >= c.size) gapEnd = c.below;
    const found = this.searchDown(size, gapEnd, bottom);
    if (found !== undefined) this.searchCache = { top, size, below: found + size };
    return found;
  }

  private searchDown(size: number, from: number, bottom: number): number | undefined {
    let gapEnd = from;
    let found: number | undefined;
    let failed = false;
    this.runs.forEachDown(from, (begin, end) => {
      if (end <= gapEnd && gapEnd - end >= size && gapEnd - size >= bottom) {
        found = gapEnd - size;
        return false;
      }
      gapEnd = Math.min(gapEnd, begin);
      if (gapEnd - size < bottom) {
        failed = true;
        return false;
      }
      return true;
    });
    if (found !== undefined) return found;
    if (failed) return undefined;
    return gapEnd - size >= bottom ? gapEnd - size : undefined;
  }
}
