/* lazy-demo: main.o is linked eagerly; greet.o, math.o, data.o and rarely.o are given with -lazy. */
int printf(const char *fmt, ...);

void greet(const char *who);   /* greet.o (lazy): links on its first call */
long fib(int n);               /* math.o  (lazy)                           */
long square(long x);           /* math.o  (lazy): already linked by fib()  */
void rarely(void);             /* rarely.o (lazy): never called, never linked */
extern int counter;            /* data.o: data, so the object links with main.o */
extern const char *motto;

int main(int argc, char **argv) {
  (void)argv;
  printf("main: counter=%d, motto=\"%s\"\n", counter, motto);
  greet("lazy world");
  greet("again");
  long f = fib(20);
  printf("main: fib(20)=%ld, square(12)=%ld\n", f, square(12));
  printf("main: fib(25)=%ld\n", fib(25));
  if (argc > 1)
    rarely();
  return (int)(f % 256) == 109 ? 0 : 1;
}
