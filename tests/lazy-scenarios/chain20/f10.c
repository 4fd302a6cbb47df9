/* Link 10 of the chain f0 -> f1 -> ... -> f19 (one lazy object each). */
long f11(long x);

long f10(long x) { return (f11(x * 3 + 10) ^ 10) + 1; }
