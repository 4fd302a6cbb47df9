/* Data references: main uses data.o's variables directly, so data.o links with main (eagerly). */
int printf(const char *fmt, ...);

struct point { int x, y; };
extern int table[8];
extern const char *names[3];
extern long counter;
extern struct point origin;
long bump(long by);
const char *name_of(int i);
long table_sum(void);
long scaled_sum(int k);

int main(void) {
  long s = 0;
  for (int i = 0; i < 8; i++) s += table[i];
  printf("table sum (main) = %ld\n", s);
  printf("names: %s %s %s\n", names[0], names[1], names[2]);
  printf("origin = (%d, %d), counter = %ld\n", origin.x, origin.y, counter);
  printf("bump(5) = %ld, counter = %ld\n", bump(5), counter);
  counter = 1000;
  printf("bump(1) after main wrote 1000 = %ld\n", bump(1));
  table[2] = -50;
  origin.y = 40;
  printf("table_sum (data.o) = %ld, scaled_sum(3) (sum.o) = %ld\n", table_sum(), scaled_sum(3));
  printf("name_of(1) = %s, same string %d\n", name_of(1), name_of(1) == names[1]);
  return 0;
}
