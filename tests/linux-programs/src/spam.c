/* Writes "y" lines forever: ends by SIGPIPE (status 141) when its reader goes away. */
#include <string.h>
#include <unistd.h>

int main(void) {
  char buf[4096];
  for (size_t i = 0; i < sizeof buf; i += 2) memcpy(buf + i, "y\n", 2);
  for (;;)
    if (write(1, buf, sizeof buf) < 0) return 3;
}
