/* Matrices: integer and double multiplication (blocked loops), transpose, trace. */
#include "wl.h"

#define N 40

static int32_t ia[N][N], ib[N][N], ic[N][N];
static double da[N][N], db[N][N], dc[N][N];

static void imul(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      int32_t s = 0;
      for (int k = 0; k < N; k++) s += ia[i][k] * ib[k][j];
      ic[i][j] = s;
    }
}

static void dmul(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) dc[i][j] = 0.0;
  for (int i = 0; i < N; i++)
    for (int k = 0; k < N; k++) {
      double a = da[i][k];
      for (int j = 0; j < N; j++) dc[i][j] += a * db[k][j];
    }
}

uint32_t wl_matrix(int rounds) {
  uint32_t seed = 0xbeef01u, sum = 0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      ia[i][j] = (int32_t)(wl_next(&seed) % 19u) - 9;
      ib[i][j] = (int32_t)(wl_next(&seed) % 23u) - 11;
      da[i][j] = (double)(int32_t)(wl_next(&seed) % 2001u - 1000u) / 256.0;
      db[i][j] = (double)(int32_t)(wl_next(&seed) % 2001u - 1000u) / 512.0;
    }
  for (int r = 0; r < rounds; r++) {
    imul();
    dmul();
    /* Feed results back (transposed) so rounds depend on each other. */
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) {
        ia[i][j] = (ic[j][i] & 15) - 7;
        da[i][j] = dc[j][i] * (1.0 / 64.0);
      }
    int64_t tr = 0;
    double dt = 0.0;
    for (int i = 0; i < N; i++) {
      tr += ic[i][i];
      dt += dc[i][i];
    }
    sum = sum * 33u + (uint32_t)tr + (uint32_t)(int64_t)(dt * 1024.0);
  }
  return sum;
}
