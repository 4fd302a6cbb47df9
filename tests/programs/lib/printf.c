/*
 * A small printf: flags - + space # 0, width, precision (also *), length hh h l ll z j t,
 * conversions d i u x X o c s p f F e E g G %. Doubles are printed exactly (big-integer
 * expansion) and rounded half to even, so the text matches glibc's.
 */
#include "rt.h"

struct out {
  char *buf;
  size_t cap;
  size_t len;
};

static void put(struct out *o, char c) {
  if (o->len + 1 < o->cap) o->buf[o->len] = c;
  o->len++;
}

static void pad(struct out *o, char c, int n) {
  while (n-- > 0) put(o, c);
}

/* Emits prefix + body with width/flags; zero padding goes between prefix and body. */
static void emit(struct out *o, const char *prefix, const char *body, int blen, int width, int left, int zero) {
  int plen = (int)strlen(prefix);
  int fill = width - plen - blen;
  if (!left && !zero) pad(o, ' ', fill);
  for (int i = 0; i < plen; i++) put(o, prefix[i]);
  if (!left && zero) pad(o, '0', fill);
  for (int i = 0; i < blen; i++) put(o, body[i]);
  if (left) pad(o, ' ', fill);
}

static int utoa(char *end, unsigned long long v, unsigned base, int upper) {
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  int n = 0;
  do {
    *--end = digits[v % base];
    v /= base;
    n++;
  } while (v);
  return n;
}

/*
 * Exact decimal expansion of a finite double v > 0: v = 0.D1D2...Dn x 10^point. The mantissa is
 * scaled in a big integer of base-1e9 limbs (by 2^e, or by 5^-e with the point moved), so every
 * digit is exact; rounding is then half-to-even on the exact digits, as glibc does.
 */
#define LIMBS 130
static int expand(double v, char *dig, int *point) {
  unsigned long bits;
  __builtin_memcpy(&bits, &v, 8);
  int be = (int)((bits >> 52) & 0x7ff);
  unsigned long mant = bits & ((1ul << 52) - 1);
  if (be) mant |= 1ul << 52;
  else be = 1;
  int e2 = be - 1075;
  while (mant && !(mant & 1)) mant >>= 1, e2++;
  unsigned limb[LIMBS];
  int n = 0;
  while (mant) limb[n++] = (unsigned)(mant % 1000000000ul), mant /= 1000000000ul;
  int shift10 = 0;
  int k = e2 >= 0 ? e2 : -e2;
  while (k > 0) {
    unsigned long step = (unsigned long)(e2 >= 0 ? (k >= 29 ? 29 : k) : (k >= 13 ? 13 : k));
    unsigned long mul = 1;
    for (unsigned long i = 0; i < step; i++) mul *= e2 >= 0 ? 2 : 5;
    unsigned long carry = 0;
    for (int i = 0; i < n; i++) {
      unsigned long t = (unsigned long)limb[i] * mul + carry;
      limb[i] = (unsigned)(t % 1000000000ul);
      carry = t / 1000000000ul;
    }
    while (carry) limb[n++] = (unsigned)(carry % 1000000000ul), carry /= 1000000000ul;
    k -= (int)step;
  }
  if (e2 < 0) shift10 = e2;
  int len = 0;
  for (int i = n - 1; i >= 0; i--) {
    char t[9];
    unsigned x = limb[i];
    for (int j = 8; j >= 0; j--) t[j] = (char)('0' + x % 10), x /= 10;
    int j = 0;
    if (i == n - 1)
      while (j < 8 && t[j] == '0') j++;
    for (; j < 9; j++) dig[len++] = t[j];
  }
  while (len > 1 && dig[len - 1] == '0') len--, shift10++;
  *point = len + shift10;
  return len;
}

/*
 * Keeps the first `keep` digits (keep may be 0 or negative: nothing kept), rounding half to
 * even on the rest. Returns the new digit count; on a carry out of the top, point grows by one.
 */
static int round_digits(char *dig, int len, int keep, int *point) {
  if (keep >= len) return len;
  if (keep < 0) return 0;
  int up;
  char next = dig[keep];
  if (next > '5') up = 1;
  else if (next < '5') up = 0;
  else {
    int rest = 0;
    for (int i = keep + 1; i < len; i++) rest |= dig[i] != '0';
    up = rest || (keep > 0 && ((dig[keep - 1] - '0') & 1));
  }
  if (!up) return keep;
  int i = keep - 1;
  while (i >= 0 && dig[i] == '9') dig[i--] = '0';
  if (i >= 0) {
    dig[i]++;
    return keep;
  }
  dig[0] = '1';
  for (int j = 1; j <= keep; j++) dig[j] = '0';
  (*point)++;
  return keep + 1;
}

/* Formats |v| (finite) into buf; returns its length. kind: 'f', 'e' or 'g'. */
static int fmt_double(char *buf, double v, int prec, char kind, int alt, int upper) {
  char dig[800];
  int n = 0, point = 1, len = 0;
  if (v != 0) len = expand(v, dig, &point);
  if (kind == 'g') {
    int p = prec == 0 ? 1 : prec;
    int x = 0;
    if (len) {
      char tmp[800];
      int pt = point;
      __builtin_memcpy(tmp, dig, (unsigned long)len);
      round_digits(tmp, len, p, &pt);
      x = pt - 1;
    }
    if (x < -4 || x >= p) n = fmt_double(buf, v, p - 1, 'e', alt, upper);
    else n = fmt_double(buf, v, p - 1 - x, 'f', alt, upper);
    if (!alt) {
      int epos = n;
      for (int i = 0; i < n; i++)
        if (buf[i] == 'e' || buf[i] == 'E') epos = i;
      int has_point = 0;
      for (int i = 0; i < epos; i++) has_point |= buf[i] == '.';
      if (has_point) {
        int k = epos;
        while (k > 0 && buf[k - 1] == '0') k--;
        if (k > 0 && buf[k - 1] == '.') k--;
        int tail = n - epos;
        for (int i = 0; i < tail; i++) buf[k + i] = buf[epos + i];
        n = k + tail;
      }
    }
    return n;
  }
  if (kind == 'e') {
    int e10 = 0;
    if (len) {
      len = round_digits(dig, len, prec + 1, &point);
      e10 = point - 1;
    }
    buf[n++] = len ? dig[0] : '0';
    if (prec > 0 || alt) buf[n++] = '.';
    for (int i = 1; i <= prec; i++) buf[n++] = i < len ? dig[i] : '0';
    buf[n++] = upper ? 'E' : 'e';
    buf[n++] = e10 < 0 ? '-' : '+';
    int ae = e10 < 0 ? -e10 : e10;
    if (ae >= 100) buf[n++] = (char)('0' + ae / 100);
    buf[n++] = (char)('0' + (ae / 10) % 10);
    buf[n++] = (char)('0' + ae % 10);
    return n;
  }
  /* 'f': digit i of dig sits at 10^(point-1-i); print 10^max(point-1,0) down to 10^-prec. */
  if (len) {
    int keep = point + prec;
    if (keep < 0) len = 0;
    else if (keep == 0) {
      /* everything is below half a unit of the last place, or rounds up to exactly one unit */
      int up = dig[0] > '5' || (dig[0] == '5' && len > 1);
      len = 0;
      if (up) {
        dig[0] = '1';
        len = 1;
        point++;
      }
    } else {
      len = round_digits(dig, len, keep, &point);
    }
  }
  for (int pos = point - 1 > 0 ? point - 1 : 0; pos >= -prec; pos--) {
    if (pos == -1) buf[n++] = '.';
    int idx = point - 1 - pos;
    buf[n++] = (idx >= 0 && idx < len) ? dig[idx] : '0';
  }
  if (prec == 0 && alt) buf[n++] = '.';
  return n;
}

int vsnprintf(char *buf, size_t cap, const char *f, va_list ap) {
  struct out o = {buf, cap, 0};
  for (; *f; f++) {
    if (*f != '%') {
      put(&o, *f);
      continue;
    }
    f++;
    int left = 0, plus = 0, space = 0, alt = 0, zero = 0;
    for (;; f++) {
      if (*f == '-') left = 1;
      else if (*f == '+') plus = 1;
      else if (*f == ' ') space = 1;
      else if (*f == '#') alt = 1;
      else if (*f == '0') zero = 1;
      else break;
    }
    int width = 0, prec = -1;
    if (*f == '*') {
      width = va_arg(ap, int);
      if (width < 0) left = 1, width = -width;
      f++;
    } else {
      while (*f >= '0' && *f <= '9') width = width * 10 + (*f++ - '0');
    }
    if (*f == '.') {
      f++;
      prec = 0;
      if (*f == '*') {
        prec = va_arg(ap, int);
        f++;
      } else {
        while (*f >= '0' && *f <= '9') prec = prec * 10 + (*f++ - '0');
      }
    }
    int len = 0; /* 0 int, 1 long, 2 long long, -1 short, -2 char */
    for (;; f++) {
      if (*f == 'l') len = len >= 1 ? 2 : 1;
      else if (*f == 'h') len = len == -1 ? -2 : -1;
      else if (*f == 'z' || *f == 'j' || *f == 't') len = 1;
      else break;
    }
    char tmp[720];
    char *end = tmp + sizeof tmp;
    char c = *f;
    if (c == 0) break;
    switch (c) {
    case 'd':
    case 'i': {
      long long v = len >= 1 ? va_arg(ap, long long) : va_arg(ap, int);
      if (len == -1) v = (short)v;
      if (len == -2) v = (signed char)v;
      unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
      int n = (prec == 0 && u == 0) ? 0 : utoa(end, u, 10, 0);
      char *s = end - n;
      while (prec > n) *--s = '0', n++;
      const char *pre = v < 0 ? "-" : plus ? "+" : space ? " " : "";
      emit(&o, pre, s, n, width, left, zero && prec < 0);
      break;
    }
    case 'u':
    case 'x':
    case 'X':
    case 'o': {
      unsigned long long u = len >= 1 ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned);
      if (len == -1) u = (unsigned short)u;
      if (len == -2) u = (unsigned char)u;
      unsigned base = c == 'u' ? 10 : c == 'o' ? 8 : 16;
      int n = (prec == 0 && u == 0) ? 0 : utoa(end, u, base, c == 'X');
      char *s = end - n;
      while (prec > n) *--s = '0', n++;
      const char *pre = "";
      if (alt && u != 0 && base == 16) pre = c == 'X' ? "0X" : "0x";
      if (alt && base == 8 && (n == 0 || s[0] != '0')) *--s = '0', n++;
      emit(&o, pre, s, n, width, left, zero && prec < 0);
      break;
    }
    case 'p': {
      unsigned long long u = (unsigned long long)(uintptr_t)va_arg(ap, void *);
      int n = utoa(end, u, 16, 0);
      emit(&o, "0x", end - n, n, width, left, 0);
      break;
    }
    case 'c': {
      char ch = (char)va_arg(ap, int);
      emit(&o, "", &ch, 1, width, left, 0);
      break;
    }
    case 's': {
      const char *s = va_arg(ap, const char *);
      if (!s) s = "(null)";
      int n = 0;
      while (s[n] && (prec < 0 || n < prec)) n++;
      emit(&o, "", s, n, width, left, 0);
      break;
    }
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G': {
      double v = va_arg(ap, double);
      int upper = c == 'F' || c == 'E' || c == 'G';
      int neg = __builtin_signbit(v) != 0;
      const char *pre = neg ? "-" : plus ? "+" : space ? " " : "";
      if (neg) v = -v;
      if (v != v || v == __builtin_inf()) {
        const char *t = v != v ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");
        emit(&o, pre, t, 3, width, left, 0);
        break;
      }
      if (prec < 0) prec = 6;
      if (prec > 300) prec = 300;
      char kind = (c == 'f' || c == 'F') ? 'f' : (c == 'e' || c == 'E') ? 'e' : 'g';
      int n = fmt_double(tmp, v, prec, kind, alt, upper);
      emit(&o, pre, tmp, n, width, left, zero);
      break;
    }
    case '%':
      put(&o, '%');
      break;
    default:
      put(&o, '%');
      put(&o, c);
      break;
    }
  }
  if (cap > 0) buf[o.len < cap ? o.len : cap - 1] = 0;
  return (int)o.len;
}

int snprintf(char *buf, size_t n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = vsnprintf(buf, n, fmt, ap);
  va_end(ap);
  return r;
}

static int vdprintf_(int fd, const char *fmt, va_list ap) {
  char small[512];
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  if ((size_t)n < sizeof small) {
    write(fd, small, (size_t)n);
  } else {
    char *big = malloc((size_t)n + 1);
    vsnprintf(big, (size_t)n + 1, fmt, ap2);
    write(fd, big, (size_t)n);
    free(big);
  }
  va_end(ap2);
  return n;
}

int vprintf(const char *fmt, va_list ap) { return vdprintf_(1, fmt, ap); }

int printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = vdprintf_(1, fmt, ap);
  va_end(ap);
  return r;
}

int fprintf2(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = vdprintf_(2, fmt, ap);
  va_end(ap);
  return r;
}

int puts(const char *s) {
  size_t n = strlen(s);
  write(1, s, n);
  write(1, "\n", 1);
  return (int)n + 1;
}

int putchar(int c) {
  char ch = (char)c;
  write(1, &ch, 1);
  return c;
}
