/* Link 6 of the chain f0 -> f1 -> ... -> f19 (one lazy object each). */
long f7(long x);

long f6(long x) { return (f7(x * 3 + 6) ^ 6) + 1; }
