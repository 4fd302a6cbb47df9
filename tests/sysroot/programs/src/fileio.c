// FILE I/O through glibc's stdio jump tables (open_memstream, fmemopen, fprintf, fscanf,
// snprintf), each checked by glibc against __start/__stop___libc_IO_vtables. Linked lazily in the
// tests (fileio-main.c calls it), so the libc members with those tables link after start-up.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int file_io(void) {
  char *buf = NULL;
  size_t len = 0;
  FILE *ms = open_memstream(&buf, &len);
  fprintf(ms, "pi=%.5f n=%d s=%s", 3.14159265, 42, "memstream");
  fputc('!', ms);
  fclose(ms);
  printf("open_memstream: [%s] len=%zu\n", buf, len);
  free(buf);

  char in[] = "12 34.5 word tail";
  FILE *fm = fmemopen(in, strlen(in), "r");
  int a = 0;
  double d = 0;
  char w[16] = "";
  int n = fscanf(fm, "%d %lf %15s", &a, &d, w);
  long pos = ftell(fm);
  fclose(fm);
  printf("fmemopen read: n=%d a=%d d=%g w=%s pos=%ld\n", n, a, d, w, pos);

  char out[64];
  FILE *fw = fmemopen(out, sizeof out, "w");
  fprintf(fw, "%05d|%-6s|%x", 42, "ab", 48879);
  fclose(fw);
  printf("fmemopen write: [%s]\n", out);

  char sb[32];
  int k = snprintf(sb, sizeof sb, "%s-%d", "snprintf", 7);
  printf("%s len=%d\n", sb, k);
  fprintf(stderr, "stderr via fprintf %d\n", 5);

  return 3;
}
