int printf(const char *fmt, ...);
extern int counter;

static int calls;

void greet(const char *who) {
  calls++;
  counter++;
  printf("greet: hello, %s! (call %d, counter=%d)\n", who, calls, counter);
}
