/* A producer and two consumers around a 4-slot ring buffer with two condition variables. */
#include "pt.h"
#define ITEMS 200
#define SLOTS 4

static pthread_mutex_t lock;
static pthread_cond_t not_full, not_empty;
static int ring[SLOTS];
static int head, tail, count, done;
static long sums[2];
static int taken[2];

static void *producer(void *arg) {
  (void)arg;
  for (int i = 1; i <= ITEMS; i++) {
    pthread_mutex_lock(&lock);
    while (count == SLOTS) pthread_cond_wait(&not_full, &lock);
    ring[tail] = i;
    tail = (tail + 1) % SLOTS;
    count++;
    pthread_cond_signal(&not_empty);
    pthread_mutex_unlock(&lock);
  }
  pthread_mutex_lock(&lock);
  done = 1;
  pthread_cond_broadcast(&not_empty);
  pthread_mutex_unlock(&lock);
  return 0;
}

static void *consumer(void *arg) {
  long id = (long)arg;
  for (;;) {
    pthread_mutex_lock(&lock);
    while (count == 0 && !done) pthread_cond_wait(&not_empty, &lock);
    if (count == 0 && done) {
      pthread_mutex_unlock(&lock);
      return 0;
    }
    int v = ring[head];
    head = (head + 1) % SLOTS;
    count--;
    pthread_cond_signal(&not_full);
    pthread_mutex_unlock(&lock);
    sums[id] += v;
    taken[id]++;
  }
}

int main(void) {
  pthread_mutex_init(&lock, 0);
  pthread_cond_init(&not_full, 0);
  pthread_cond_init(&not_empty, 0);
  pthread_t p, c[2];
  pthread_create(&c[0], 0, consumer, (void *)0);
  pthread_create(&c[1], 0, consumer, (void *)1);
  pthread_create(&p, 0, producer, 0);
  pthread_join(p, 0);
  pthread_join(c[0], 0);
  pthread_join(c[1], 0);
  pthread_cond_destroy(&not_full);
  pthread_cond_destroy(&not_empty);
  pthread_mutex_destroy(&lock);
  printf("items = %d, sum = %ld (expected %d)\n", taken[0] + taken[1], sums[0] + sums[1], ITEMS * (ITEMS + 1) / 2);
  return 0;
}
