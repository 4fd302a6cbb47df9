/* pthread_once: four threads race to initialise; the routine runs once and everyone sees it done. */
#include "pt.h"
#define THREADS 4

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_runs;
static volatile int table[16];
static int seen[THREADS];

static void init(void) {
  init_runs++;
  for (int i = 0; i < 16; i++) {
    table[i] = i * i;
    if (i == 7) sched_yield(); /* let the others arrive while the routine runs */
  }
}

static void *worker(void *arg) {
  long id = (long)arg;
  struct timespec ts = {0, 1000 * (id + 1)};
  nanosleep(&ts, 0);
  pthread_once(&once, init);
  int s = 0;
  for (int i = 0; i < 16; i++) s += table[i];
  seen[id] = s;
  return 0;
}

int main(void) {
  pthread_t t[THREADS];
  for (long i = 0; i < THREADS; i++) pthread_create(&t[i], 0, worker, (void *)i);
  pthread_once(&once, init);
  usleep(5);
  for (int i = 0; i < THREADS; i++) pthread_join(t[i], 0);
  for (int i = 0; i < THREADS; i++) printf("thread %d saw %d\n", i, seen[i]);
  printf("init ran %d time(s)\n", init_runs);
  return 0;
}
