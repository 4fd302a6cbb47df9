// glibc's stdio vtable check, made observable: a static program that does not link dlopen (a
// linked static dlopen turns the check off, and fopen/fclose/fscanf pull it in through gconv)
// hands stdio a FILE whose jump table pointer lies outside __libc_IO_vtables. glibc must refuse
// it: "Fatal error: glibc detected an invalid stdio handle" on stderr, then SIGABRT. Without an
// argument stdout is left intact.
#include <stdio.h>

static void *fake_vtable[32];

int main(int argc, char **argv) {
  (void)argv;
  char buf[32];
  snprintf(buf, sizeof buf, "%s-%d", "snprintf", argc);
  printf("before: %s\n", buf);
  fflush(stdout);
  if (argc > 1) *(void **)((char *)stdout + sizeof(FILE)) = fake_vtable;
  puts("after");
  return 0;
}
