/**
 * A map from disjoint half-open intervals [begin, end) of integers to small integer values (page
 * permissions), neighbours of equal value merged, as Linux keeps VMAs. Guest memory bookkeeping
 * (the engine's reservations, the Linux layer's address space) keeps tens of thousands of them.
 *
 * A single sorted array costs a memmove of the whole tail per insert, which made 20,000 mmaps
 * quadratic; the intervals are kept in sorted chunks of at most CHUNK entries instead, so an update
 * is two binary searches (over chunks, then inside one) plus a splice of at most CHUNK slots.
 */

const CHUNK = 128;

interface Chunk {
  begin: number[];
  end: number[];
  value: number[];
}

/** Work done so far: binary-search probes plus chunk splices (each moving at most CHUNK slots). */
export interface IntervalStats {
  steps: number;
}

export class IntervalMap {
  private chunks: Chunk[] = [];
  private count = 0;
  readonly stats: IntervalStats = { steps: 0 };
  // The position found by the last locate() (chunk index, index inside it).
  private ci = 0;
  private ii = 0;

  /** `chunk`: most entries per chunk (small values only to exercise chunk splits in tests). */
  constructor(private readonly chunk = CHUNK) {}

  get size(): number {
    return this.count;
  }

  /** Sets ci/ii to the first interval with end > x (ci === chunks.length: none). */
  private locate(x: number): void {
    const cs = this.chunks;
    let lo = 0;
    let hi = cs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      this.stats.steps++;
      const c = cs[mid] as Chunk;
      if ((c.end[c.end.length - 1] as number) <= x) lo = mid + 1;
      else hi = mid;
    }
    this.ci = lo;
    if (lo === cs.length) {
      this.ii = 0;
      return;
    }
    const ends = (cs[lo] as Chunk).end;
    let a = 0;
    let b = ends.length;
    while (a < b) {
      const mid = (a + b) >>> 1;
      this.stats.steps++;
      if ((ends[mid] as number) <= x) a = mid + 1;
      else b = mid;
    }
    this.ii = a;
  }

  /** Value of the interval holding x, or undefined. */
  get(x: number): number | undefined {
    this.locate(x);
    const c = this.chunks[this.ci];
    if (c === undefined || (c.begin[this.ii] as number) > x) return undefined;
    return c.value[this.ii];
  }

  /** Begin and end of the interval holding x (into `out`), false when x is in no interval. */
  span(x: number, out: { begin: number; end: number }): boolean {
    this.locate(x);
    const c = this.chunks[this.ci];
    if (c === undefined || (c.begin[this.ii] as number) > x) return false;
    out.begin = c.begin[this.ii] as number;
    out.end = c.end[this.ii] as number;
    return true;
  }

  /**
   * Calls fn for each interval overlapping [lo, hi), in ascending order (unclipped); fn returning
   * false stops the walk.
   */
  forEachIn(lo: number, hi: number, fn: (begin: number, end: number, value: number) => boolean | undefined): void {
    this.locate(lo);
    const cs = this.chunks;
    for (let c = this.ci, i = this.ii; c < cs.length; c++, i = 0) {
      const ch = cs[c] as Chunk;
      for (; i < ch.begin.length; i++) {
        const b = ch.begin[i] as number;
        if (b >= hi) return;
        if (fn(b, ch.end[i] as number, ch.value[i] as number) === false) return;
      }
    }
  }

  /**
   * Calls fn for each interval beginning below hi, in descending order (unclipped); fn returning
   * false stops the walk.
   */
  forEachDown(hi: number, fn: (begin: number, end: number, value: number) => boolean | undefined): void {
    this.locate(hi - 1);
    const cs = this.chunks;
    let c = this.ci;
    let i = this.ii;
    if (c < cs.length && ((cs[c] as Chunk).begin[i] as number) < hi) i++;
    for (; c >= 0; c--) {
      const ch = cs[c];
      if (ch === undefined) {
        i = c > 0 ? (cs[c - 1] as Chunk).begin.length : 0;
        continue;
      }
      for (i--; i >= 0; i--) {
        if (fn(ch.begin[i] as number, ch.end[i] as number, ch.value[i] as number) === false) return;
      }
      if (c > 0) i = (cs[c - 1] as Chunk).begin.length;
    }
  }

  /** Every interval in ascending order. */
  forEach(fn: (begin: number, end: number, value: number) => void): void {
    for (const ch of this.chunks)
      for (let i = 0; i < ch.begin.length; i++) fn(ch.begin[i] as number, ch.end[i] as number, ch.value[i] as number);
  }

  /** True when every point of [lo, hi) lies in some interval. */
  covers(lo: number, hi: number): boolean {
    return this.firstGap(lo, hi) >= hi;
  }

  /** First point of [lo, hi) in no interval (hi when there is none). */
  firstGap(lo: number, hi: number): number {
    let at = lo;
    this.forEachIn(lo, hi, (b, e) => {
      if (b > at) return false;
      at = e;
      return at < hi;
    });
    return Math.min(at, hi);
  }

  /** True when no point of [lo, hi) lies in an interval. */
  isFree(lo: number, hi: number): boolean {
    let free = true;
    this.forEachIn(lo, hi, () => {
      free = false;
      return false;
    });
    return free;
  }

  /** Gives [lo, hi) the value (whatever was there before), merging equal-valued neighbours. */
  set(lo: number, hi: number, value: number): void {
    if (lo < hi) this.replace(lo, hi, value);
  }

  /** Removes [lo, hi) from the intervals (splitting those it cuts). */
  remove(lo: number, hi: number): void {
    if (lo < hi) this.replace(lo, hi, undefined);
  }

  /** Would set(lo, hi, value) over free space add an interval (no equal-valued neighbour touches)? */
  wouldAdd(lo: number, hi: number, value: number): boolean {
    this.locate(lo);
    const before = this.entryBefore(this.ci, this.ii);
    if (before !== undefined && before.end === lo && before.value === value) return false;
    const c = this.chunks[this.ci];
    return !(c !== undefined && c.begin[this.ii] === hi && c.value[this.ii] === value);
  }

  private entryBefore(c: number, i: number): { end: number; value: number } | undefined {
    if (i > 0) {
      const ch = this.chunks[c] as Chunk;
      return { end: ch.end[i - 1] as number, value: ch.value[i - 1] as number };
    }
    const prev = this.chunks[c - 1];
    if (prev === undefined) return undefined;
    const k = prev.begin.length - 1;
    return { end: prev.end[k] as number, value: prev.value[k] as number };
  }

  private replace(lo: number, hi: number, value: number | undefined): void {
    this.locate(lo);
    let c0 = this.ci;
    let i0 = this.ii;
    let newLo = lo;
    let newHi = hi;
    // Equal-valued left neighbour touching lo: absorbed into the new interval.
    if (value !== undefined && (i0 > 0 || c0 > 0)) {
      const pc = i0 > 0 ? c0 : c0 - 1;
      const p = this.chunks[pc] as Chunk;
      const pi = i0 > 0 ? i0 - 1 : p.begin.length - 1;
      if (p.end[pi] === lo && p.value[pi] === value) {
        newLo = p.begin[pi] as number;
        c0 = pc;
        i0 = pi;
      }
    }
    // Walk the intervals that overlap [lo, hi) (plus absorbed equal-valued neighbours).
    let removed = 0;
    let c = c0;
    let i = i0;
    const ins = this.ins;
    let n = 0;
    let right = false;
    for (;;) {
      const ch = this.chunks[c];
      if (ch === undefined) break;
      if (i >= ch.begin.length) {
        c++;
        i = 0;
        continue;
      }
      const b = ch.begin[i] as number;
      const e = ch.end[i] as number;
      const v = ch.value[i] as number;
      if (b > hi || (b === hi && (value === undefined || v !== value))) break;
      if (b < lo && newLo === lo) {
        if (value !== undefined && v === value) newLo = b;
        else {
          ins[0] = b;
          ins[1] = lo;
          ins[2] = v;
          n = 3;
        }
      }
      if (e > hi) {
        if (value !== undefined && v === value) newHi = e;
        else {
          right = true;
          ins[6] = hi;
          ins[7] = e;
          ins[8] = v;
        }
      }
      removed++;
      i++;
    }
    if (value !== undefined) {
      ins[n] = newLo;
      ins[n + 1] = newHi;
      ins[n + 2] = value;
      n += 3;
    }
    if (right) {
      ins[n] = ins[6] as number;
      ins[n + 1] = ins[7] as number;
      ins[n + 2] = ins[8] as number;
      n += 3;
    }
    this.splice(c0, i0, removed, n / 3);
  }

  /** Up to three (begin, end, value) triples replace() inserts. */
  private readonly ins: number[] = [0, 0, 0, 0, 0, 0, 0, 0, 0];

  /** Removes `removed` entries from position (c, i) on and inserts the first `add` triples of ins there. */
  private splice(c: number, i: number, removed: number, add: number): void {
    const cs = this.chunks;
    // Remove, chunk by chunk.
    let left = removed;
    for (let k = c, at = i; left > 0 && k < cs.length; k++, at = 0) {
      const ch = cs[k] as Chunk;
      const n = Math.min(left, ch.begin.length - at);
      if (n > 0) {
        this.stats.steps++;
        ch.begin.splice(at, n);
        ch.end.splice(at, n);
        ch.value.splice(at, n);
        left -= n;
      }
    }
    this.count -= removed;
    if (add > 0) {
      if (cs.length === 0) cs.push({ begin: [], end: [], value: [] });
      let k = c;
      let at = i;
      if (k >= cs.length) {
        k = cs.length - 1;
        at = (cs[k] as Chunk).begin.length;
      }
      const ch = cs[k] as Chunk;
      if (at > ch.begin.length) at = ch.begin.length;
      const ins = this.ins;
      this.stats.steps++;
      for (let j = add - 1; j >= 0; j--) {
        ch.begin.splice(at, 0, ins[3 * j] as number);
        ch.end.splice(at, 0, ins[3 * j + 1] as number);
        ch.value.splice(at, 0, ins[3 * j + 2] as number);
      }
      this.count += add;
      if (ch.begin.length > this.chunk) {
        const half = ch.begin.length >>> 1;
        cs.splice(k + 1, 0, {
          begin: ch.begin.splice(half),
          end: ch.end.splice(half),
          value: ch.value.splice(half),
        });
      }
    }
    // Drop emptied chunks (at most the ones the removal walked through).
    for (let k = Math.min(c, cs.length - 1); k >= 0 && k < cs.length; ) {
      if ((cs[k] as Chunk).begin.length === 0) cs.splice(k, 1);
      else if (k > c + 1) break;
      else k++;
    }
  }
}
