typedef int (*cmp_fn)(const void *, const void *);
void my_qsort(void *base, unsigned long n, unsigned long size, cmp_fn cmp);
void *my_bsearch(const void *key, const void *base, unsigned long n, unsigned long size, cmp_fn cmp);
