/* Lazy: a function of another object reading data.o's table. */
extern int table[8];
extern long counter;

long scaled_sum(int k) {
  long s = 0;
  for (int i = 0; i < 8; i++) s += (long)table[i] * k;
  return s + counter;
}
