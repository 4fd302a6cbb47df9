/* Variadic functions: integer and floating arguments, va_copy, forwarding a va_list. */
#include "../../lib/rt.h"

static long sum_ints(int n, ...) {
  va_list ap;
  va_start(ap, n);
  long s = 0;
  for (int i = 0; i < n; i++) s += va_arg(ap, int);
  va_end(ap);
  return s;
}

/* fmt letters: i int, l long, d double, s string, c char */
static void show(const char *fmt, ...) {
  va_list ap, again;
  va_start(ap, fmt);
  va_copy(again, ap);
  double total = 0;
  for (const char *p = fmt; *p; p++) {
    switch (*p) {
    case 'i': printf("[int %d]", va_arg(ap, int)); break;
    case 'l': printf("[long %ld]", va_arg(ap, long)); break;
    case 'd': printf("[double %.3f]", va_arg(ap, double)); break;
    case 's': printf("[str %s]", va_arg(ap, const char *)); break;
    case 'c': printf("[char %c]", va_arg(ap, int)); break;
    }
  }
  for (const char *p = fmt; *p; p++) {
    if (*p == 'd') total += va_arg(again, double);
    else if (*p == 'l') total += (double)va_arg(again, long);
    else if (*p == 's') (void)va_arg(again, const char *);
    else (void)va_arg(again, int);
  }
  va_end(again);
  va_end(ap);
  printf(" numeric total %.2f\n", total);
}

static int logf_(char *buf, size_t n, const char *tag, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int k = snprintf(buf, n, "%s: ", tag);
  k += vsnprintf(buf + k, n - (size_t)k, fmt, ap);
  va_end(ap);
  return k;
}

static double average(int n, ...) {
  va_list ap;
  va_start(ap, n);
  double s = 0;
  for (int i = 0; i < n; i++) s += va_arg(ap, double);
  va_end(ap);
  return n ? s / n : 0;
}

int main(void) {
  printf("sum_ints: %ld %ld %ld\n", sum_ints(0), sum_ints(3, 1, 2, 3), sum_ints(12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
  show("ildsc", -42, 1234567890123l, 2.718281828, "hi", 'Z');
  show("dddddddddd", 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.5);
  show("iiiiiiiiil", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10l);
  char buf[128];
  int k = logf_(buf, sizeof buf, "log", "%d items at %.2f each = %08.3f [%-5s|%5s] %x %o %#x %c%%", 7, 1.25, 8.75, "ab",
                "cd", 255, 8, 255, '!');
  printf("%s (%d chars)\n", buf, k);
  k = snprintf(buf, 10, "%s", "truncated output here");
  printf("truncated: '%s' wanted %d\n", buf, k);
  printf("average %.4f\n", average(5, 1.0, 2.5, 3.25, -4.0, 10.0));
  printf("%5d|%-5d|%05d|%+d|% d|%.3d|%hhd|%hd|%lld|%zu\n", 42, 42, 42, 42, 42, 7, 300, 70000, -9000000000ll,
         (size_t)123);
  printf("%p %s %10.3s| %-10c|\n", (void *)0x1234, (char *)0, "abcdef", 'x');
  return 0;
}
