/* Lazy: functions only ever called through pointers (their first call is inside algo.o). */
int printf(const char *fmt, ...);

long ops_weighted(long acc, long x, void *ctx) { return acc * 2 + x * *(long *)ctx; }

long ops_leaf(int i) {
  static int first = 1;
  if (first) {
    printf("ops_leaf: first call (i=%d)\n", i);
    first = 0;
  }
  return i * i + 1;
}
