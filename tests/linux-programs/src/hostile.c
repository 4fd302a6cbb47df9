/* Hostile guests, one per argument: they must end cleanly with Linux's answers, never by
 * aborting or exhausting the host.
 *   mmaps     20,000 small anonymous mappings, each touched, then all unmapped
 *   huge      mmap of 1 TiB (more than any limit): prints the errno
 *   touch MB  maps and touches MB MiB, 8 MiB at a time (past --memory-limit: the process is killed)
 *   unaligned an exclusive load from an odd address, no handler: SIGBUS (status 135) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define SMALL 20000

static void *maps[SMALL];

static int many_mmaps(void) {
  for (int i = 0; i < SMALL; i++) {
    /* Alternate protections so neighbours cannot all merge into one region. */
    int prot = (i & 1) ? PROT_READ | PROT_WRITE : PROT_READ;
    char *p = mmap(NULL, 4096, prot | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      printf("mmap %d failed: %s\n", i, strerror(errno));
      return 1;
    }
    p[0] = (char)i;
    if (!(i & 1)) mprotect(p, 4096, prot);
    maps[i] = p;
  }
  long sum = 0;
  for (int i = 0; i < SMALL; i++) sum += ((unsigned char *)maps[i])[0];
  int unmapped = 0;
  for (int i = 0; i < SMALL; i++) unmapped += munmap(maps[i], 4096) == 0;
  printf("mapped %d, sum %ld, unmapped %d\n", SMALL, sum, unmapped);
  return 0;
}

static int huge(void) {
  void *p = mmap(NULL, 1UL << 40, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) printf("mmap(1<<40): errno %d (%s)\n", errno, errno == ENOMEM ? "ENOMEM" : "other");
  else printf("mmap(1<<40): mapped\n");
  return 0;
}

static int touch(long mib) {
  /* 8 MiB mappings (each under any sane limit), every page touched. */
  for (long done = 0; done < mib; done += 8) {
    char *p = mmap(NULL, 8 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      printf("mmap after %ld MiB: errno %d\n", done, errno);
      return 1;
    }
    for (long off = 0; off < 8 << 20; off += 4096) p[off] = 1;
  }
  printf("touched %ld MiB\n", mib);
  return 0;
}

static char buf[64] __attribute__((aligned(16)));

static int unaligned(void) {
  unsigned long v;
  printf("ldxr from an odd address\n");
  fflush(stdout);
  __asm__ volatile("ldxr %0, [%1]" : "=r"(v) : "r"(buf + 1) : "memory");
  printf("no fault: %lu\n", v);
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  const char *what = argc > 1 ? argv[1] : "";
  if (!strcmp(what, "mmaps")) return many_mmaps();
  if (!strcmp(what, "huge")) return huge();
  if (!strcmp(what, "touch") && argc > 2) return touch(atol(argv[2]));
  if (!strcmp(what, "unaligned")) return unaligned();
  fprintf(stderr, "usage: hostile mmaps|huge|touch MIB|unaligned\n");
  return 2;
}
