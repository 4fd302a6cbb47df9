/* Link 17 of the chain f0 -> f1 -> ... -> f19 (one lazy object each). */
long f18(long x);

long f17(long x) { return (f18(x * 3 + 17) ^ 17) + 1; }
