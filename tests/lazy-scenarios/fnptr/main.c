/* Function pointers across objects: the address of a lazy function is the same everywhere. */
int printf(const char *fmt, ...);

typedef int (*fn_t)(int);
int target(int x);
int other(int x);
fn_t addr_from_a(void);
fn_t addr_from_b(void);
extern fn_t const table_a[2]; /* data in a.o: initialised with &target, &other */

static fn_t volatile in_main = target;

int main(void) {
  fn_t a = addr_from_a();
  fn_t b = addr_from_b();
  printf("before any call: a==b %d, a==main %d, a==table %d\n", a == b, a == in_main, a == table_a[0]);
  printf("other: a==table %d, other!=target %d\n", table_a[1] == other, other != target);
  printf("call through a: %d\n", a(3));
  printf("call through b: %d\n", b(4));
  printf("call through table: %d %d\n", table_a[0](5), table_a[1](6));
  fn_t a2 = addr_from_a();
  fn_t b2 = addr_from_b();
  printf("after the first calls: a==a2 %d, b==b2 %d, a2==main %d, direct %d\n", a == a2, b == b2, a2 == in_main,
         target(7));
  return a == b && a == in_main ? 0 : 1;
}
