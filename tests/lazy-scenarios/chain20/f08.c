/* Link 8 of the chain f0 -> f1 -> ... -> f19 (one lazy object each). */
long f9(long x);

long f8(long x) { return (f9(x * 3 + 8) ^ 8) + 1; }
