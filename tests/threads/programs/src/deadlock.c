/* Lock-order inversion made certain by a handshake: each thread holds one lock and waits for the
 * other's; main waits in pthread_join. Every thread is blocked. */
#include "pt.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
static int has_a, has_b;

static void *first(void *arg) {
  (void)arg;
  pthread_mutex_lock(&a);
  __atomic_store_n(&has_a, 1, __ATOMIC_RELEASE);
  while (!__atomic_load_n(&has_b, __ATOMIC_ACQUIRE)) sched_yield();
  pthread_mutex_lock(&b);
  return 0;
}

static void *second(void *arg) {
  (void)arg;
  pthread_mutex_lock(&b);
  __atomic_store_n(&has_b, 1, __ATOMIC_RELEASE);
  while (!__atomic_load_n(&has_a, __ATOMIC_ACQUIRE)) sched_yield();
  pthread_mutex_lock(&a);
  return 0;
}

int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, 0, first, 0);
  pthread_create(&t2, 0, second, 0);
  printf("started\n");
  pthread_join(t1, 0);
  printf("never printed\n");
  return 0;
}
