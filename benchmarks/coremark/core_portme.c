/* orc-sandbox's freestanding CoreMark port: timing, start-up checks (see core_portme.h). */
#include "coremark.h"

ee_u32 default_num_contexts = 1;

static CORE_TICKS now_us(void) {
  struct timespec ts;
  clock_gettime(1 /* CLOCK_MONOTONIC */, &ts);
  return (CORE_TICKS)ts.tv_sec * 1000000u + (CORE_TICKS)ts.tv_nsec / 1000u;
}

static CORE_TICKS start_ticks, stop_ticks;

void start_time(void) { start_ticks = now_us(); }
void stop_time(void) { stop_ticks = now_us(); }
CORE_TICKS get_time(void) { return stop_ticks - start_ticks; }
secs_ret time_in_secs(CORE_TICKS ticks) { return (secs_ret)ticks / 1000000.0; }

void portable_init(core_portable *p, int *argc, char *argv[]) {
  (void)argc;
  (void)argv;
  if (sizeof(ee_ptr_int) != sizeof(ee_u8 *)) printf("ERROR! ee_ptr_int must hold a pointer\n");
  if (sizeof(ee_u32) != 4) printf("ERROR! ee_u32 must be 32 bits\n");
  p->portable_id = 1;
}

void portable_fini(core_portable *p) { p->portable_id = 0; }
