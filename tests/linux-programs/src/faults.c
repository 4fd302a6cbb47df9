/* Synchronous signals delivered to handlers: SIGTRAP (brk), SIGILL (udf), SIGBUS (unaligned
 * exclusive load), SIGSEGV (write to a read-only page); each handler siglongjmps back. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

static sigjmp_buf env;
static volatile int code;

static void handler(int sig, siginfo_t *info, void *uc) {
  (void)uc;
  code = info->si_code;
  siglongjmp(env, sig);
}

static void attempt(const char *what, void (*fn)(void)) {
  int s = sigsetjmp(env, 1);
  if (s == 0) {
    fn();
    printf("%s: no signal\n", what);
  } else {
    printf("%s: signal %d code %d\n", what, s, code);
  }
}

static void do_brk(void) { __asm__ volatile("brk #0x3e8"); }
static void do_udf(void) { __asm__ volatile(".inst 0x00000000"); }
static char buf[64] __attribute__((aligned(16)));
static void do_unaligned(void) {
  unsigned long v;
  __asm__ volatile("ldxr %0, [%1]" : "=r"(v) : "r"(buf + 1) : "memory");
  (void)v;
}
static void do_ro(void) {
  char *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  *(volatile char *)p = 1;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  int sigs[] = {SIGTRAP, SIGILL, SIGBUS, SIGSEGV};
  for (int i = 0; i < 4; i++) sigaction(sigs[i], &sa, NULL);
  attempt("brk", do_brk);
  attempt("udf", do_udf);
  attempt("unaligned ldxr", do_unaligned);
  attempt("read-only write", do_ro);
  return 0;
}
