// Calls the FILE I/O of fileio.c (linked lazily in the tests).
#include <stdio.h>

int file_io(void);

int main(void) {
  printf("main starts\n");
  return file_io();
}
