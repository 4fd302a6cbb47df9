/* A deadlock: main joins a thread that waits for a pipe nobody writes (Linux would hang forever;
 * the emulator reports every thread's state instead). */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static int fds[2];

static void *reader(void *arg) {
  (void)arg;
  char c;
  return (void *)(long)read(fds[0], &c, 1);
}

int main(void) {
  pthread_t t;
  pipe(fds);
  puts("starting");
  fflush(stdout);
  pthread_create(&t, NULL, reader, NULL);
  pthread_join(t, NULL);
  puts("never");
  return 0;
}
