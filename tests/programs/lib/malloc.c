/*
 * malloc over brk (size classes of powers of two, 16 B .. 64 KiB, with free lists) and mmap
 * for larger blocks. Each block has a 16-byte header holding its class or mapping size.
 */
#include "rt.h"

#define HDR 16
#define MIN_SHIFT 4
#define MAX_SHIFT 16
#define NCLASS (MAX_SHIFT - MIN_SHIFT + 1)

struct hdr {
  size_t size; /* usable bytes */
  size_t kind; /* class index, or ~0 for an mmap block */
};

static void *free_list[NCLASS];
static char *heap_cur, *heap_end;

static void *more_core(size_t n) {
  if (!heap_cur) {
    heap_cur = heap_end = rt_brk(0);
  }
  if ((size_t)(heap_end - heap_cur) < n) {
    size_t grow = (n + 0xffff) & ~(size_t)0xffff;
    char *want = heap_end + grow;
    if (rt_brk(want) != want) return NULL;
    heap_end = want;
  }
  void *p = heap_cur;
  heap_cur += n;
  return p;
}

void *malloc(size_t n) {
  if (n == 0) n = 1;
  if (n > ((size_t)1 << MAX_SHIFT)) {
    size_t total = (n + HDR + 4095) & ~(size_t)4095;
    char *p = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
    struct hdr *h = (struct hdr *)p;
    h->size = total - HDR;
    h->kind = ~(size_t)0;
    return p + HDR;
  }
  int c = 0;
  while (((size_t)1 << (c + MIN_SHIFT)) < n) c++;
  void *blk = free_list[c];
  if (blk) {
    free_list[c] = *(void **)blk;
    return blk;
  }
  size_t sz = (size_t)1 << (c + MIN_SHIFT);
  char *p = more_core(sz + HDR);
  if (!p) return NULL;
  struct hdr *h = (struct hdr *)p;
  h->size = sz;
  h->kind = (size_t)c;
  return p + HDR;
}

void free(void *ptr) {
  if (!ptr) return;
  struct hdr *h = (struct hdr *)((char *)ptr - HDR);
  if (h->kind == ~(size_t)0) {
    munmap(h, h->size + HDR);
    return;
  }
  *(void **)ptr = free_list[h->kind];
  free_list[h->kind] = ptr;
}

void *calloc(size_t n, size_t m) {
  size_t t = n * m;
  if (m && t / m != n) return NULL;
  void *p = malloc(t);
  if (p) memset(p, 0, t);
  return p;
}

void *realloc(void *ptr, size_t n) {
  if (!ptr) return malloc(n);
  struct hdr *h = (struct hdr *)((char *)ptr - HDR);
  if (n <= h->size) return ptr;
  void *q = malloc(n);
  if (!q) return NULL;
  memcpy(q, ptr, h->size);
  free(ptr);
  return q;
}
