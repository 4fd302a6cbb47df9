/* Reads stdin to the end in small reads: lines, bytes and a checksum (a slow producer must not
 * be cut short). */
#include <stdio.h>
#include <unistd.h>

int main(void) {
  char buf[1000];
  unsigned long lines = 0, bytes = 0, sum = 0;
  ssize_t n;
  while ((n = read(0, buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < n; i++) {
      if (buf[i] == '\n') lines++;
      sum = sum * 31 + (unsigned char)buf[i];
    }
    bytes += (unsigned long)n;
  }
  printf("lines=%lu bytes=%lu sum=%lu\n", lines, bytes, sum);
  return 0;
}
