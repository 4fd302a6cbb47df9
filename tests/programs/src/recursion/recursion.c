/* Recursion: fib, Ackermann, Hanoi, N-queens, permutations, mutual recursion, flood fill. */
#include "../../lib/rt.h"

static long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static long ack(long m, long n) {
  if (m == 0) return n + 1;
  if (n == 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}

static long moves;
static void hanoi(int n, int from, int to, int via) {
  if (n == 0) return;
  hanoi(n - 1, from, via, to);
  moves++;
  hanoi(n - 1, via, to, from);
}

static int queens(int n, int row, unsigned cols, unsigned d1, unsigned d2) {
  if (row == n) return 1;
  int count = 0;
  for (int c = 0; c < n; c++) {
    unsigned bc = 1u << c, b1 = 1u << (row + c), b2 = 1u << (row - c + n);
    if ((cols & bc) || (d1 & b1) || (d2 & b2)) continue;
    count += queens(n, row + 1, cols | bc, d1 | b1, d2 | b2);
  }
  return count;
}

static long perm_sum;
static int perm_count;
static void permute(int *a, int k, int n) {
  if (k == n) {
    long v = 0;
    for (int i = 0; i < n; i++) v = v * 10 + a[i];
    perm_sum += v % 9973;
    perm_count++;
    return;
  }
  for (int i = k; i < n; i++) {
    int t = a[k]; a[k] = a[i]; a[i] = t;
    permute(a, k + 1, n);
    t = a[k]; a[k] = a[i]; a[i] = t;
  }
}

static int is_odd(unsigned n);
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

static char grid[12][24];
static int fill(int r, int c) {
  if (r < 0 || r >= 12 || c < 0 || c >= 24 || grid[r][c] != '.') return 0;
  grid[r][c] = '~';
  return 1 + fill(r + 1, c) + fill(r - 1, c) + fill(r, c + 1) + fill(r, c - 1);
}

int main(void) {
  printf("fib(24) = %ld\n", fib(24));
  printf("ack(2,3) = %ld, ack(3,4) = %ld\n", ack(2, 3), ack(3, 4));
  hanoi(14, 1, 3, 2);
  printf("hanoi(14) moves = %ld\n", moves);
  for (int n = 4; n <= 8; n++) printf("queens(%d) = %d\n", n, queens(n, 0, 0, 0, 0));
  int a[7] = {1, 2, 3, 4, 5, 6, 7};
  permute(a, 0, 7);
  printf("permutations %d checksum %ld\n", perm_count, perm_sum);
  printf("is_even(1001) = %d, is_odd(777) = %d\n", is_even(1001), is_odd(777));
  for (int r = 0; r < 12; r++)
    for (int c = 0; c < 24; c++) grid[r][c] = (r * 7 + c * 3) % 5 == 0 || c == 11 ? '#' : '.';
  printf("flood filled %d cells\n", fill(1, 0));
  for (int r = 0; r < 12; r++) {
    write(1, grid[r], 24);
    write(1, "\n", 1);
  }
  return 0;
}
