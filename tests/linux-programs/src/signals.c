/* Signals: handlers with SA_SIGINFO, masks and pending signals, sigsetjmp/siglongjmp out of a
 * SIGSEGV handler, raise, kill to self, SIGPIPE ignored (EPIPE), then abort() (status 134). */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t got;
static sigjmp_buf env;

static void on_usr(int sig, siginfo_t *info, void *uc) {
  (void)uc;
  got = sig * 100 + (info->si_code == SI_USER || info->si_code == SI_TKILL ? 1 : 2);
}

static void on_segv(int sig, siginfo_t *info, void *uc) {
  (void)uc;
  (void)info;
  siglongjmp(env, sig);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_usr;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);
  raise(SIGUSR1);
  printf("after raise: got=%d\n", got);
  got = 0;
  kill(getpid(), SIGUSR1);
  printf("after kill: got=%d\n", got);

  sigset_t set, old, pend;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigprocmask(SIG_BLOCK, &set, &old);
  got = 0;
  raise(SIGUSR1);
  sigpending(&pend);
  printf("blocked: got=%d pending=%d\n", got, sigismember(&pend, SIGUSR1));
  sigprocmask(SIG_SETMASK, &old, NULL);
  printf("unblocked: got=%d\n", got);

  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigaction(SIGSEGV, &sa, NULL);
  for (int round = 0; round < 2; round++) {
    int s = sigsetjmp(env, 1);
    if (s == 0) {
      volatile int *bad = (int *)16;
      *bad = 1;
      puts("not reached");
    } else {
      printf("recovered from signal %d (round %d)\n", s, round);
    }
  }

  signal(SIGPIPE, SIG_IGN);
  int fds[2];
  pipe(fds);
  close(fds[0]);
  ssize_t n = write(fds[1], "x", 1);
  printf("write to closed pipe: %zd errno=%s\n", n, errno == EPIPE ? "EPIPE" : "other");
  signal(SIGPIPE, SIG_DFL);
  puts("aborting");
  abort();
}
