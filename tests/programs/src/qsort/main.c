/* Function pointers: comparators for qsort/bsearch, dispatch tables, callbacks. */
#include "../../lib/rt.h"
#include "sort.h"

struct person { const char *name; int age; double score; };

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}
static int cmp_int_desc(const void *a, const void *b) { return cmp_int(b, a); }
static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }
static int cmp_person(const void *a, const void *b) {
  const struct person *p = a, *q = b;
  if (p->age != q->age) return p->age - q->age;
  return strcmp(p->name, q->name);
}

static long op_add(long a, long b) { return a + b; }
static long op_sub(long a, long b) { return a - b; }
static long op_mul(long a, long b) { return a * b; }
static long op_max(long a, long b) { return a > b ? a : b; }
static long (*const ops[])(long, long) = {op_add, op_sub, op_mul, op_max};
static const char *const op_names[] = {"add", "sub", "mul", "max"};

static long fold(const int *v, int n, long init, long (*f)(long, long)) {
  for (int i = 0; i < n; i++) init = f(init, v[i]);
  return init;
}

static void for_each(int *v, int n, void (*fn)(int *, void *), void *ctx) {
  for (int i = 0; i < n; i++) fn(&v[i], ctx);
}
static void add_ctx(int *x, void *ctx) { *x += *(int *)ctx; }

int main(void) {
  int v[300];
  unsigned s = 2024;
  for (int i = 0; i < 300; i++) {
    s = s * 1664525u + 1013904223u;
    v[i] = (int)(s >> 20) - 2048;
  }
  my_qsort(v, 300, sizeof v[0], cmp_int);
  int sorted = 1;
  for (int i = 1; i < 300; i++) sorted &= v[i - 1] <= v[i];
  printf("ints sorted=%d min=%d median=%d max=%d\n", sorted, v[0], v[150], v[299]);
  int key = v[123];
  int *found = my_bsearch(&key, v, 300, sizeof v[0], cmp_int);
  printf("bsearch(%d) -> %s\n", key, found && *found == key ? "found" : "missing");
  key = 5000;
  printf("bsearch(5000) -> %s\n", my_bsearch(&key, v, 300, sizeof v[0], cmp_int) ? "found" : "missing");
  my_qsort(v, 300, sizeof v[0], cmp_int_desc);
  printf("desc first=%d last=%d\n", v[0], v[299]);
  const char *words[] = {"pear", "apple", "fig", "banana", "cherry", "kiwi", "grape", "date", "lemon", "mango",
                         "apricot", "plum"};
  my_qsort(words, 12, sizeof words[0], cmp_str);
  for (int i = 0; i < 12; i++) printf("%s%s", words[i], i == 11 ? "\n" : " ");
  struct person people[] = {{"zoe", 31, 1.5}, {"adam", 25, 2.5}, {"eve", 31, 3.25}, {"bob", 19, 0.5},
                            {"carl", 25, 9.0}, {"dora", 40, 4.75}, {"finn", 19, 6.5}, {"gus", 31, 7.0},
                            {"hana", 22, 8.5}, {"ivy", 40, 5.0}};
  my_qsort(people, 10, sizeof people[0], cmp_person);
  for (int i = 0; i < 10; i++) printf("%s/%d/%.2f ", people[i].name, people[i].age, people[i].score);
  printf("\n");
  int small[] = {3, -1, 4, 1, -5, 9, 2, 6};
  for (int k = 0; k < 4; k++) printf("fold %s = %ld\n", op_names[k], fold(small, 8, k == 2 ? 1 : 0, ops[k]));
  int inc = 10;
  for_each(small, 8, add_ctx, &inc);
  printf("after for_each: %d %d %d\n", small[0], small[4], small[7]);
  return 0;
}
