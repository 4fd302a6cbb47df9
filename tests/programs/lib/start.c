#include "rt.h"

int main(int argc, char **argv, char **envp);

char **environ;
static unsigned long *auxv;

unsigned long getauxval(unsigned long type) {
  for (unsigned long *a = auxv; a && a[0] != 0; a += 2)
    if (a[0] == type) return a[1];
  return 0;
}

__attribute__((noreturn, used)) void __rt_start(long *sp) {
  int argc = (int)sp[0];
  char **argv = (char **)(sp + 1);
  char **envp = argv + argc + 1;
  char **e = envp;
  while (*e) e++;
  auxv = (unsigned long *)(e + 1);
  environ = envp;
  exit(main(argc, argv, envp));
}
