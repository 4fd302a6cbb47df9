/* A chain of 20 lazy objects: the first call of f0 links f0.o, then f1.o, ... f19.o, one reentry each. */
int printf(const char *fmt, ...);
long f0(long x);
long f10(long x);

int main(void) {
  printf("f0(1) = %ld\n", f0(1));
  printf("f0(2) = %ld\n", f0(2));
  printf("f10(-5) = %ld\n", f10(-5));
  return 0;
}
