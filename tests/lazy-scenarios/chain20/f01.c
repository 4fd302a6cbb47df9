/* Link 1 of the chain f0 -> f1 -> ... -> f19 (one lazy object each). */
long f2(long x);

long f1(long x) { return (f2(x * 3 + 1) ^ 1) + 1; }
