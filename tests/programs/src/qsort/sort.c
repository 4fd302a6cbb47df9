/* A generic quicksort (median of three, insertion sort for small ranges) and binary search. */
#include "../../lib/rt.h"
#include "sort.h"

static void swap(char *a, char *b, unsigned long size) {
  while (size--) {
    char t = *a;
    *a++ = *b;
    *b++ = t;
  }
}

void my_qsort(void *base, unsigned long n, unsigned long size, cmp_fn cmp) {
  char *a = base;
  while (n > 8) {
    char *lo = a, *mid = a + (n / 2) * size, *hi = a + (n - 1) * size;
    if (cmp(mid, lo) < 0) swap(mid, lo, size);
    if (cmp(hi, mid) < 0) {
      swap(hi, mid, size);
      if (cmp(mid, lo) < 0) swap(mid, lo, size);
    }
    swap(mid, hi - size, size); /* pivot at n-2 */
    char *pivot = hi - size;
    char *i = lo, *j = pivot;
    for (;;) {
      do i += size; while (cmp(i, pivot) < 0);
      do j -= size; while (cmp(pivot, j) < 0);
      if (i >= j) break;
      swap(i, j, size);
    }
    swap(i, pivot, size);
    unsigned long left = (unsigned long)(i - a) / size;
    unsigned long right = n - left - 1;
    if (left < right) {
      my_qsort(a, left, size, cmp);
      a = i + size;
      n = right;
    } else {
      my_qsort(i + size, right, size, cmp);
      n = left;
    }
  }
  for (unsigned long k = 1; k < n; k++)
    for (char *p = a + k * size; p > a && cmp(p - size, p) > 0; p -= size) swap(p - size, p, size);
}

void *my_bsearch(const void *key, const void *base, unsigned long n, unsigned long size, cmp_fn cmp) {
  const char *a = base;
  while (n > 0) {
    const char *m = a + (n / 2) * size;
    int r = cmp(key, m);
    if (r == 0) return (void *)m;
    if (r > 0) {
      a = m + size;
      n -= n / 2 + 1;
    } else {
      n /= 2;
    }
  }
  return NULL;
}
