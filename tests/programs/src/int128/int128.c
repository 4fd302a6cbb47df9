/* 128-bit integers: factorials, printing through division, mulmod, Miller-Rabin, signed ops. */
#include "../../lib/rt.h"

typedef unsigned __int128 u128;
typedef __int128 i128;

static char *u128_str(u128 v, char *end) {
  *--end = 0;
  do {
    *--end = (char)('0' + (int)(v % 10));
    v /= 10;
  } while (v);
  return end;
}

static char *i128_str(i128 v, char *end) {
  if (v >= 0) return u128_str((u128)v, end);
  char *s = u128_str(-(u128)v, end);
  *--s = '-';
  return s;
}

static unsigned long mulmod(unsigned long a, unsigned long b, unsigned long m) { return (unsigned long)((u128)a * b % m); }

static unsigned long powmod(unsigned long b, unsigned long e, unsigned long m) {
  unsigned long r = 1;
  b %= m;
  while (e) {
    if (e & 1) r = mulmod(r, b, m);
    b = mulmod(b, b, m);
    e >>= 1;
  }
  return r;
}

static int is_prime(unsigned long n) {
  if (n < 2) return 0;
  static const unsigned long bases[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
  for (int i = 0; i < 12; i++)
    if (n % bases[i] == 0) return n == bases[i];
  unsigned long d = n - 1;
  int s = 0;
  while ((d & 1) == 0) d >>= 1, s++;
  for (int i = 0; i < 12; i++) {
    unsigned long x = powmod(bases[i], d, n);
    if (x == 1 || x == n - 1) continue;
    int comp = 1;
    for (int r = 1; r < s; r++) {
      x = mulmod(x, x, n);
      if (x == n - 1) {
        comp = 0;
        break;
      }
    }
    if (comp) return 0;
  }
  return 1;
}

int main(void) {
  char buf[64];
  u128 f = 1;
  for (int i = 1; i <= 34; i++) {
    f *= (u128)i;
    if (i % 5 == 0 || i >= 32) printf("%d! = %s\n", i, u128_str(f, buf + sizeof buf));
  }
  u128 max = ~(u128)0;
  printf("2^128-1 = %s\n", u128_str(max, buf + sizeof buf));
  i128 neg = -((i128)1 << 100) - 12345;
  printf("-(2^100)-12345 = %s\n", i128_str(neg, buf + sizeof buf));
  printf("div: %s", i128_str(neg / 1000000007, buf + sizeof buf));
  printf(" mod: %s\n", i128_str(neg % 1000000007, buf + sizeof buf));
  u128 a = ((u128)0xfedcba9876543210ull << 64) | 0x0123456789abcdefull;
  u128 b = ((u128)0x1ull << 64) | 0xffffffffull;
  printf("a / b = %s", u128_str(a / b, buf + sizeof buf));
  printf(", a %% b = %s\n", u128_str(a % b, buf + sizeof buf));
  printf("a >> 67 = %llx, a << 3 hi = %llx\n", (unsigned long long)(a >> 67), (unsigned long long)((a << 3) >> 64));
  unsigned long ps[] = {1000000007ul, 1000000009ul, 4294967291ul, 18446744073709551557ul, 18446744073709551559ul,
                        9999999967ul, 561ul, 3215031751ul, 2305843009213693951ul, 2305843009213693953ul};
  for (int i = 0; i < 10; i++) printf("is_prime(%lu) = %d\n", ps[i], is_prime(ps[i]));
  printf("powmod(3, 10^18, 2^61-1) = %lu\n", powmod(3, 1000000000000000000ul, 2305843009213693951ul));
  i128 x = (i128)-7 * (i128)0x7fffffffffffffffll * 3;
  printf("signed product = %s, cmp %d %d\n", i128_str(x, buf + sizeof buf), x < 0, (u128)x > ((u128)1 << 127));
  return 0;
}
