/* glibc basics: stdio buffering, malloc, qsort, strtod, snprintf of floats, environment, time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/utsname.h>

static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

int main(int argc, char **argv) {
  printf("argc=%d argv1=%s\n", argc, argc > 1 ? argv[1] : "(none)");
  int v[10] = {5, 3, 9, 1, 7, 2, 8, 6, 4, 0};
  qsort(v, 10, sizeof v[0], cmp);
  for (int i = 0; i < 10; i++) printf("%d%c", v[i], i == 9 ? '\n' : ' ');
  char buf[64];
  snprintf(buf, sizeof buf, "%.3f %g %e", 3.14159265, strtod("2.5e-3", NULL), 12345.678);
  puts(buf);
  char *p = malloc(1 << 20);
  memset(p, 'x', 1 << 20);
  printf("malloc ok %d\n", p[12345] == 'x');
  free(p);
  const char *home = getenv("HOME");
  printf("HOME=%s\n", home ? home : "(unset)");
  struct utsname u;
  uname(&u);
  printf("machine=%s\n", u.machine);
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("monotonic ok %d\n", b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec));
  fprintf(stderr, "to stderr\n");
  return 3;
}
