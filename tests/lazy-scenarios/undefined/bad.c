int this_symbol_is_nowhere(int x);

int bad(int x) { return this_symbol_is_nowhere(x) + 1; }
