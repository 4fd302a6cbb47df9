struct point { int x, y; };
int table[8] = {1, 2, 3, 5, 8, 13, 21, 34};
const char *names[3] = {"alpha", "beta", "gamma"};
long counter = 100;
struct point origin = {3, 4};

long bump(long by) {
  counter += by;
  return counter;
}

const char *name_of(int i) { return names[i]; }

long table_sum(void) {
  long s = 0;
  for (int i = 0; i < 8; i++) s += table[i];
  return s + origin.x * 1000 + origin.y * 100000;
}
