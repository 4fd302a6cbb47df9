/* Link 5 of the chain f0 -> f1 -> ... -> f19 (one lazy object each). */
long f6(long x);

long f5(long x) { return (f6(x * 3 + 5) ^ 5) + 1; }
