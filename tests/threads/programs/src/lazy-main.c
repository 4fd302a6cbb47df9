/* Four threads make the first call of the same lazy function (work, in lazy-work.o) at once: they
 * wait for `go`, then call it; main prints each thread's result, the total and the arrival order. */
#include "pt.h"
#define THREADS 4

long work(long n);
static int go;
static int ticket;
static long result[THREADS];
static int arrived[THREADS];

static void *worker(void *arg) {
  long id = (long)arg;
  while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE)) sched_yield();
  result[id] = work(10 * (id + 1));
  arrived[id] = __atomic_fetch_add(&ticket, 1, __ATOMIC_SEQ_CST);
  return 0;
}

int main(void) {
  pthread_t t[THREADS];
  for (long i = 0; i < THREADS; i++) pthread_create(&t[i], 0, worker, (void *)i);
  __atomic_store_n(&go, 1, __ATOMIC_RELEASE);
  for (int i = 0; i < THREADS; i++) pthread_join(t[i], 0);
  long total = 0;
  for (int i = 0; i < THREADS; i++) {
    printf("thread %d: work(%d) = %ld\n", i, 10 * (i + 1), result[i]);
    total += result[i];
  }
  printf("total = %ld\n", total);
  printf("order:");
  for (int i = 0; i < THREADS; i++) printf(" %d", arrived[i]);
  printf("\n");
  return 0;
}
