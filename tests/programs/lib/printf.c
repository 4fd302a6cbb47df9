/*
 * A small printf: flags - + space # 0, width, precision (also *), length hh h l ll z j t,
 * conversions d i u x X o c s p f F e E g G %. Doubles are printed from 17 significant digits
 * obtained by scaling into [1e16, 1e17), then rounded half-up in integer arithmetic.
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

static const double POW10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16};
static const unsigned long long IPOW10[] = {1ull,
                                            10ull,
                                            100ull,
                                            1000ull,
                                            10000ull,
                                            100000ull,
                                            1000000ull,
                                            10000000ull,
                                            100000000ull,
                                            1000000000ull,
                                            10000000000ull,
                                            100000000000ull,
                                            1000000000000ull,
                                            10000000000000ull,
                                            100000000000000ull,
                                            1000000000000000ull,
                                            10000000000000000ull,
                                            100000000000000000ull};

/* v > 0 finite: 17 significant digits in *m (1e16 <= m < 1e17) and the decimal exponent. */
static int decompose(double v, unsigned long long *m) {
  int e = 0;
  while (v >= 1e17) {
    if (v >= 1e116) v /= 1e100, e += 100;
    else if (v >= 1e33) v /= 1e16, e += 16;
    else v /= 10, e += 1;
  }
  while (v < 1e16) {
    if (v < 1e-84) v *= 1e100, e -= 100;
    else if (v < 1) v *= 1e16, e -= 16;
    else v *= 10, e -= 1;
  }
  unsigned long long r = (unsigned long long)(v + 0.5);
  if (r >= IPOW10[17]) r /= 10, e++;
  *m = r;
  return e + 16; /* value = m / 1e16 * 10^(e+16) */
}

/* Rounds the 17-digit m to n significant digits (0 <= n <= 17); returns the digits, may carry. */
static unsigned long long round_to(unsigned long long m, int n, int *carry) {
  *carry = 0;
  if (n >= 17) return m;
  unsigned long long d = IPOW10[17 - n];
  unsigned long long q = m / d, r = m % d;
  if (r * 2 >= d) q++;
  if (q >= IPOW10[n]) {
    *carry = 1;
    q /= 10;
    if (n == 0) q = 1;
  }
  return q;
}

/* Digits of q (exactly n of them, n <= 17, leading zeros kept) into s. */
static void digits_of(char *s, unsigned long long q, int n) {
  for (int i = n - 1; i >= 0; i--) {
    s[i] = (char)('0' + q % 10);
    q /= 10;
  }
}

/* Formats |v| (finite) into buf; returns its length. kind: 'f', 'e' or 'g'. */
static int fmt_double(char *buf, double v, int prec, char kind, int alt, int upper) {
  char dig[40];
  int n = 0;
  unsigned long long m = 0;
  int e10 = 0;
  int zero = v == 0;
  if (!zero) e10 = decompose(v, &m);
  if (kind == 'g') {
    int p = prec == 0 ? 1 : prec;
    int ex = e10;
    if (!zero) {
      int c;
      round_to(m, p > 17 ? 17 : p, &c);
      ex += c;
    } else {
      ex = 0;
    }
    if (ex < -4 || ex >= p) {
      n = fmt_double(buf, v, p - 1, 'e', alt, upper);
    } else {
      n = fmt_double(buf, v, p - 1 - ex, 'f', alt, upper);
    }
    if (!alt) {
      /* strip trailing zeros of the fraction (and the point) */
      int epos = n;
      for (int i = 0; i < n; i++)
        if (buf[i] == 'e' || buf[i] == 'E') epos = i;
      int has_point = 0;
      for (int i = 0; i < epos; i++)
        if (buf[i] == '.') has_point = 1;
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
    int nd = prec + 1;
    int c = 0;
    unsigned long long q = zero ? 0 : round_to(m, nd > 17 ? 17 : nd, &c);
    e10 += c;
    if (zero) e10 = 0;
    int have = nd > 17 ? 17 : nd;
    digits_of(dig, q, have);
    for (int i = have; i < nd; i++) dig[i] = '0';
    buf[n++] = dig[0];
    if (prec > 0 || alt) buf[n++] = '.';
    for (int i = 1; i < nd; i++) buf[n++] = dig[i];
    buf[n++] = upper ? 'E' : 'e';
    buf[n++] = e10 < 0 ? '-' : '+';
    int ae = e10 < 0 ? -e10 : e10;
    if (ae >= 100) buf[n++] = (char)('0' + ae / 100);
    buf[n++] = (char)('0' + (ae / 10) % 10);
    buf[n++] = (char)('0' + ae % 10);
    return n;
  }
  /* 'f': S holds L significant digits, the first one at 10^E; print 10^max(E,0) .. 10^-prec. */
  int L = 0, E = e10;
  if (!zero) {
    int nd = e10 + 1 + prec;
    if (nd > 17) {
      digits_of(dig, m, 17);
      L = 17;
    } else if (nd >= 0) {
      int c;
      unsigned long long q = round_to(m, nd, &c);
      if (c) {
        dig[0] = '1';
        L = 1;
        E++;
      } else {
        digits_of(dig, q, nd);
        L = nd;
      }
    }
  }
  for (int pos = E > 0 ? E : 0; pos >= -prec; pos--) {
    if (pos == -1) buf[n++] = '.';
    int idx = E - pos;
    buf[n++] = (idx >= 0 && idx < L) ? dig[idx] : '0';
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
