/*
 * Reference-build shim (qemu only) for the `undefined` scenario: in the sandbox, bad.o cannot be
 * linked (it references this symbol, defined nowhere), so the first call of bad() aborts in the
 * reentry path before bad's body runs. bad() calls this symbol before doing anything observable, so
 * a definition that aborts reproduces that: same stdout, status 134 (SIGABRT).
 */
__attribute__((noreturn)) void abort(void);

int this_symbol_is_nowhere(int x) {
  (void)x;
  abort();
}
