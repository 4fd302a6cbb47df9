/* Link 3 of the chain f0 -> f1 -> ... -> f19 (one lazy object each). */
long f4(long x);

long f3(long x) { return (f4(x * 3 + 3) ^ 3) + 1; }
