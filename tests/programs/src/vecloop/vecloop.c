/* Loops clang -O3 vectorises with AdvSIMD: reductions, saxpy, histograms, min/max, shuffles. */
#include "../../lib/rt.h"

#define N 4096
static int a[N], b[N], c[N];
static float fx[N], fy[N];
static double dx[N], dy[N];
static unsigned char bytes[N];
static short s16[N];

__attribute__((noinline)) static long sum_int(const int *p, int n) {
  long s = 0;
  for (int i = 0; i < n; i++) s += p[i];
  return s;
}

__attribute__((noinline)) static void saxpy(float k, const float *x, float *y, int n) {
  for (int i = 0; i < n; i++) y[i] = k * x[i] + y[i];
}

__attribute__((noinline)) static double dot(const double *x, const double *y, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += x[i] * y[i];
  return s;
}

__attribute__((noinline)) static void add_arrays(int *r, const int *x, const int *y, int n) {
  for (int i = 0; i < n; i++) r[i] = x[i] * 3 + (y[i] >> 2) - (x[i] & y[i]);
}

__attribute__((noinline)) static int max_int(const int *p, int n) {
  int m = p[0];
  for (int i = 1; i < n; i++) m = p[i] > m ? p[i] : m;
  return m;
}

__attribute__((noinline)) static unsigned sum_bytes(const unsigned char *p, int n) {
  unsigned s = 0;
  for (int i = 0; i < n; i++) s += p[i];
  return s;
}

__attribute__((noinline)) static void clamp16(short *p, int n, short lo, short hi) {
  for (int i = 0; i < n; i++) p[i] = p[i] < lo ? lo : p[i] > hi ? hi : p[i];
}

__attribute__((noinline)) static void reverse(int *p, int n) {
  for (int i = 0; i < n / 2; i++) {
    int t = p[i];
    p[i] = p[n - 1 - i];
    p[n - 1 - i] = t;
  }
}

__attribute__((noinline)) static unsigned count_eq(const unsigned char *p, int n, unsigned char v) {
  unsigned k = 0;
  for (int i = 0; i < n; i++) k += p[i] == v;
  return k;
}

__attribute__((noinline)) static float fsum(const float *p, int n) {
  float s = 0;
  for (int i = 0; i < n; i++) s += p[i] * p[i];
  return s;
}

int main(void) {
  unsigned x = 12345;
  for (int i = 0; i < N; i++) {
    x = x * 1103515245u + 12345u;
    a[i] = (int)(x >> 8) % 20001 - 10000;
    b[i] = (int)(x >> 3) & 0xffff;
    bytes[i] = (unsigned char)(x >> 17);
    s16[i] = (short)(x >> 11);
    fx[i] = (float)(i % 97) * 0.25f;
    fy[i] = (float)(i % 13) - 6.0f;
    dx[i] = (double)i * 0.001;
    dy[i] = 1.0 / (double)(i + 1);
  }
  printf("sum a = %ld\n", sum_int(a, N));
  printf("max a = %d\n", max_int(a, N));
  add_arrays(c, a, b, N);
  printf("sum c = %ld, c[17] = %d\n", sum_int(c, N), c[17]);
  saxpy(1.5f, fx, fy, N);
  printf("saxpy y[100] = %g, y[4095] = %g\n", (double)fy[100], (double)fy[4095]);
  printf("fsum = %.3f\n", (double)fsum(fy, N));
  printf("dot = %.9f\n", dot(dx, dy, N));
  printf("bytes: sum %u, count(7) %u\n", sum_bytes(bytes, N), count_eq(bytes, N, 7));
  clamp16(s16, N, -1000, 1000);
  long s = 0;
  for (int i = 0; i < N; i++) s += s16[i] * (i & 7);
  printf("clamp16 weighted sum = %ld\n", s);
  reverse(a, N);
  printf("reversed a[0] = %d a[4095] = %d\n", a[0], a[N - 1]);
  unsigned h = 0;
  for (int i = 0; i < N; i++) h = h * 31 + (unsigned)c[i];
  printf("hash c = %08x\n", h);
  return 0;
}
