/* The programs benchmark: `workloads [ROUNDS [NAME…]]` runs each workload ROUNDS times (default 1)
 * and prints its checksum; the same checksums under qemu-aarch64 and both engines. */
#include "wl.h"

struct workload {
  const char *name;
  uint32_t (*run)(int rounds);
  int weight;
};

static const struct workload all[] = {
    {"lists", wl_lists, 1},   {"matrix", wl_matrix, 1},    {"fsm", wl_fsm, 2},
    {"crc", wl_crc, 1},       {"strings", wl_strings, 2}, {"bytecode", wl_bytecode, 1},
};

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 1;
  if (rounds <= 0) {
    printf("workloads: rounds must be positive\n");
    return 2;
  }
  for (unsigned i = 0; i < sizeof all / sizeof all[0]; i++) {
    int chosen = argc <= 2;
    for (int a = 2; a < argc; a++)
      if (strcmp(argv[a], all[i].name) == 0) chosen = 1;
    if (!chosen) continue;
    uint32_t c = all[i].run(rounds * all[i].weight);
    printf("%-8s %08x\n", all[i].name, c);
  }
  return 0;
}
