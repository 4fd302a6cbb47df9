/** A small seeded PRNG (mulberry32) for the thread scheduler: same seed, same sequence. */
export class Prng {
  private s: number;

  constructor(seed: number) {
    // Fold the high bits of large seeds in, then scramble so that seeds 0, 1, 2… start apart.
    const hi = Math.floor(seed / 2 ** 32) >>> 0;
    this.s = ((seed >>> 0) ^ Math.imul(hi, 0x85ebca6b) ^ 0x9e3779b9) >>> 0;
  }

  /** Next 32-bit unsigned value. */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return n <= 1 ? 0 : this.next() % n;
  }

  /** Uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return hi <= lo ? lo : lo + this.int(hi - lo + 1);
  }
}
