// A library member (liblate.a) with a constructor, a destructor and thread-local data. In the
// tests only a lazily linked body needs it, so it is linked after the program started (while a
// thread created earlier exists); a static link runs its constructor before main.
#include <stdio.h>

static int ready;
static int ctor_calls;
__thread int late_tls = 5;
__thread int late_zero;

__attribute__((constructor)) static void late_init(int argc, char **argv, char **envp) {
  ready = 40 + argc + (argv[argc] == NULL) + (envp != NULL);
  ctor_calls++;
}

__attribute__((destructor)) static void late_fini(void) { printf("late destructor: ready=%d\n", ready); }

int late_value(void) { return ready; }
int late_constructor_calls(void) { return ctor_calls; }
int late_tls_bump(void) { return ++late_tls * 10 + late_zero++; }
