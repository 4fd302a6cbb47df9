/**
 * A real (deterministic) heap allocator over a sandbox region: first fit over an address-ordered
 * free list with coalescing; every block is 16-byte aligned (or more, for aligned_alloc). Block
 * metadata lives on the host side, so emulated code cannot corrupt it, and bad frees are detected
 * precisely: double free and foreign/interior pointers raise typed errors.
 *
 * The region is mapped on demand (in `growStep` chunks) through the `map` callback.
 */
import { DoubleFree, InvalidPointer } from './errors.ts';

const MIN_ALIGN = 16;

const alignUp = (v: number, a: number): number => Math.ceil(v / a) * a;

export class HeapAllocator {
  /** Free ranges [start, end), address-ordered, coalesced. */
  private free: [number, number][] = [];
  /** Live blocks: start → size (rounded). */
  private readonly live = new Map<number, number>();
  /** Recently freed block starts (for double-free reports), start → size. */
  private readonly freed = new Map<number, number>();
  private mappedEnd: number;

  constructor(
    readonly base: number,
    readonly limit: number,
    private readonly map: (address: number, size: number) => void,
    private readonly growStep = 1 << 20,
  ) {
    this.mappedEnd = base;
  }

  get liveBlocks(): number {
    return this.live.size;
  }
  get bytesInUse(): number {
    let n = 0;
    for (const s of this.live.values()) n += s;
    return n;
  }
  sizeOf(p: number): number | undefined {
    return this.live.get(p);
  }

  private grow(need: number): boolean {
    const cap = this.base + this.limit;
    const newEnd = Math.min(cap, alignUp(this.mappedEnd + Math.max(need, this.growStep), 4096));
    if (newEnd <= this.mappedEnd) return false;
    this.map(this.mappedEnd, newEnd - this.mappedEnd);
    this.release(this.mappedEnd, newEnd);
    this.mappedEnd = newEnd;
    return true;
  }

  private release(start: number, end: number): void {
    const f = this.free;
    let i = 0;
    while (i < f.length && (f[i] as [number, number])[0] < start) i++;
    f.splice(i, 0, [start, end]);
    // coalesce with neighbours
    if (i + 1 < f.length && (f[i] as [number, number])[1] === (f[i + 1] as [number, number])[0]) {
      (f[i] as [number, number])[1] = (f[i + 1] as [number, number])[1];
      f.splice(i + 1, 1);
    }
    if (i > 0 && (f[i - 1] as [number, number])[1] === (f[i] as [number, number])[0]) {
      (f[i - 1] as [number, number])[1] = (f[i] as [number, number])[1];
      f.splice(i, 1);
    }
  }

  /** Returns the block address, or 0 when the heap is exhausted. */
  alloc(size: number, align = MIN_ALIGN): number {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.limit) return 0;
    const a = Math.max(MIN_ALIGN, align);
    const sz = alignUp(Math.max(size, 1), MIN_ALIGN);
    for (;;) {
      for (let i = 0; i < this.free.length; i++) {
        const [s, e] = this.free[i] as [number, number];
        const p = alignUp(s, a);
        if (p + sz > e) continue;
        this.free.splice(i, 1);
        if (s < p) this.release(s, p);
        if (p + sz < e) this.release(p + sz, e);
        this.live.set(p, sz);
        this.freed.delete(p);
        return p;
      }
      if (!this.grow(sz + a)) return 0;
    }
  }

  /** Frees a live block (its size is returned); throws DoubleFree / InvalidPointer. */
  freeBlock(p: number, fn = 'free'): number {
    const sz = this.live.get(p);
    if (sz === undefined) {
      if (this.freed.has(p)) throw new DoubleFree(p, fn);
      throw new InvalidPointer(p, fn);
    }
    this.live.delete(p);
    this.freed.set(p, sz);
    this.release(p, p + sz);
    return sz;
  }
}
