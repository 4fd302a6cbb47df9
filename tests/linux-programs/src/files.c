/* Files in the directory given as argv[1]: create, write, read, lseek, pread/pwrite, fstat,
 * rename, getdents (sorted), symlink + readlink, mkdir/rmdir, unlink, errors. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) {
    perror("chdir");
    return 2;
  }
  int fd = open("a.txt", O_CREAT | O_TRUNC | O_RDWR, 0644);
  printf("open=%d\n", fd >= 0);
  write(fd, "hello file\n", 11);
  pwrite(fd, "J", 1, 0);
  lseek(fd, 0, SEEK_SET);
  char buf[64] = {0};
  ssize_t n = read(fd, buf, sizeof buf - 1);
  printf("read %zd: %s", n, buf);
  struct stat st;
  fstat(fd, &st);
  printf("size=%lld reg=%d\n", (long long)st.st_size, S_ISREG(st.st_mode));
  printf("lseek end=%lld\n", (long long)lseek(fd, 0, SEEK_END));
  close(fd);
  printf("rename=%d\n", rename("a.txt", "b.txt"));
  printf("stat old: %d errno=%d\n", stat("a.txt", &st), errno);
  printf("mkdir=%d\n", mkdir("sub", 0755));
  printf("symlink=%d\n", symlink("b.txt", "link"));
  char target[64] = {0};
  printf("readlink=%zd %s\n", readlink("link", target, sizeof target - 1), target);
  FILE *f = fopen("link", "r");
  printf("via link: %s", f && fgets(buf, sizeof buf, f) ? buf : "(none)\n");
  if (f) fclose(f);
  DIR *d = opendir(".");
  char *names[16];
  int k = 0;
  struct dirent *e;
  while ((e = readdir(d)) && k < 16)
    if (e->d_name[0] != '.') names[k++] = strdup(e->d_name);
  closedir(d);
  qsort(names, (size_t)k, sizeof names[0], cmpstr);
  for (int i = 0; i < k; i++) printf("entry %s\n", names[i]);
  printf("access=%d\n", access("b.txt", R_OK));
  printf("open missing: %d errno=%d\n", open("nope", O_RDONLY), errno);
  printf("rmdir=%d unlink=%d unlink link=%d\n", rmdir("sub"), unlink("b.txt"), unlink("link"));
  char cwd[256];
  printf("getcwd ok=%d\n", getcwd(cwd, sizeof cwd) != NULL && strcmp(cwd, argv[1]) == 0);
  return 0;
}
