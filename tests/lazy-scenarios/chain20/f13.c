/* Link 13 of the chain f0 -> f1 -> ... -> f19 (one lazy object each). */
long f14(long x);

long f13(long x) { return (f14(x * 3 + 13) ^ 13) + 1; }
