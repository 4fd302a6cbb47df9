/* Four threads increment a shared counter under a mutex (read, work, write: a race without it). */
#include "pt.h"
#define THREADS 4
#define ROUNDS 300

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static volatile long counter;
static long per_thread[THREADS];

static void *worker(void *arg) {
  long id = (long)arg;
  for (int i = 0; i < ROUNDS; i++) {
    pthread_mutex_lock(&lock);
    long v = counter;
    for (volatile int k = 0; k < 3; k++) {
    }
    counter = v + 1;
    per_thread[id]++;
    pthread_mutex_unlock(&lock);
  }
  return (void *)(id * 10);
}

int main(void) {
  pthread_t t[THREADS];
  for (long i = 0; i < THREADS; i++) pthread_create(&t[i], 0, worker, (void *)i);
  long rets = 0;
  for (int i = 0; i < THREADS; i++) {
    void *r;
    pthread_join(t[i], &r);
    rets += (long)r;
  }
  for (int i = 0; i < THREADS; i++) printf("thread %d: %ld\n", i, per_thread[i]);
  printf("counter = %ld (expected %d), returns = %ld\n", counter, THREADS * ROUNDS, rets);
  return counter == THREADS * ROUNDS ? 0 : 1;
}
