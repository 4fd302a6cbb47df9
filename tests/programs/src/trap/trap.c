/* Prints, then executes a breakpoint (__builtin_trap = brk #0x3e8): SIGTRAP (status 133). */
#include "../../lib/rt.h"

int main(void) {
  printf("before the trap\n");
  __builtin_trap();
}
