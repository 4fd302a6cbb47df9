// Objects linked after start-up: a thread exists before the lazy call that links liblate.a's
// member; that thread, the main thread and a thread created afterwards must all see the member's
// thread-local data initialised, and its constructor must have run (with argc, argv, envp).
#include <pthread.h>
#include <stdio.h>

int use_late(void);
int use_late_tls(void);

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int phase;

static void *early(void *arg) {
  int *r = arg;
  pthread_mutex_lock(&mu);
  while (phase == 0) pthread_cond_wait(&cv, &mu);
  pthread_mutex_unlock(&mu);
  r[0] = use_late_tls();
  r[1] = use_late_tls();
  return NULL;
}

static void *later(void *arg) {
  int *r = arg;
  r[0] = use_late_tls();
  r[1] = use_late_tls();
  return NULL;
}

int main(int argc, char **argv) {
  (void)argv;
  pthread_t t1, t2;
  int r1[2], r2[2];
  pthread_create(&t1, NULL, early, r1);
  int v = use_late();
  pthread_mutex_lock(&mu);
  phase = 1;
  pthread_cond_signal(&cv);
  pthread_mutex_unlock(&mu);
  pthread_join(t1, NULL);
  int m0 = use_late_tls();
  int m1 = use_late_tls();
  pthread_create(&t2, NULL, later, r2);
  pthread_join(t2, NULL);
  printf("use_late=%d argc=%d\n", v, argc);
  printf("thread created before the link: %d %d\n", r1[0], r1[1]);
  printf("main thread: %d %d\n", m0, m1);
  printf("thread created after the link: %d %d\n", r2[0], r2[1]);
  return 0;
}
