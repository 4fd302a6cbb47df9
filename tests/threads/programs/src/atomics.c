/* Lock-free counters: __atomic_fetch_add and a compare-exchange loop (outline-atomics helpers,
 * LDXR/STXR loops in the runtime, so an interrupted loop must retry). */
#include "pt.h"
#define THREADS 4
#define ROUNDS 250

static long added;
static int cas_counter;
static long max_seen;

static void *worker(void *arg) {
  long id = (long)arg;
  for (int i = 0; i < ROUNDS; i++) {
    long v = __atomic_fetch_add(&added, id + 1, __ATOMIC_SEQ_CST);
    int old = __atomic_load_n(&cas_counter, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(&cas_counter, &old, old + 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
    }
    long m = __atomic_load_n(&max_seen, __ATOMIC_RELAXED);
    while (v > m && !__atomic_compare_exchange_n(&max_seen, &m, v, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
    }
  }
  return 0;
}

int main(void) {
  pthread_t t[THREADS];
  for (long i = 0; i < THREADS; i++) pthread_create(&t[i], 0, worker, (void *)i);
  for (int i = 0; i < THREADS; i++) pthread_join(t[i], 0);
  long expect = 0;
  for (int i = 0; i < THREADS; i++) expect += (long)(i + 1) * ROUNDS;
  printf("fetch_add total = %ld (expected %ld), cas counter = %d (expected %d)\n", added, expect, cas_counter,
         THREADS * ROUNDS);
  return added == expect && cas_counter == THREADS * ROUNDS ? 0 : 1;
}
