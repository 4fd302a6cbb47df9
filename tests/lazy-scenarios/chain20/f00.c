/* Link 0 of the chain f0 -> f1 -> ... -> f19 (one lazy object each). */
long f1(long x);

long f0(long x) { return (f1(x * 3 + 0) ^ 0) + 1; }
