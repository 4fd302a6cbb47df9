/* A stack machine with switch dispatch. */
#include "../../lib/rt.h"
#include "vm.h"

long vm_run(const struct insn *code, long *vars, int trace_prints) {
  long stack[256];
  int sp = 0;
  long steps = 0;
  for (int pc = 0;; steps++) {
    const struct insn *i = &code[pc++];
    long a, b;
    switch (i->op) {
    case PUSH: stack[sp++] = i->arg; break;
    case ADD: b = stack[--sp]; a = stack[--sp]; stack[sp++] = a + b; break;
    case SUB: b = stack[--sp]; a = stack[--sp]; stack[sp++] = a - b; break;
    case MUL: b = stack[--sp]; a = stack[--sp]; stack[sp++] = a * b; break;
    case DIV: b = stack[--sp]; a = stack[--sp]; stack[sp++] = b ? a / b : 0; break;
    case MOD: b = stack[--sp]; a = stack[--sp]; stack[sp++] = b ? a % b : 0; break;
    case DUP: stack[sp] = stack[sp - 1]; sp++; break;
    case SWAP: a = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = a; break;
    case OVER: stack[sp] = stack[sp - 2]; sp++; break;
    case DROP: sp--; break;
    case JMP: pc = (int)i->arg; break;
    case JZ: if (stack[--sp] == 0) pc = (int)i->arg; break;
    case JNZ: if (stack[--sp] != 0) pc = (int)i->arg; break;
    case LT: b = stack[--sp]; a = stack[--sp]; stack[sp++] = a < b; break;
    case EQ: b = stack[--sp]; a = stack[--sp]; stack[sp++] = a == b; break;
    case LOAD: stack[sp++] = vars[i->arg]; break;
    case STORE: vars[i->arg] = stack[--sp]; break;
    case PRINT:
      a = stack[--sp];
      if (trace_prints) printf("%ld ", a);
      break;
    case HALT:
      if (trace_prints) printf("\n");
      return steps;
    }
  }
}
