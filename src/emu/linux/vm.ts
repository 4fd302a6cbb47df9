/**
 * The process's view of its address space: which ranges it mapped and with which protection.
 * It mirrors every mapping it makes into the engine, so syscalls (brk, mmap, munmap, mprotect)
 * can answer like Linux without asking the engine for its region list on each call.
 *
 * Kept as a sorted list of disjoint runs, adjacent runs of the same protection merged (as Linux
 * merges VMAs): lookups are binary searches and a top-down allocation walks a few runs, so
 * thousands of mmaps stay cheap.
 */
import { type Engine, PAGE_SIZE } from '../engine.ts';

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
  /** Disjoint runs sorted by begin; adjacent runs have different protections. */
  private runs: ProtSpan[] = [];
  /** See findFreeTopDown. */
  private searchCache: { top: number; size: number; below: number } | undefined;

  constructor(
    readonly engine: Engine,
    /** Exclusive upper bound of user addresses. */
    readonly limit: number,
  ) {}

  /** Index of the last run with begin <= address, or -1. */
  private indexAt(address: number): number {
    let lo = 0;
    let hi = this.runs.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.runs[mid] as ProtSpan).begin <= address) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  isMapped(address: number): boolean {
    return this.protAt(address) !== undefined;
  }

  protAt(address: number): number | undefined {
    const i = this.indexAt(address);
    if (i < 0) return undefined;
    const r = this.runs[i] as ProtSpan;
    return address < r.end ? r.prot : undefined;
  }

  /** Every mapped run with its protection, in address order (a copy). */
  spans(): ProtSpan[] {
    return this.runs.map((r) => ({ ...r }));
  }

  /** True when no page of [address, address+size) is mapped. */
  isFree(address: number, size: number): boolean {
    if (address < 0 || address + size > this.limit) return false;
    const end = address + size;
    let i = this.indexAt(address);
    if (i < 0) i = 0;
    for (; i < this.runs.length; i++) {
      const r = this.runs[i] as ProtSpan;
      if (r.begin >= end) break;
      if (r.end > address) return false;
    }
    return true;
  }

  /** True when every page of [address, address+size) is mapped. */
  isFullyMapped(address: number, size: number): boolean {
    const end = address + size;
    let at = address;
    let i = this.indexAt(address);
    if (i < 0) return size === 0;
    for (; i < this.runs.length && at < end; i++) {
      const r = this.runs[i] as ProtSpan;
      if (r.begin > at) return false;
      if (r.end > at) at = r.end;
    }
    return at >= end;
  }

  /** Maps page-aligned [address, address+size), which must be free. */
  map(address: number, size: number, prot: number): void {
    if (size === 0) return;
    this.engine.memMap(address, size, prot);
    this.insert({ begin: address, end: address + size, prot });
  }

  /** Unmaps whatever is mapped inside page-aligned [address, address+size). */
  unmap(address: number, size: number): void {
    for (const run of this.mappedRuns(address, size)) this.engine.memUnmap(run.begin, run.end - run.begin);
    this.carve(address, address + size);
    this.searchCache = undefined;
  }

  /** Changes the protection of page-aligned [address, address+size), which must be fully mapped. */
  protect(address: number, size: number, prot: number): void {
    if (size === 0) return;
    this.engine.memProtect(address, size, prot);
    this.carve(address, address + size);
    this.insert({ begin: address, end: address + size, prot });
  }

  /** Maximal runs of mapped pages inside [address, address+size), in address order. */
  mappedRuns(address: number, size: number): Span[] {
    const end = address + size;
    const out: Span[] = [];
    let i = this.indexAt(address);
    if (i < 0) i = 0;
    for (; i < this.runs.length; i++) {
      const r = this.runs[i] as ProtSpan;
      if (r.begin >= end) break;
      if (r.end <= address) continue;
      const b = Math.max(r.begin, address);
      const e = Math.min(r.end, end);
      const last = out[out.length - 1];
      if (last && last.end === b) last.end = e;
      else out.push({ begin: b, end: e });
    }
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
    for (let i = this.indexAt(from - 1); i >= 0; i--) {
      const r = this.runs[i] as ProtSpan;
      if (r.end <= gapEnd && gapEnd - r.end >= size && gapEnd - size >= bottom) return gapEnd - size;
      gapEnd = Math.min(gapEnd, r.begin);
      if (gapEnd - size < bottom) return undefined;
    }
    return gapEnd - size >= bottom ? gapEnd - size : undefined;
  }

  /** Removes [begin, end) from the run list (splitting runs at its edges). */
  private carve(begin: number, end: number): void {
    const kept: ProtSpan[] = [];
    let first = this.indexAt(begin);
    if (first < 0) first = 0;
    let last = first;
    for (; last < this.runs.length; last++) {
      const r = this.runs[last] as ProtSpan;
      if (r.begin >= end) break;
      if (r.end <= begin) {
        kept.push(r);
        continue;
      }
      if (r.begin < begin) kept.push({ begin: r.begin, end: begin, prot: r.prot });
      if (r.end > end) kept.push({ begin: end, end: r.end, prot: r.prot });
    }
    this.runs.splice(first, last - first, ...kept);
  }

  /** Inserts a run over free space, merging with same-protection neighbours. */
  private insert(run: ProtSpan): void {
    let i = this.indexAt(run.begin) + 1;
    const prev = this.runs[i - 1];
    if (prev && prev.end === run.begin && prev.prot === run.prot) {
      run.begin = prev.begin;
      i--;
      this.runs.splice(i, 1);
    }
    const next = this.runs[i];
    if (next && next.begin === run.end && next.prot === run.prot) {
      run.end = next.end;
      this.runs.splice(i, 1);
    }
    this.runs.splice(i, 0, run);
  }
}
