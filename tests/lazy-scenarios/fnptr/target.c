int target(int x) { return x * 11 + 1; }
int other(int x) { return x * 13 - 1; }
