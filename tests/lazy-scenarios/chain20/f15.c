/* Link 15 of the chain f0 -> f1 -> ... -> f19 (one lazy object each). */
long f16(long x);

long f15(long x) { return (f16(x * 3 + 15) ^ 15) + 1; }
