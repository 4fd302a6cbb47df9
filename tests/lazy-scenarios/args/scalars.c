/* Lazy: scalar argument passing (registers and stack). */
long many_int(long a, long b, long c, long d, long e, long f, long g, long h, long s0, long s1) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * s0 + 10 * s1;
}

double many_fp(double a, double b, double c, double d, double e, double f, double g, double h, double s0,
               double s1) {
  return a - b * 0.5 + c * 0.25 - d / 3 + e * f - g / h + s0 * 1.5 - s1;
}

double mixed(int a0, long a1, int a2, long a3, int a4, long a5, int a6, long a7, double d0, float d1, double d2,
             float d3, double d4, float d5, double d6, float d7, long s0, double s1, char s2, float s3, long s4) {
  double r = (double)a0 + (double)a1 * 1e-9 + a2 + a3 + a4 + a5 + a6 + a7;
  r = r * 2 + d0 + d1 * 2 + d2 * 3 + d3 * 4 + d4 * 5 + d5 * 6 + d6 * 7 + d7 * 8;
  return r + (double)s0 / 7 + s1 + s2 + s3 * 0.5 + (double)s4;
}
