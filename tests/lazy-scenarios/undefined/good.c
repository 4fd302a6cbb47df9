int good(int x) { return x + 100; }
