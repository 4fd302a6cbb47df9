/* Integer arithmetic: primes, gcd, collatz, division and remainder corners, bit operations. */
#include "../../lib/rt.h"

static unsigned char sieve[20001];

static unsigned long gcd(unsigned long a, unsigned long b) {
  while (b) {
    unsigned long t = a % b;
    a = b;
    b = t;
  }
  return a;
}

static unsigned isqrt(unsigned long n) {
  unsigned long x = n, y = (x + 1) / 2;
  while (y < x) {
    x = y;
    y = (x + n / x) / 2;
  }
  return (unsigned)x;
}

__attribute__((noinline)) static long sdiv(long a, long b) { return a / b; }
__attribute__((noinline)) static long smod(long a, long b) { return a % b; }
__attribute__((noinline)) static int sdiv32(int a, int b) { return a / b; }
__attribute__((noinline)) static unsigned udiv32(unsigned a, unsigned b) { return a / b; }

int main(void) {
  int count = 0;
  long sum = 0;
  for (int i = 2; i <= 20000; i++) {
    if (sieve[i]) continue;
    count++;
    sum += i;
    for (int j = i * 2; j <= 20000; j += i) sieve[j] = 1;
  }
  printf("primes <= 20000: %d, sum %ld\n", count, sum);
  printf("gcd(1071, 462)=%lu gcd(2^40, 6^20)=%lu\n", gcd(1071, 462), gcd(1ul << 40, 3656158440062976ul));
  int best = 0, arg = 0;
  for (int n = 1; n < 3000; n++) {
    unsigned long x = (unsigned long)n;
    int steps = 0;
    while (x != 1) {
      x = (x & 1) ? 3 * x + 1 : x / 2;
      steps++;
    }
    if (steps > best) best = steps, arg = n;
  }
  printf("longest collatz below 3000: %d (%d steps)\n", arg, best);
  long vals[] = {7, -7, 1, -1, 100, -100, 0x7fffffffffffffffl, -0x7fffffffffffffffl - 1};
  long divs[] = {2, -2, 3, -3, 7};
  for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++)
    for (unsigned j = 0; j < sizeof divs / sizeof divs[0]; j++)
      printf("%ld/%ld=%ld r%ld%s", vals[i], divs[j], sdiv(vals[i], divs[j]), smod(vals[i], divs[j]),
             j + 1 == sizeof divs / sizeof divs[0] ? "\n" : "  ");
  printf("int: %d %d %u %u\n", sdiv32(-2147483647 - 1, 3), sdiv32(1000000, -7), udiv32(0xffffffffu, 10),
         udiv32(12345, 0x10000));
  unsigned long h = 0x0123456789abcdefull;
  printf("popcount=%d clz=%d ctz=%d\n", __builtin_popcountll(h), __builtin_clzll(h), __builtin_ctzll(h << 4));
  printf("bswap=%016lx rbit=%08x\n", __builtin_bswap64(h), __builtin_bitreverse32(0x12345678u));
  printf("rotl=%016lx ror=%08x\n", (h << 13) | (h >> 51), (0xdeadbeefu >> 5) | (0xdeadbeefu << 27));
  unsigned long m = 0;
  for (unsigned long k = 1; k < 1000; k++) m += (k * 0x9e3779b97f4a7c15ull) >> (k & 31);
  printf("mix=%lx\n", m);
  printf("isqrt(10^12)=%u isqrt(2^62)=%u\n", isqrt(1000000000000ul), isqrt(1ul << 62));
  long long mulhi = (long long)(((__int128)0x123456789abcdefll * 0xfedcba987654321ll) >> 64);
  printf("mulhi=%llx\n", mulhi);
  signed char sc = -5;
  short ss = -1234;
  unsigned char uc = 250;
  printf("ext: %d %d %u %ld\n", sc, ss, uc, (long)(int)0x80000000u);
  int ov;
  printf("overflow: %d\n", __builtin_add_overflow(0x7fffffff, 1, &ov));
  return 3;
}
