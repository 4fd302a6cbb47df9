/* Arguments, environment and auxiliary vector as the loader built them. */
#include "../../lib/rt.h"

extern char __ehdr_start[];

int main(int argc, char **argv, char **envp) {
  printf("hello, world\n");
  printf("argc=%d\n", argc);
  for (int i = 1; i < argc; i++) printf("argv[%d]=\"%s\" (%u bytes)\n", i, argv[i], (unsigned)strlen(argv[i]));
  printf("argv[argc]=%p\n", (void *)argv[argc]);
  int envc = 0;
  while (envp[envc]) envc++;
  printf("envc=%d\n", envc);
  printf("AT_PAGESZ=%lu\n", getauxval(6));
  printf("AT_PHENT=%lu AT_PHNUM=%lu\n", getauxval(4), getauxval(5));
  unsigned long phdr = getauxval(3);
  printf("AT_PHDR is e_phoff past the ELF header: %s\n",
         phdr == (unsigned long)__ehdr_start + *(unsigned long *)(__ehdr_start + 32) ? "yes" : "no");
  printf("AT_ENTRY is e_entry: %s\n", getauxval(9) == *(unsigned long *)(__ehdr_start + 24) ? "yes" : "no");
  printf("AT_RANDOM present: %s\n", getauxval(25) ? "yes" : "no");
  printf("sp aligned: %s\n", ((unsigned long)__builtin_frame_address(0) & 15) == 0 ? "yes" : "no");
  return 0;
}
