/* 128-bit division helpers the compiler calls (compiler-rt's names), by shift and subtract. */
typedef unsigned __int128 u128;
typedef __int128 i128;
typedef unsigned long u64;

static int clz128(u128 x) {
  u64 h = (u64)(x >> 64);
  return h ? __builtin_clzll(h) : 64 + __builtin_clzll((u64)x);
}

static u128 udivmod(u128 n, u128 d, u128 *rem) {
  if (d == 0) {
    __builtin_trap();
  }
  u64 nh = (u64)(n >> 64), dh = (u64)(d >> 64);
  if (nh == 0 && dh == 0) {
    u64 nl = (u64)n, dl = (u64)d;
    if (rem) *rem = nl % dl;
    return nl / dl;
  }
  if (d > n) {
    if (rem) *rem = n;
    return 0;
  }
  int shift = clz128(d) - clz128(n);
  u128 q = 0;
  u128 dd = d << shift;
  for (int i = shift; i >= 0; i--) {
    q <<= 1;
    if (n >= dd) {
      n -= dd;
      q |= 1;
    }
    dd >>= 1;
  }
  if (rem) *rem = n;
  return q;
}

u128 __udivti3(u128 a, u128 b) { return udivmod(a, b, 0); }
u128 __umodti3(u128 a, u128 b) {
  u128 r;
  udivmod(a, b, &r);
  return r;
}
i128 __divti3(i128 a, i128 b) {
  int neg = (a < 0) ^ (b < 0);
  u128 q = udivmod(a < 0 ? -(u128)a : (u128)a, b < 0 ? -(u128)b : (u128)b, 0);
  return neg ? -(i128)q : (i128)q;
}
i128 __modti3(i128 a, i128 b) {
  u128 r;
  udivmod(a < 0 ? -(u128)a : (u128)a, b < 0 ? -(u128)b : (u128)b, &r);
  return a < 0 ? -(i128)r : (i128)r;
}
