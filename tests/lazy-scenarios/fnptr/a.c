typedef int (*fn_t)(int);
int target(int x);
int other(int x);

fn_t const table_a[2] = {target, other};

fn_t addr_from_a(void) { return target; }
