/* Link 14 of the chain f0 -> f1 -> ... -> f19 (one lazy object each). */
long f15(long x);

long f14(long x) { return (f15(x * 3 + 14) ^ 14) + 1; }
