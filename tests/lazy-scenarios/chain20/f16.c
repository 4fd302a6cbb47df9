/* Link 16 of the chain f0 -> f1 -> ... -> f19 (one lazy object each). */
long f17(long x);

long f16(long x) { return (f17(x * 3 + 16) ^ 16) + 1; }
