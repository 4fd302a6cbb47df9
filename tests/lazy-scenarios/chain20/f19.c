/* Last link of the chain. */
int printf(const char *fmt, ...);

long f19(long x) {
  printf("f19 reached with x=%ld\n", x);
  return x + 19;
}
