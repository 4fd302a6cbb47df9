typedef int (*fn_t)(int);
int target(int x);

fn_t addr_from_b(void) { return target; }
