/* Link 9 of the chain f0 -> f1 -> ... -> f19 (one lazy object each). */
long f10(long x);

long f9(long x) { return (f10(x * 3 + 9) ^ 9) + 1; }
