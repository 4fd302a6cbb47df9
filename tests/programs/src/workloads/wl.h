/* The programs benchmark: realistic kernels, each returning a checksum of its work. */
#ifndef WL_H
#define WL_H
#include "../../lib/rt.h"

/* A deterministic generator shared by the workloads (xorshift32). */
static inline uint32_t wl_next(uint32_t *s) {
  uint32_t x = *s;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  *s = x;
  return x;
}

uint32_t wl_lists(int rounds);
uint32_t wl_matrix(int rounds);
uint32_t wl_fsm(int rounds);
uint32_t wl_crc(int rounds);
uint32_t wl_strings(int rounds);
uint32_t wl_bytecode(int rounds);
#endif
