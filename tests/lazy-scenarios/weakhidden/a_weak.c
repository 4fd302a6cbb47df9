/* Weak definitions (listed first): overridden by b_strong.o where it defines the same names. */
__attribute__((weak)) const char *who(void) { return "weak who (a_weak.o)"; }
__attribute__((weak)) int weak_only(int x) { return x + 1; }
__attribute__((weak)) int wdata = 1;
