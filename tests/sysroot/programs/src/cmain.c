/* A C program on glibc: stdio (%g, %e, %s, %x), strtod, libm, qsort, setjmp/longjmp, atexit,
 * malloc/free, a static constructor; `lib.c` may be linked lazily. */
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double poly(double x);
int sorted_median(int *v, int n);
void jump_back(jmp_buf *env, int value);
const char *greeting(void);

static int constructed;
__attribute__((constructor)) static void init_first(void) { constructed = 42; }
static void bye(void) { printf("atexit handler ran\n"); }

int main(int argc, char **argv) {
  atexit(bye);
  printf("%s, constructed=%d argc=%d argv[1]=%s\n", greeting(), constructed, argc, argc > 1 ? argv[1] : "-");
  const char *nums[] = {"3.25", "-1e3", "0x1p-2", "  42.5abc", "inf"};
  for (int i = 0; i < 5; i++) {
    char *end;
    double d = strtod(nums[i], &end);
    printf("strtod(%s) = %g rest='%s'\n", nums[i], d, end);
  }
  printf("sin(1)=%.15g exp(2.5)=%g pow(2,0.5)=%.17g log10(12345)=%f\n", sin(1.0), exp(2.5), pow(2, 0.5), log10(12345.0));
  printf("poly(1.5)=%g %e %10.3f|%-8d|%x|%o\n", poly(1.5), poly(-2.0), poly(0.1), -17, 48879, 8);
  int v[] = {9, 4, 7, 1, 8, 2, 6, 3, 5};
  printf("median=%d sorted:", sorted_median(v, 9));
  for (int i = 0; i < 9; i++) printf(" %d", v[i]);
  printf("\n");
  jmp_buf env;
  int r = setjmp(env);
  if (r == 0) jump_back(&env, 7);
  printf("longjmp returned %d\n", r);
  char *buf = malloc(1000);
  snprintf(buf, 1000, "%s-%05.1f-%c", "snprintf", 3.14159, 'z');
  printf("%s len=%zu\n", buf, strlen(buf));
  free(buf);
  fprintf(stderr, "to stderr\n");
  return constructed == 42 ? 5 : 1;
}
