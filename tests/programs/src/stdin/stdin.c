/* Reads standard input to the end: counts lines, words, bytes; echoes it upper-cased. */
#include "../../lib/rt.h"

int main(void) {
  char buf[64]; /* small on purpose: many read() calls */
  long lines = 0, words = 0, bytes = 0;
  unsigned sum = 0;
  int in_word = 0;
  for (;;) {
    long n = read(0, buf, sizeof buf);
    if (n < 0) {
      printf("read error %ld\n", n);
      return 1;
    }
    if (n == 0) break;
    for (long i = 0; i < n; i++) {
      char c = buf[i];
      bytes++;
      sum = sum * 33 + (unsigned char)c;
      if (c == '\n') lines++;
      int sp = c == ' ' || c == '\n' || c == '\t';
      if (!sp && !in_word) words++;
      in_word = !sp;
      if (c >= 'a' && c <= 'z') buf[i] = (char)(c - 32);
    }
    write(1, buf, (size_t)n);
  }
  printf("lines=%ld words=%ld bytes=%ld hash=%08x\n", lines, words, bytes, sum);
  return lines > 255 ? 255 : (int)lines;
}
