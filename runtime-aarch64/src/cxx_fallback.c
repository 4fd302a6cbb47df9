/*
 * orc-sandbox: the few C++ runtime and fortified-libc entry points LLVM's ORC runtime
 * (liborc_rt-aarch64.a, resolve.cpp.o and rtti.cpp.o) needs beyond the host-function libc, for
 * `--orc-runtime` without a sysroot. With a real libstdc++/glibc in the lookup path those win: this
 * object lives in a JITDylib searched after the Process JITDylib.
 *
 * Freestanding C; the C++ names are given as assembler labels. The std::string members follow
 * libstdc++'s C++11 ABI (GCC 12): { char *p; size_t length; union { char local[16]; size_t capacity; } },
 * local storage for up to 15 characters, allocation through operator new of capacity + 1 bytes.
 * Exceptions cannot be thrown here: a throw is reported as libstdc++ reports an uncaught one, then abort().
 */

typedef unsigned long size_t;

extern void *stderr;
extern int fprintf(void *stream, const char *fmt, ...);
extern void *malloc(size_t n);
extern void free(void *p);
extern void *memcpy(void *d, const void *s, size_t n);
extern size_t strlen(const char *s);
extern void abort(void) __attribute__((noreturn));

__attribute__((noreturn)) static void uncaught(const char *type, const char *what) {
  fprintf(stderr, "terminate called after throwing an instance of '%s'\n  what():  %s\n", type, what);
  abort();
}

/* ---- operator new / delete ----------------------------------------------------------------- */

void *cxx_new(size_t n) __asm__("_Znwm");
void *cxx_new(size_t n) {
  void *p = malloc(n != 0 ? n : 1);
  if (p == 0)
    uncaught("std::bad_alloc", "std::bad_alloc");
  return p;
}

void cxx_delete_sized(void *p, size_t n) __asm__("_ZdlPvm");
void cxx_delete_sized(void *p, size_t n) {
  (void)n;
  free(p);
}

void cxx_delete(void *p) __asm__("_ZdlPv");
void cxx_delete(void *p) { free(p); }

/* ---- libstdc++ error helpers and the ABI's pure-virtual trap -------------------------------- */

__attribute__((noreturn)) void throw_logic_error(const char *what) __asm__("_ZSt19__throw_logic_errorPKc");
void throw_logic_error(const char *what) { uncaught("std::logic_error", what); }

__attribute__((noreturn)) void throw_length_error(const char *what) __asm__("_ZSt20__throw_length_errorPKc");
void throw_length_error(const char *what) { uncaught("std::length_error", what); }

__attribute__((noreturn)) void __cxa_pure_virtual(void) {
  fprintf(stderr, "pure virtual method called\nterminate called without an active exception\n");
  abort();
}

/*
 * The vtables of __cxxabiv1::__class_type_info / __si_class_type_info: the runtime's type_info
 * objects point into them, but only dynamic_cast and catch call through them, and the ORC runtime
 * does neither (it has its own RTTI). Every slot reports that instead of jumping to 0.
 */
__attribute__((noreturn)) static void type_info_virtual(void) {
  fprintf(stderr, "orc-sandbox: a __cxxabiv1 type_info virtual function was called; the C++ fallback has "
                  "no dynamic_cast/catch support (use --sysroot for libstdc++)\n");
  abort();
}

typedef void (*slot)(void);
#define TYPE_INFO_VTABLE                                                                                  \
  {                                                                                                       \
    0, 0, type_info_virtual, type_info_virtual, type_info_virtual, type_info_virtual, type_info_virtual,  \
        type_info_virtual, type_info_virtual, type_info_virtual, type_info_virtual, type_info_virtual     \
  }
const slot class_type_info_vtable[12] __asm__("_ZTVN10__cxxabiv117__class_type_infoE") = TYPE_INFO_VTABLE;
const slot si_class_type_info_vtable[12] __asm__("_ZTVN10__cxxabiv120__si_class_type_infoE") = TYPE_INFO_VTABLE;

/* ---- fortified string functions (glibc's _FORTIFY_SOURCE entry points) ----------------------- */

__attribute__((noreturn)) void __chk_fail(void) {
  fprintf(stderr, "*** buffer overflow detected ***: terminated\n");
  abort();
}

void *__memcpy_chk(void *d, const void *s, size_t n, size_t dlen) {
  if (dlen < n)
    __chk_fail();
  return memcpy(d, s, n);
}

char *__strcpy_chk(char *d, const char *s, size_t dlen) {
  size_t n = strlen(s);
  if (dlen <= n)
    __chk_fail();
  memcpy(d, s, n + 1);
  return d;
}

/* ---- std::__cxx11::basic_string<char> out-of-line members ----------------------------------- */

struct string {
  char *p;
  size_t length;
  union {
    char local[16];
    size_t capacity;
  } u;
};

/* (PTRDIFF_MAX - 1) / 2, libstdc++'s max_size() for char with std::allocator. */
static const size_t string_max_size = 0x3ffffffffffffffful;

static int is_local(const struct string *s) { return s->p == s->u.local; }
static size_t capacity(const struct string *s) { return is_local(s) ? 15 : s->u.capacity; }
static void dispose(struct string *s) {
  if (!is_local(s))
    free(s->p);
}
static void copy(char *d, const char *s, size_t n) {
  if (n == 1)
    *d = *s;
  else if (n != 0)
    memcpy(d, s, n);
}

/* pointer _M_create(size_type &capacity, size_type old_capacity): grows geometrically. */
char *string_create(struct string *self, size_t *cap, size_t old) __asm__(
    "_ZNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEE9_M_createERmm");
char *string_create(struct string *self, size_t *cap, size_t old) {
  (void)self;
  if (*cap > string_max_size)
    throw_length_error("basic_string::_M_create");
  if (*cap > old && *cap < 2 * old) {
    *cap = 2 * old;
    if (*cap > string_max_size)
      *cap = string_max_size;
  }
  return cxx_new(*cap + 1);
}

/* void reserve(size_type n): never shrinks (P0966). */
void string_reserve(struct string *self, size_t n) __asm__(
    "_ZNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEE7reserveEm");
void string_reserve(struct string *self, size_t n) {
  size_t cap = capacity(self);
  if (n <= cap)
    return;
  char *p = string_create(self, &n, cap);
  copy(p, self->p, self->length + 1);
  dispose(self);
  self->p = p;
  self->u.capacity = n;
}

/* void _M_mutate(pos, len1, s, len2): replaces [pos, pos+len1) by s[0, len2) in new storage; the
 * caller sets the length and terminator. */
void string_mutate(struct string *self, size_t pos, size_t len1, const char *s, size_t len2) __asm__(
    "_ZNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEE9_M_mutateEmmPKcm");
void string_mutate(struct string *self, size_t pos, size_t len1, const char *s, size_t len2) {
  size_t tail = self->length - pos - len1;
  size_t cap = self->length + len2 - len1;
  char *p = string_create(self, &cap, capacity(self));
  copy(p, self->p, pos);
  if (s != 0 && len2 != 0)
    copy(p + pos, s, len2);
  copy(p + pos + len2, self->p + pos + len1, tail);
  dispose(self);
  self->p = p;
  self->u.capacity = cap;
}
