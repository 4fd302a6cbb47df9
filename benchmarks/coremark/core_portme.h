/*
 * orc-sandbox's freestanding port of EEMBC CoreMark (ours; CoreMark itself is not in this
 * repository: `git clone https://github.com/eembc/coremark`). Output goes through the test corpus
 * runtime (tests/programs/lib: printf over the write syscall), time through clock_gettime, the
 * seeds and the iteration count come from the command line (`0x0 0x0 0x66 ITERATIONS` is the
 * performance run), and the data block is static, so the program runs under `orc-sandbox exec`,
 * `orc-sandbox run` and qemu-aarch64 without a C library.
 */
#ifndef CORE_PORTME_H
#define CORE_PORTME_H

#include "../../tests/programs/lib/rt.h"

#define HAS_FLOAT 1
#define HAS_TIME_H 0
#define USE_CLOCK 0
#define HAS_STDIO 0
#define HAS_PRINTF 1

#define COMPILER_VERSION "clang " __clang_version__
#ifndef FLAGS_STR
#define FLAGS_STR "-O2"
#endif
#define COMPILER_FLAGS FLAGS_STR
#define MEM_LOCATION "static"

typedef int16_t ee_s16;
typedef uint16_t ee_u16;
typedef int32_t ee_s32;
typedef double ee_f32;
typedef uint8_t ee_u8;
typedef uint32_t ee_u32;
/* Pointers are 64-bit here: the list code stores them in ee_ptr_int. */
typedef uint64_t ee_ptr_int;
typedef size_t ee_size_t;

#define align_mem(x) (void *)(4 + (((ee_ptr_int)(x)-1) & ~3))

/* Microseconds of CLOCK_MONOTONIC. */
#define CORETIMETYPE uint64_t
typedef uint64_t CORE_TICKS;

#define SEED_METHOD SEED_ARG
#define MEM_METHOD MEM_STATIC
#define MULTITHREAD 1
#define USE_PTHREAD 0
#define USE_FORK 0
#define USE_SOCKET 0
#define MAIN_HAS_NOARGC 0
#define MAIN_HAS_NORETURN 0

extern ee_u32 default_num_contexts;

typedef struct CORE_PORTABLE_S {
  ee_u8 portable_id;
} core_portable;

void portable_init(core_portable *p, int *argc, char *argv[]);
void portable_fini(core_portable *p);

#if !defined(PROFILE_RUN) && !defined(PERFORMANCE_RUN) && !defined(VALIDATION_RUN)
#if (TOTAL_DATA_SIZE == 1200)
#define PROFILE_RUN 1
#elif (TOTAL_DATA_SIZE == 2000)
#define PERFORMANCE_RUN 1
#else
#define VALIDATION_RUN 1
#endif
#endif

#endif
