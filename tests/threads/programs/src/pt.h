/* Our own pthread/printf declarations (no libc headers: -ffreestanding). Sizes as glibc's for
 * aarch64-linux; the sandbox keeps its own state keyed by the objects' addresses. */
typedef unsigned long pthread_t;
typedef union { char size[64]; long align; } pthread_attr_t;
typedef union { char size[48]; long align; } pthread_mutex_t;
typedef union { char size[8]; int align; } pthread_mutexattr_t;
typedef union { char size[48]; long long align; } pthread_cond_t;
typedef union { char size[8]; int align; } pthread_condattr_t;
typedef int pthread_once_t;
#define PTHREAD_MUTEX_INITIALIZER {{0}}
#define PTHREAD_COND_INITIALIZER {{0}}
#define PTHREAD_ONCE_INIT 0

_Static_assert(sizeof(pthread_mutex_t) == 48, "pthread_mutex_t");
_Static_assert(sizeof(pthread_cond_t) == 48, "pthread_cond_t");
_Static_assert(sizeof(pthread_once_t) == 4, "pthread_once_t");

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *arg);
int pthread_join(pthread_t thread, void **retval);
pthread_t pthread_self(void);
int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr);
int pthread_mutex_lock(pthread_mutex_t *m);
int pthread_mutex_trylock(pthread_mutex_t *m);
int pthread_mutex_unlock(pthread_mutex_t *m);
int pthread_mutex_destroy(pthread_mutex_t *m);
int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr);
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
int pthread_cond_signal(pthread_cond_t *c);
int pthread_cond_broadcast(pthread_cond_t *c);
int pthread_cond_destroy(pthread_cond_t *c);
int pthread_once(pthread_once_t *once, void (*init)(void));
int sched_yield(void);
int usleep(unsigned int usec);
struct timespec { long tv_sec; long tv_nsec; };
int nanosleep(const struct timespec *req, struct timespec *rem);
int printf(const char *fmt, ...);
