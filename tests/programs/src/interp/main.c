/* A tiny interpreter: compile expressions, run loops on the stack machine. */
#include "../../lib/rt.h"
#include "vm.h"

int main(void) {
  const char *exprs[] = {"1 + 2 * 3", "(1 + 2) * 3", "100 / 7 % 4 - -5", "2*(3+4)*(5-(6-7))", "((((9))))",
                         "1 - 2 - 3 - 4", "123456789 * 1000", "7 / (3 - 3)", "(1 + 2", "17 % 5 * -3"};
  struct insn code[64];
  long vars[8];
  for (int i = 0; i < 10; i++) {
    int len = compile_expr(exprs[i], code, 64);
    printf("%-22s => ", exprs[i]);
    if (len < 0) {
      printf("syntax error\n");
      continue;
    }
    vm_run(code, vars, 1);
  }
  /* primes below 300 by trial division, as VM code: v0 = n, v1 = d */
  struct insn prog[64];
  int k = 0;
#define E(o, a) prog[k++] = (struct insn){o, a}
  E(PUSH, 2); E(STORE, 0);                 /* 0-1 n = 2 */
  int loop = k;
  E(LOAD, 0); E(PUSH, 300); E(LT, 0);      /* 2-4 */
  int jz_end = k; E(JZ, 0);                /* 5 */
  E(PUSH, 2); E(STORE, 1);                 /* d = 2 */
  int inner = k;
  E(LOAD, 1); E(LOAD, 1); E(MUL, 0); E(LOAD, 0); E(SWAP, 0); E(LT, 0); /* n < d*d ? */
  int jnz_prime = k; E(JNZ, 0);
  E(LOAD, 0); E(LOAD, 1); E(MOD, 0);
  int jz_next = k; E(JZ, 0);               /* divisible: not prime */
  E(LOAD, 1); E(PUSH, 1); E(ADD, 0); E(STORE, 1); E(JMP, inner);
  int prime = k;
  E(LOAD, 0); E(PRINT, 0);
  int next = k;
  E(LOAD, 0); E(PUSH, 1); E(ADD, 0); E(STORE, 0); E(JMP, loop);
  int end = k;
  E(HALT, 0);
  prog[jz_end].arg = end;
  prog[jnz_prime].arg = prime;
  prog[jz_next].arg = next;
  printf("primes: ");
  long steps = vm_run(prog, vars, 1);
  printf("vm steps: %ld\n", steps);
  /* sum of 1..100000 in the VM */
  k = 0;
  E(PUSH, 0); E(STORE, 0); E(PUSH, 0); E(STORE, 1);
  loop = k;
  E(LOAD, 1); E(PUSH, 100000); E(LT, 0);
  jz_end = k; E(JZ, 0);
  E(LOAD, 1); E(PUSH, 1); E(ADD, 0); E(DUP, 0); E(STORE, 1); E(LOAD, 0); E(ADD, 0); E(STORE, 0); E(JMP, loop);
  prog[jz_end].arg = k;
  E(LOAD, 0); E(PRINT, 0); E(HALT, 0);
  printf("sum: ");
  steps = vm_run(prog, vars, 1);
  printf("vm steps: %ld, v0 = %ld\n", steps, vars[0]);
  return 0;
}
