/* Callbacks: function pointers passed to lazy functions and called back (main's static functions,
   and a lazy function of a third object whose first call happens inside the callee). */
int printf(const char *fmt, ...);
typedef long (*fold_fn)(long acc, long x, void *ctx);
long fold(const long *v, int n, long init, fold_fn fn, void *ctx);
void sort_longs(long *v, int n, int (*cmp)(const long *, const long *));
long visit_tree(int depth, long (*leaf)(int), long (*node)(long, long));
long ops_weighted(long acc, long x, void *ctx); /* ops.o (lazy) */
long ops_leaf(int i);                            /* ops.o (lazy) */

static int calls;

static long add_scaled(long acc, long x, void *ctx) {
  calls++;
  return acc + x * *(long *)ctx;
}

static int desc(const long *a, const long *b) {
  calls++;
  return *a < *b ? 1 : *a > *b ? -1 : 0;
}

static long combine(long l, long r) { return l * 3 + r; }

int main(void) {
  long v[9] = {5, -3, 12, 7, 0, 44, -19, 8, 1};
  long k = 10;
  printf("fold add_scaled = %ld (calls %d)\n", fold(v, 9, 1, add_scaled, &k), calls);
  sort_longs(v, 9, desc);
  printf("sorted:");
  for (int i = 0; i < 9; i++) printf(" %ld", v[i]);
  printf(" (calls %d)\n", calls);
  long w = 3;
  printf("fold ops_weighted = %ld\n", fold(v, 9, 0, ops_weighted, &w));
  printf("visit_tree = %ld\n", visit_tree(5, ops_leaf, combine));
  printf("same pointer: %d\n", (fold_fn)ops_weighted == ops_weighted);
  return 0;
}
