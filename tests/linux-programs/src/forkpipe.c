/* Processes: pipe + fork, dup2, waitpid statuses (exit codes and signals), a child killed by the
 * parent, getppid, process groups. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int fds[2];
  if (pipe(fds) != 0) return 1;
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], 1);
    for (int i = 0; i < 3; i++) printf("line %d from child ppid-ok=%d\n", i, getppid() > 1);
    _exit(5);
  }
  close(fds[1]);
  char buf[256];
  ssize_t n;
  size_t total = 0;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) {
    fwrite(buf, 1, (size_t)n, stdout);
    total += (size_t)n;
  }
  int status;
  pid_t w = waitpid(pid, &status, 0);
  printf("read %zu bytes; waited same pid=%d exited=%d code=%d\n", total, w == pid, WIFEXITED(status), WEXITSTATUS(status));

  pid_t sleeper = fork();
  if (sleeper == 0) {
    for (;;) pause();
  }
  kill(sleeper, SIGTERM);
  waitpid(sleeper, &status, 0);
  printf("killed child: signaled=%d sig=%d\n", WIFSIGNALED(status), WTERMSIG(status));

  int kids = 0;
  for (int i = 0; i < 5; i++) {
    if (fork() == 0) _exit(10 + i);
  }
  int sum = 0;
  while (wait(&status) > 0) {
    kids++;
    sum += WEXITSTATUS(status);
  }
  printf("reaped %d children, status sum %d\n", kids, sum);
  printf("pgid is pid: %d\n", getpgid(0) == getpgrp());
  return 0;
}
