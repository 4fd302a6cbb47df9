/* The lazy body: sum of i*i for i < n, with a stride so the work is not a closed form. */
long work(long n) {
  long s = 0;
  for (long i = 0; i < n; i++) s += i * i;
  return s;
}
