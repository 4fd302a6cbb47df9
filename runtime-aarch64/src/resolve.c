/*
 * orc-sandbox executor runtime: __orc_rt_resolve_implementation, the C half of lazy reentry.
 *
 * Freestanding (no headers, no libc beyond the externs below). Called by __orc_rt_sysv_resolve
 * with the address of the reentry trampoline that was entered; asks the JIT (the host) for the
 * body behind that trampoline through the JIT dispatch function, with the wrapper-function
 * signature   SPSExpected<SPSExecutorSymbolDef>(SPSExecutorAddr)   and the handler tag
 * __orc_rt_resolve_tag, and returns the body's address. Any failure is fatal: a one-line message on
 * stderr, then abort().
 */

typedef unsigned char u8;
typedef unsigned long u64;
typedef unsigned long size_t;

/* ORC's orc_rt_CWrapperFunctionResult: 16 bytes, returned in x0 (Data) and x1 (Size).
 *   Size == 0, ValuePtr != 0 : out-of-band error, ValuePtr = malloc'd NUL-terminated message
 *   Size <= 8                : the result bytes are inline in Data.Value
 *   Size >  8                : the result bytes are at Data.ValuePtr (malloc'd)            */
typedef union {
  char *ValuePtr;
  char Value[sizeof(char *)];
} orc_rt_CWrapperFunctionResultDataUnion;

typedef struct {
  orc_rt_CWrapperFunctionResultDataUnion Data;
  size_t Size;
} orc_rt_CWrapperFunctionResult;

/* Provided by the host (the Process JITDylib / the executor). The dispatch function is a weak
 * reference so that a missing host gate is reported instead of jumping to address 0. */
extern orc_rt_CWrapperFunctionResult __orc_rt_jit_dispatch(void *ctx, const void *tag, const char *data,
                                                            size_t size) __attribute__((weak));
extern void *stderr;
extern size_t fwrite(const void *ptr, size_t size, size_t nmemb, void *stream);
extern void free(void *ptr);
extern void abort(void) __attribute__((noreturn));

/* The handler tag: its address identifies the JIT-side handler (LazyReexportsManager::resolve). */
char __orc_rt_resolve_tag = 0;
/* Passed (by address) as the dispatch context; the host may store whatever it likes in it. */
void *__orc_rt_jit_dispatch_ctx = 0;

static size_t cstrlen(const char *s) {
  size_t n = 0;
  while (s[n] != 0)
    n++;
  return n;
}

static void put(const char *s, size_t n) {
  if (n != 0)
    fwrite(s, 1, n, stderr);
}

/* Prints "error resolving implementation for stub 0x<hex>: <msg>\n" and aborts. */
__attribute__((noreturn)) static void fail(u64 trampoline, const char *msg, size_t len, void *to_free) {
  static const char prefix[] = "error resolving implementation for stub 0x";
  char hex[18];
  int n = 16;
  hex[16] = ':';
  hex[17] = ' ';
  do {
    n--;
    hex[n] = "0123456789abcdef"[trampoline & 15];
    trampoline >>= 4;
  } while (trampoline != 0);
  put(prefix, sizeof(prefix) - 1);
  put(hex + n, 18 - (size_t)n);
  put(msg, len);
  put("\n", 1);
  if (to_free)
    free(to_free);
  abort();
}

static u64 read_u64le(const u8 *p) {
  u64 v = 0;
  for (int i = 7; i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}

void *__orc_rt_resolve_implementation(void *trampoline) {
  u64 t = (u64)trampoline;
  static const char not_set[] = "__orc_rt_jit_dispatch not set";
  static const char bad[] = "Could not deserialize result from serialized wrapper function call";
  static const char null_body[] = "the JIT answered address 0";

  if (__orc_rt_jit_dispatch == 0)
    fail(t, not_set, sizeof(not_set) - 1, 0);

  /* Arguments: SPSExecutorAddr = u64 little-endian. */
  char arg[8];
  for (int i = 0; i < 8; i++)
    arg[i] = (char)(t >> (8 * i));

  orc_rt_CWrapperFunctionResult r =
      __orc_rt_jit_dispatch(&__orc_rt_jit_dispatch_ctx, &__orc_rt_resolve_tag, arg, sizeof(arg));

  if (r.Size == 0) {
    if (r.Data.ValuePtr != 0) /* out-of-band error */
      fail(t, r.Data.ValuePtr, cstrlen(r.Data.ValuePtr), r.Data.ValuePtr);
    fail(t, bad, sizeof(bad) - 1, 0);
  }
  void *owned = r.Size > sizeof(r.Data.Value) ? r.Data.ValuePtr : 0;
  const u8 *d = owned ? (const u8 *)r.Data.ValuePtr : (const u8 *)r.Data.Value;
  size_t n = r.Size;

  /* Result: SPSExpected<SPSExecutorSymbolDef> = bool, then either
   *   u64 address, u8 flags, u8 target flags      (true)
   *   u64 length, the message bytes               (false)                 */
  if (d[0] == 1 && n >= 11) {
    u64 addr = read_u64le(d + 1);
    if (owned)
      free(owned);
    if (addr == 0)
      fail(t, null_body, sizeof(null_body) - 1, 0);
    return (void *)addr;
  }
  if (d[0] == 0 && n >= 9) {
    u64 len = read_u64le(d + 1);
    if (len <= n - 9)
      fail(t, (const char *)d + 9, len, owned);
  }
  fail(t, bad, sizeof(bad) - 1, owned);
}
