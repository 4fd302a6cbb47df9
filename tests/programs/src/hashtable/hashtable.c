/* A chained hash table with string keys on malloc/realloc/free; atomic counters. */
#include "../../lib/rt.h"

struct entry {
  char *key;
  long value;
  struct entry *next;
};

struct table {
  struct entry **slots;
  unsigned long nslots, count;
};

static long ops_done; /* updated with atomics (exclusive load/store pairs) */

static unsigned long hash(const char *s) {
  unsigned long h = 1469598103934665603ul;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ul;
  return h;
}

static char *dup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  memcpy(d, s, n);
  return d;
}

static void grow(struct table *t) {
  unsigned long n = t->nslots ? t->nslots * 2 : 8;
  struct entry **slots = calloc(n, sizeof *slots);
  for (unsigned long i = 0; i < t->nslots; i++) {
    struct entry *e = t->slots[i];
    while (e) {
      struct entry *next = e->next;
      unsigned long k = hash(e->key) & (n - 1);
      e->next = slots[k];
      slots[k] = e;
      e = next;
    }
  }
  free(t->slots);
  t->slots = slots;
  t->nslots = n;
}

static void put(struct table *t, const char *key, long value) {
  __atomic_fetch_add(&ops_done, 1, __ATOMIC_SEQ_CST);
  if (t->count + 1 > t->nslots * 3 / 4) grow(t);
  unsigned long k = hash(key) & (t->nslots - 1);
  for (struct entry *e = t->slots[k]; e; e = e->next)
    if (strcmp(e->key, key) == 0) {
      e->value = value;
      return;
    }
  struct entry *e = malloc(sizeof *e);
  e->key = dup(key);
  e->value = value;
  e->next = t->slots[k];
  t->slots[k] = e;
  t->count++;
}

static struct entry *get(struct table *t, const char *key) {
  __atomic_fetch_add(&ops_done, 1, __ATOMIC_RELAXED);
  if (!t->nslots) return NULL;
  for (struct entry *e = t->slots[hash(key) & (t->nslots - 1)]; e; e = e->next)
    if (strcmp(e->key, key) == 0) return e;
  return NULL;
}

static int del(struct table *t, const char *key) {
  if (!t->nslots) return 0;
  struct entry **pp = &t->slots[hash(key) & (t->nslots - 1)];
  for (; *pp; pp = &(*pp)->next)
    if (strcmp((*pp)->key, key) == 0) {
      struct entry *e = *pp;
      *pp = e->next;
      free(e->key);
      free(e);
      t->count--;
      return 1;
    }
  return 0;
}

static void make_key(char *buf, unsigned i) {
  static const char *syl[] = {"ka", "zu", "mi", "ro", "te", "na", "shi", "po"};
  int n = 0;
  do {
    const char *s = syl[i % 8];
    while (*s) buf[n++] = *s++;
    i /= 8;
  } while (i);
  buf[n] = 0;
}

int main(void) {
  struct table t = {0, 0, 0};
  char key[64];
  for (unsigned i = 0; i < 3000; i++) {
    make_key(key, i * 7 + 1);
    put(&t, key, (long)i * i);
  }
  printf("count=%lu slots=%lu\n", t.count, t.nslots);
  long sum = 0;
  int hits = 0;
  for (unsigned i = 0; i < 4000; i++) {
    make_key(key, i * 7 + 1);
    struct entry *e = get(&t, key);
    if (e) hits++, sum += e->value;
  }
  printf("hits=%d sum=%ld\n", hits, sum);
  int removed = 0;
  for (unsigned i = 0; i < 3000; i += 3) {
    make_key(key, i * 7 + 1);
    removed += del(&t, key);
  }
  printf("removed=%d count=%lu\n", removed, t.count);
  unsigned long longest = 0, used = 0;
  for (unsigned long i = 0; i < t.nslots; i++) {
    unsigned long len = 0;
    for (struct entry *e = t.slots[i]; e; e = e->next) len++;
    if (len) used++;
    if (len > longest) longest = len;
  }
  printf("used slots=%lu longest chain=%lu\n", used, longest);
  make_key(key, 7 * 4 + 1);
  struct entry *e = get(&t, key);
  printf("%s -> %ld\n", key, e ? e->value : -1);
  long expected = 0;
  long prev = __atomic_exchange_n(&expected, 5, __ATOMIC_ACQ_REL);
  long cmpv = 5;
  int swapped = __atomic_compare_exchange_n(&expected, &cmpv, 9, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  printf("ops=%ld xchg prev=%ld cas=%d now=%ld\n", ops_done, prev, swapped, expected);
  /* a big buffer goes through mmap, then grows with realloc */
  long *big = malloc(200000 * sizeof(long));
  for (long i = 0; i < 200000; i++) big[i] = i ^ (i >> 3);
  big = realloc(big, 300000 * sizeof(long));
  long x = 0;
  for (long i = 0; i < 200000; i += 1000) x += big[i];
  printf("big checksum=%ld\n", x);
  free(big);
  return 0;
}
