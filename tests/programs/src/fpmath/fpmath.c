/* Scalar floating point: series, Newton, conversions, rounding, single precision, printf. */
#include "../../lib/rt.h"

static double my_sin(double x) {
  double term = x, sum = x;
  for (int n = 1; n < 15; n++) {
    term *= -x * x / ((2 * n) * (2 * n + 1));
    sum += term;
  }
  return sum;
}

static double my_exp(double x) {
  double term = 1, sum = 1;
  for (int n = 1; n < 30; n++) {
    term *= x / n;
    sum += term;
  }
  return sum;
}

static double newton_cbrt(double a) {
  double x = a > 1 ? a / 3 : 1;
  for (int i = 0; i < 60; i++) x = x - (x * x * x - a) / (3 * x * x);
  return x;
}

int main(void) {
  double pi = 0;
  for (int k = 0; k < 200000; k++) pi += (k & 1 ? -4.0 : 4.0) / (2 * k + 1);
  printf("leibniz pi   %.10f\n", pi);
  printf("sqrt(2)      %.15f\n", __builtin_sqrt(2.0));
  printf("cbrt(1000)   %.12f\n", newton_cbrt(1000.0));
  printf("e            %.15g\n", my_exp(1.0));
  printf("sin(pi/6)    %.12f\n", my_sin(3.14159265358979323846 / 6));
  printf("exp(-5)      %e\n", my_exp(-5.0));
  double vals[] = {0.0, -0.0, 1.0, -1.5, 0.1, 123456.789, 1e-7, 6.02214076e23, 1.0 / 3, 2.5, 3.5, 999.9996};
  for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++)
    printf("%-14.6g|%12.4f|%.3e|%g\n", vals[i], vals[i], vals[i], vals[i]);
  printf("floor/ceil/trunc/round(-2.5): %g %g %g %g\n", __builtin_floor(-2.5), __builtin_ceil(-2.5),
         __builtin_trunc(-2.5), __builtin_round(-2.5));
  printf("fma(0.1,10,-1)=%.17g\n", __builtin_fma(0.1, 10.0, -1.0));
  printf("fmin/fmax: %g %g\n", __builtin_fmin(3.0, -7.25), __builtin_fmax(3.0, -7.25));
  double big = 9.007199254740993e15;
  long l = (long)big;
  unsigned long ul = (unsigned long)1.8446744073709550e19;
  printf("conv: %ld %lu %d %g %g\n", l, ul, (int)-3.99, (double)-17L, (double)0xfffffffffffffffful);
  float f = 1.0f;
  for (int i = 0; i < 10; i++) f = f * 1.1f + 0.01f;
  printf("float: %.7f %.9g\n", (double)f, (double)(f / 3.0f));
  float fs = __builtin_sqrtf(10.0f);
  printf("sqrtf(10)=%.7f abs=%g neg=%g\n", (double)fs, __builtin_fabs(-4.5), -vals[3]);
  double inf = __builtin_inf();
  printf("special: %f %f %f %e\n", inf, -inf, inf - inf, 1e308 * 10);
  printf("compare: %d %d %d %d\n", 0.1 + 0.2 == 0.3, 0.5 < 0.25, inf > 1e308, (inf - inf) == (inf - inf));
  double acc = 0;
  for (int i = 1; i <= 1000; i++) acc += 1.0 / ((double)i * i);
  printf("basel %.12f (pi^2/6 = %.12f)\n", acc, 3.14159265358979323846 * 3.14159265358979323846 / 6);
  printf("tiny %g %e %g\n", 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308);
  return 0;
}
