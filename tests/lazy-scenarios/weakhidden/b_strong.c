const char *who(void) { return "strong who (b_strong.o)"; }
int wdata = 2;

__attribute__((visibility("hidden"))) int hidden_helper(int x) { return x * x + wdata; }

int uses_hidden(int x) { return hidden_helper(x) * 2; }
