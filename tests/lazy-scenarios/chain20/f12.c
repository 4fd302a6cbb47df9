/* Link 12 of the chain f0 -> f1 -> ... -> f19 (one lazy object each). */
long f13(long x);

long f12(long x) { return (f13(x * 3 + 12) ^ 12) + 1; }
