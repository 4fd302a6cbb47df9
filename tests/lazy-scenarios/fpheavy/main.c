/* FP-heavy code in lazy objects: double and float arithmetic, conversions, FP arguments through reentry. */
int printf(const char *fmt, ...);
double newton_sqrt(double x);
double exp_series(double x);
double sin_taylor(double x);
float dot_f(const float *a, const float *b, int n);
double det4(const double m[16]);
double simpson(double (*f)(double), double a, double b, int n);
double poly(double x);
long to_long(double x);
int to_int_f(float x);
double mean_var(const double *v, int n, double *var);

int main(void) {
  for (int i = 1; i <= 5; i++)
    printf("sqrt(%d) = %.17g  exp(%d/4) = %.17g  sin(%d/3) = %.17g\n", i, newton_sqrt(i), i, exp_series(i / 4.0), i,
           sin_taylor(i / 3.0));
  float a[7], b[7];
  for (int i = 0; i < 7; i++) {
    a[i] = 0.1f * (float)(i + 1);
    b[i] = 1.0f / (float)(i + 2);
  }
  printf("dot_f = %.9g\n", dot_f(a, b, 7));
  double m[16];
  for (int i = 0; i < 16; i++) m[i] = (double)((i * 7 + 3) % 11) - 4.5;
  printf("det4 = %.17g\n", det4(m));
  printf("simpson(poly, 0, 2, 64) = %.17g\n", simpson(poly, 0.0, 2.0, 64));
  printf("simpson(sin_taylor, 0, 1, 10) = %.17g\n", simpson(sin_taylor, 0.0, 1.0, 10));
  printf("to_long(-2.75e10) = %ld, to_int_f(-3.5) = %d, to_long(1e300) = %ld\n", to_long(-2.75e10), to_int_f(-3.5f),
         to_long(1e300));
  double v[6] = {1.5, -2.25, 3.0, 1e-3, 7.125, -0.5};
  double var;
  double mu = mean_var(v, 6, &var);
  printf("mean = %.17g var = %.17g\n", mu, var);
  printf("%%e: %e %.3e %g %g\n", newton_sqrt(2e-10), exp_series(-3.0), sin_taylor(1e-5), 1.0 / 3.0);
  return 0;
}
