/*
 * Drives the libstdc++ entry points runtime-aarch64/src/cxx_fallback.c provides, on a
 * std::__cxx11::string laid out by hand (libstdc++'s C++11 ABI: pointer, length, 16-byte
 * local buffer / capacity). Linked statically against the real libstdc++ (build.sh) it gives the
 * reference output; in orc-sandbox it is linked with cxx_fallback.o. `strings N` ends with
 * failure N: 1 = _M_create beyond max_size, 2 = __memcpy_chk overflow, 3 = __strcpy_chk overflow,
 * 4 = __throw_logic_error.
 */
typedef unsigned long size_t;
extern int printf(const char *fmt, ...);
extern int atoi(const char *s);

struct string {
  char *p;
  size_t length;
  union {
    char local[16];
    size_t capacity;
  } u;
};

extern char *string_create(struct string *self, size_t *cap, size_t old) __asm__(
    "_ZNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEE9_M_createERmm");
extern void string_reserve(struct string *self, size_t n) __asm__(
    "_ZNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEE7reserveEm");
extern void string_mutate(struct string *self, size_t pos, size_t len1, const char *s, size_t len2) __asm__(
    "_ZNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEE9_M_mutateEmmPKcm");
extern void *cxx_new(size_t n) __asm__("_Znwm");
extern void cxx_delete_sized(void *p, size_t n) __asm__("_ZdlPvm");
extern void throw_logic_error(const char *what) __asm__("_ZSt19__throw_logic_errorPKc");
extern void *__memcpy_chk(void *d, const void *s, size_t n, size_t dlen);
extern char *__strcpy_chk(char *d, const char *s, size_t dlen);

static unsigned rng = 12345;
static unsigned next(void) {
  rng = rng * 1103515245u + 12345u;
  return (rng >> 16) & 0x7fff;
}

static size_t capacity(struct string *s) { return s->p == s->u.local ? 15 : s->u.capacity; }

static void show(const char *op, struct string *s) {
  printf("%-8s len=%lu cap=%lu local=%d \"", op, s->length, capacity(s), s->p == s->u.local);
  for (size_t i = 0; i < s->length; i++)
    printf("%c", s->p[i]);
  printf("\" nul=%d\n", s->p[s->length] == 0);
}

/* What basic_string::_M_replace does when the result does not fit: _M_mutate, then the length. */
static void replace(struct string *s, size_t pos, size_t len1, const char *src, size_t len2) {
  string_mutate(s, pos, len1, src, len2);
  s->length = s->length + len2 - len1;
  s->p[s->length] = 0;
}

int main(int argc, char **argv) {
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  struct string s;
  s.p = s.u.local;
  s.length = 0;
  s.u.local[0] = 0;
  show("empty", &s);

  static const size_t caps[][2] = {{0, 0}, {10, 15}, {16, 15}, {20, 15}, {31, 15}, {40, 15}, {100, 30}, {59, 30}, {61, 30}};
  for (unsigned i = 0; i < sizeof caps / sizeof caps[0]; i++) {
    size_t cap = caps[i][0];
    char *p = string_create(&s, &cap, caps[i][1]);
    printf("create(%lu, %lu) -> %lu\n", caps[i][0], caps[i][1], cap);
    cxx_delete_sized(p, cap + 1);
  }

  string_reserve(&s, 10);
  show("reserve", &s);
  for (int round = 0; round < 40; round++) {
    size_t len2 = next() % 23;
    size_t pos = s.length == 0 ? 0 : next() % (s.length + 1);
    size_t len1 = s.length - pos == 0 ? 0 : next() % (s.length - pos + 1);
    const char *src = alphabet + next() % (sizeof alphabet - 1 - len2);
    if (round % 7 == 3) {
      string_reserve(&s, s.length + next() % 50);
      show("reserve", &s);
      continue;
    }
    if (round % 11 == 5)
      src = 0;
    replace(&s, pos, len1, src, src ? len2 : 0);
    show("mutate", &s);
  }

  char buf[8];
  printf("memcpy_chk %s\n", (char *)__memcpy_chk(buf, "1234567", 8, sizeof buf));
  printf("strcpy_chk %s\n", __strcpy_chk(buf, "abcdefg", sizeof buf));

  int fail = argc > 1 ? atoi(argv[1]) : 0;
  if (fail == 1) {
    size_t huge = (size_t)1 << 62;
    string_create(&s, &huge, 0);
  } else if (fail == 2) {
    __memcpy_chk(buf, "123456789", 9, sizeof buf);
  } else if (fail == 3) {
    __strcpy_chk(buf, "abcdefgh", sizeof buf);
  } else if (fail == 4) {
    throw_logic_error("basic_string: construction from null is not valid");
  }
  printf("done\n");
  return 0;
}
