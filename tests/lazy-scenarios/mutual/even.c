int is_odd(unsigned n);
long hof_m(long n);

int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }

/* Hofstadter female: F(0) = 1, F(n) = n - M(F(n - 1)). */
long hof_f(long n) { return n == 0 ? 1 : n - hof_m(hof_f(n - 1)); }
