/* Link 7 of the chain f0 -> f1 -> ... -> f19 (one lazy object each). */
long f8(long x);

long f7(long x) { return (f8(x * 3 + 7) ^ 7) + 1; }
