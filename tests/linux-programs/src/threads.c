/* pthreads: mutex-protected counter, condition-variable queue, barrier, join values, TLS. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define N 4
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t nonempty = PTHREAD_COND_INITIALIZER, nonfull = PTHREAD_COND_INITIALIZER;
static pthread_barrier_t barrier;
static long counter;
static int queue[8], head, tail, count;
static __thread int mine;

static void *adder(void *arg) {
  long id = (long)arg;
  mine = (int)id * 100;
  for (int i = 0; i < 2000; i++) {
    pthread_mutex_lock(&lock);
    counter++;
    pthread_mutex_unlock(&lock);
  }
  pthread_barrier_wait(&barrier);
  return (void *)(long)(mine + 1);
}

static void *producer(void *arg) {
  (void)arg;
  for (int i = 1; i <= 100; i++) {
    pthread_mutex_lock(&lock);
    while (count == 8) pthread_cond_wait(&nonfull, &lock);
    queue[tail] = i;
    tail = (tail + 1) % 8;
    count++;
    pthread_cond_signal(&nonempty);
    pthread_mutex_unlock(&lock);
  }
  return NULL;
}

int main(void) {
  pthread_t t[N], prod;
  pthread_barrier_init(&barrier, NULL, N);
  for (long i = 0; i < N; i++) pthread_create(&t[i], NULL, adder, (void *)i);
  long sum = 0;
  for (int i = 0; i < N; i++) {
    void *r;
    pthread_join(t[i], &r);
    sum += (long)r;
  }
  printf("counter=%ld joined=%ld\n", counter, sum);
  pthread_create(&prod, NULL, producer, NULL);
  long total = 0;
  for (int i = 0; i < 100; i++) {
    pthread_mutex_lock(&lock);
    while (count == 0) pthread_cond_wait(&nonempty, &lock);
    total += queue[head];
    head = (head + 1) % 8;
    count--;
    pthread_cond_signal(&nonfull);
    pthread_mutex_unlock(&lock);
  }
  pthread_join(prod, NULL);
  printf("consumed total=%ld\n", total);
  printf("main tls=%d\n", mine);
  return 0;
}
