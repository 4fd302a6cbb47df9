/* Link 4 of the chain f0 -> f1 -> ... -> f19 (one lazy object each). */
long f5(long x);

long f4(long x) { return (f5(x * 3 + 4) ^ 4) + 1; }
