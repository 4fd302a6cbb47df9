/* Dense linear algebra in double: matrix multiply (two loop orders), LU determinant, norms. */
#include "../../lib/rt.h"

#define N 40
static double A[N][N], B[N][N], C[N][N], D[N][N], BT[N][N];

static void mul_ijk(double (*r)[N], double (*x)[N], double (*y)[N]) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      double s = 0;
      for (int k = 0; k < N; k++) s += x[i][k] * y[k][j];
      r[i][j] = s;
    }
}

static void mul_ikj(double (*r)[N], double (*x)[N], double (*y)[N]) {
  for (int i = 0; i < N; i++) {
    for (int j = 0; j < N; j++) r[i][j] = 0;
    for (int k = 0; k < N; k++) {
      double a = x[i][k];
      for (int j = 0; j < N; j++) r[i][j] += a * y[k][j];
    }
  }
}

static double det(int n, double (*m)[8]) {
  double d = 1;
  for (int c = 0; c < n; c++) {
    int p = c;
    for (int r = c + 1; r < n; r++)
      if (__builtin_fabs(m[r][c]) > __builtin_fabs(m[p][c])) p = r;
    if (m[p][c] == 0) return 0;
    if (p != c) {
      for (int k = 0; k < n; k++) {
        double t = m[p][k];
        m[p][k] = m[c][k];
        m[c][k] = t;
      }
      d = -d;
    }
    d *= m[c][c];
    for (int r = c + 1; r < n; r++) {
      double f = m[r][c] / m[c][c];
      for (int k = c; k < n; k++) m[r][k] -= f * m[c][k];
    }
  }
  return d;
}

int main(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      A[i][j] = (double)((i * 7 + j * 3) % 11) - 5.0 + 0.5 * (i == j);
      B[i][j] = 1.0 / (1.0 + i + j);
    }
  mul_ijk(C, A, B);
  mul_ikj(D, A, B);
  double trace = 0, maxdiff = 0, frob = 0;
  for (int i = 0; i < N; i++) {
    trace += C[i][i];
    for (int j = 0; j < N; j++) {
      double d = __builtin_fabs(C[i][j] - D[i][j]);
      if (d > maxdiff) maxdiff = d;
      frob += C[i][j] * C[i][j];
    }
  }
  printf("trace(AB) = %.10f\n", trace);
  printf("frobenius = %.10e\n", __builtin_sqrt(frob));
  printf("ijk vs ikj max diff = %.3e\n", maxdiff);
  printf("C[0][0..3] = %.6f %.6f %.6f %.6f\n", C[0][0], C[0][1], C[0][2], C[0][3]);
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) BT[j][i] = B[i][j];
  double sym = 0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) sym += __builtin_fabs(B[i][j] - BT[i][j]);
  printf("hilbert-like B symmetric: %s\n", sym == 0 ? "yes" : "no");
  for (int n = 2; n <= 8; n++) {
    double h[8][8];
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) h[i][j] = 1.0 / (i + j + 1);
    printf("det(hilbert %d) = %.6e\n", n, det(n, h));
  }
  double m[8][8] = {{2, -1, 0}, {-1, 2, -1}, {0, -1, 2}};
  printf("det(tridiag 3) = %g\n", det(3, m));
  return 0;
}
