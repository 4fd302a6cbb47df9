int is_even(unsigned n);
long hof_f(long n);

int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

/* Hofstadter male: M(0) = 0, M(n) = n - F(M(n - 1)). */
long hof_m(long n) { return n == 0 ? 0 : n - hof_f(hof_m(n - 1)); }
