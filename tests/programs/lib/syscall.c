#include "rt.h"

long rt_syscall(long nr, long a, long b, long c, long d, long e, long f) {
  register long x8 __asm__("x8") = nr;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  register long x4 __asm__("x4") = e;
  register long x5 __asm__("x5") = f;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
  return x0;
}

ssize_t write(int fd, const void *buf, size_t n) { return rt_syscall(64, fd, (long)buf, (long)n, 0, 0, 0); }
ssize_t read(int fd, void *buf, size_t n) { return rt_syscall(63, fd, (long)buf, (long)n, 0, 0, 0); }
void exit(int status) {
  for (;;) rt_syscall(94, status, 0, 0, 0, 0, 0);
}
void *rt_brk(void *addr) { return (void *)rt_syscall(214, (long)addr, 0, 0, 0, 0, 0); }
void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off) {
  long r = rt_syscall(222, (long)addr, (long)len, prot, flags, fd, off);
  return (r < 0 && r > -4096) ? MAP_FAILED : (void *)r;
}
int munmap(void *addr, size_t len) { return (int)rt_syscall(215, (long)addr, (long)len, 0, 0, 0, 0); }
int mprotect(void *addr, size_t len, int prot) { return (int)rt_syscall(226, (long)addr, (long)len, prot, 0, 0, 0); }
long getrandom(void *buf, size_t n, unsigned flags) { return rt_syscall(278, (long)buf, (long)n, flags, 0, 0, 0); }
int clock_gettime(int clk, struct timespec *ts) { return (int)rt_syscall(113, clk, (long)ts, 0, 0, 0, 0); }
