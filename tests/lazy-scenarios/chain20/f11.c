/* Link 11 of the chain f0 -> f1 -> ... -> f19 (one lazy object each). */
long f12(long x);

long f11(long x) { return (f12(x * 3 + 11) ^ 11) + 1; }
