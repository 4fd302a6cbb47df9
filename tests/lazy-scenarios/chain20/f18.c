/* Link 18 of the chain f0 -> f1 -> ... -> f19 (one lazy object each). */
long f19(long x);

long f18(long x) { return (f19(x * 3 + 18) ^ 18) + 1; }
