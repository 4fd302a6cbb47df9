/* A static-pie program (ET_DYN, no interpreter): pointer tables that need load-time relocation. */
#include "../../lib/rt.h"

static int sq(int x) { return x * x; }
static int cube(int x) { return x * x * x; }
static int neg(int x) { return -x; }
static int (*const fns[])(int) = {sq, cube, neg};
static const char *const names[] = {"square", "cube", "negate"};
static const char *msg = "relocated string pointer";

extern char __ehdr_start[] __attribute__((visibility("hidden")));

int main(void) {
  for (int i = 0; i < 3; i++) printf("%s(7) = %d\n", names[i], fns[i](7));
  printf("%s\n", msg);
  printf("ELF type at load address: %d (ET_DYN)\n", *(unsigned short *)(__ehdr_start + 16));
  printf("AT_PHDR inside the image: %s\n",
         getauxval(3) == (unsigned long)__ehdr_start + *(unsigned long *)(__ehdr_start + 32) ? "yes" : "no");
  return 0;
}
