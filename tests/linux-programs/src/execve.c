/* execve: the program runs itself again through /proc/self/exe (or the path in argv[1]) with new
 * arguments and environment; the child's status comes back through waitpid. qemu-user cannot
 * exec an AArch64 program without binfmt_misc, so this one is checked against fixed output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv, char **envp) {
  if (argc > 1 && strcmp(argv[1], "child") == 0) {
    printf("exec'd child: argc=%d arg2=%s env0=%s\n", argc, argc > 2 ? argv[2] : "-", envp[0] ? envp[0] : "-");
    return 7;
  }
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *path = argc > 1 ? argv[1] : "/proc/self/exe";
  pid_t e = fork();
  if (e == 0) {
    char *args[] = {argv[0], "child", "two", NULL};
    char *env[] = {"K=V", NULL};
    execve(path, args, env);
    perror("execve");
    _exit(127);
  }
  int status;
  waitpid(e, &status, 0);
  printf("exec child exited=%d code=%d\n", WIFEXITED(status), WEXITSTATUS(status));
  char *bad[] = {"x", NULL};
  printf("execve of a missing file: %d\n", execve("/no/such/file", bad, bad));
  return 0;
}
