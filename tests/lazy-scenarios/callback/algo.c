/* Lazy: higher-order functions calling back through the pointers they get. */
typedef long (*fold_fn)(long acc, long x, void *ctx);

long fold(const long *v, int n, long init, fold_fn fn, void *ctx) {
  long acc = init;
  for (int i = 0; i < n; i++) acc = fn(acc, v[i], ctx);
  return acc;
}

void sort_longs(long *v, int n, int (*cmp)(const long *, const long *)) {
  for (int i = 1; i < n; i++) {
    long x = v[i];
    int j = i - 1;
    while (j >= 0 && cmp(&v[j], &x) > 0) {
      v[j + 1] = v[j];
      j--;
    }
    v[j + 1] = x;
  }
}

long visit_tree(int depth, long (*leaf)(int), long (*node)(long, long)) {
  if (depth == 0) return leaf(depth);
  return node(visit_tree(depth - 1, leaf, node), leaf(depth));
}
