/* Mutual recursion across two lazy objects (even/odd, Hofstadter female/male sequences). */
int printf(const char *fmt, ...);
int is_even(unsigned n);
int is_odd(unsigned n);
long hof_f(long n);
long hof_m(long n);

int main(void) {
  printf("is_even(10)=%d is_odd(10)=%d is_even(7)=%d is_odd(7)=%d\n", is_even(10), is_odd(10), is_even(7),
         is_odd(7));
  printf("is_even(1001)=%d\n", is_even(1001));
  printf("F:");
  for (long i = 0; i < 22; i++) printf(" %ld", hof_f(i));
  printf("\nM:");
  for (long i = 0; i < 22; i++) printf(" %ld", hof_m(i));
  printf("\n");
  return 0;
}
