int printf(const char *fmt, ...);
void rarely(void) { printf("rarely: you passed an argument\n"); }
