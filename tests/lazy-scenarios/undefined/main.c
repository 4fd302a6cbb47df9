/* A lazy body whose object references an undefined symbol: the program prints some lines, then the
   first call of bad() fails in the reentry path (message naming the symbol, status 134). */
int printf(const char *fmt, ...);
int puts(const char *s);
int good(int x);
int bad(int x);

int main(void) {
  puts("line 1");
  printf("good(1) = %d\n", good(1));
  printf("good(2) = %d\n", good(2));
  puts("calling bad");
  printf("bad(3) = %d\n", bad(3));
  puts("not reached");
  return 0;
}
