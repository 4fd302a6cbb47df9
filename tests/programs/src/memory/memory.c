/* The memory and misc system calls: brk, mmap/munmap/mprotect, getrandom, clock, uname, errors. */
#include "../../lib/rt.h"

struct utsname { char f[6][65]; };

static const char *yes(int c) { return c ? "ok" : "FAILED"; }

int main(void) {
  char *b0 = rt_brk(0);
  char *b1 = rt_brk(b0 + 100000);
  printf("brk grows: %s\n", yes(b1 == b0 + 100000));
  memset(b0, 0x5a, 100000);
  printf("brk memory writable: %s\n", yes(b0[99999] == 0x5a));
  printf("brk shrinks: %s\n", yes(rt_brk(b0 + 50000) == b0 + 50000));
  char *m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  printf("mmap: %s, page aligned: %s, zeroed: %s\n", yes(m != MAP_FAILED), yes(((unsigned long)m & 4095) == 0),
         yes(m[0] == 0 && m[3 * 4096 - 1] == 0));
  for (int i = 0; i < 3 * 4096; i++) m[i] = (char)i;
  printf("mprotect read-only: %s\n", yes(mprotect(m + 4096, 4096, PROT_READ) == 0));
  printf("still readable: %s\n", yes(m[4096 + 5] == 5));
  printf("mprotect back: %s\n", yes(mprotect(m + 4096, 4096, PROT_READ | PROT_WRITE) == 0));
  m[4096] = 9;
  printf("munmap middle: %s\n", yes(munmap(m + 4096, 4096) == 0));
  printf("mprotect hole -> %ld\n", (long)mprotect(m, 3 * 4096, PROT_READ));
  char *fixed = mmap(m + 4096, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | 0x10, -1, 0);
  printf("MAP_FIXED refill: %s, zeroed: %s, neighbours kept: %s\n", yes(fixed == m + 4096), yes(fixed[0] == 0),
         yes(m[7] == 7 && m[2 * 4096 + 1] == 1));
  printf("munmap all: %s\n", yes(munmap(m, 3 * 4096) == 0));
  printf("mmap len 0 -> %ld\n", rt_syscall(222, 0, 0, 3, 0x22, -1, 0));
  printf("munmap unaligned -> %ld\n", rt_syscall(215, 4097, 4096, 0, 0, 0, 0));
  unsigned char r1[16] = {0}, r2[16] = {0};
  printf("getrandom: %ld %ld\n", getrandom(r1, 16, 0), getrandom(r2, 16, 0));
  int same = memcmp(r1, r2, 16) == 0;
  printf("two draws differ: %s\n", yes(!same));
  struct timespec t1, t2;
  clock_gettime(1, &t1);
  volatile long spin = 0;
  for (int i = 0; i < 10000; i++) spin += i;
  clock_gettime(1, &t2);
  long dt = (t2.tv_sec - t1.tv_sec) * 1000000000l + (t2.tv_nsec - t1.tv_nsec);
  printf("monotonic clock advances: %s\n", yes(dt > 0));
  printf("clock_gettime(bad) -> %ld\n", rt_syscall(113, 12345, (long)&t1, 0, 0, 0, 0));
  struct utsname u;
  printf("uname: %ld %s %s\n", rt_syscall(160, (long)&u, 0, 0, 0, 0, 0), u.f[0], u.f[4]);
  printf("write(bad fd) -> %ld\n", (long)write(42, "x", 1));
  printf("write(bad buf) -> %ld\n", (long)write(1, (void *)16, 4));
  printf("ioctl(TCGETS) -> %ld\n", rt_syscall(29, 1, 0x5401, (long)&u, 0, 0, 0));
  printf("pid == tid: %s\n", yes(rt_syscall(172, 0, 0, 0, 0, 0, 0) == rt_syscall(178, 0, 0, 0, 0, 0, 0)));
  printf("rt_sigprocmask: %ld\n", rt_syscall(135, 0, 0, (long)r1, 8, 0, 0));
  char *blocks[64];
  for (int i = 0; i < 64; i++) {
    blocks[i] = malloc((size_t)(i * 997 % 5000) + 1);
    memset(blocks[i], i, (size_t)(i * 997 % 5000) + 1);
  }
  int good = 1;
  for (int i = 0; i < 64; i++) good &= blocks[i][0] == (char)i && blocks[i][i * 997 % 5000] == (char)i;
  for (int i = 0; i < 64; i += 2) free(blocks[i]);
  for (int i = 0; i < 64; i += 2) blocks[i] = calloc(1, 100);
  for (int i = 0; i < 64; i += 2) good &= blocks[i][50] == 0;
  printf("malloc/free/calloc: %s\n", yes(good));
  return 0;
}
