/* Link 2 of the chain f0 -> f1 -> ... -> f19 (one lazy object each). */
long f3(long x);

long f2(long x) { return (f3(x * 3 + 2) ^ 2) + 1; }
