// A lazily linked body whose very first call throws, and one whose first call reads its
// thread_local: both need the controller's patches for the graph the call linked (the unwinder's
// object list, the TLS block) in place before the body runs.
#include <cstdio>
#include <exception>

int boom(int x);
int bump();

int main(int argc, char **argv) {
  try {
    boom(3);
    std::puts("not reached");
  } catch (const std::exception &e) {
    std::printf("caught: %s\n", e.what());
  }
  int a = bump();
  int b = bump();
  std::printf("bump: %d %d\n", a, b);
  if (argc > 1) {
    std::FILE *f = std::fopen(argv[1], "r");
    if (!f) {
      std::perror(argv[1]);
      return 3;
    }
    char buf[128];
    std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    std::fclose(f);
    std::printf("read %zu bytes: %s", n, buf);
  }
  std::fprintf(stderr, "done\n");
  return 4;
}
