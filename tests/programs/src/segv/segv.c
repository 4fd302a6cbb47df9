/* Prints, then stores through a null pointer: killed by SIGSEGV (status 139). */
#include "../../lib/rt.h"

int main(int argc, char **argv) {
  printf("before the fault\n");
  volatile int *p = (volatile int *)(long)(argc - 1); /* NULL at run time, opaque to the compiler */
  *p = 42;
  printf("not reached\n");
  return 0;
}
