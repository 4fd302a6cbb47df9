/* fib calls square-free helpers; square is a second callable of the same object. */
long fib(int n) {
  long a = 0, b = 1;
  for (int i = 0; i < n; i++) {
    long t = a + b;
    a = b;
    b = t;
  }
  return a;
}

long square(long x) { return x * x; }
