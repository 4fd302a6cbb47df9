/* Forks until fork fails: the process limit must stop it with EAGAIN, and the run must end. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
  int n = 0;
  for (;;) {
    pid_t pid = fork();
    if (pid == 0) {
      for (;;) pause();
    }
    if (pid < 0) break;
    n++;
  }
  printf("forked %d, then %s\n", n, errno == EAGAIN ? "EAGAIN" : "another error");
  return 0;
}
