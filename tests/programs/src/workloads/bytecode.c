/* A bytecode interpreter loop: a stack machine with locals, jumps and calls, running a program that
 * sieves primes, sums a series and iterates the Collatz map. */
#include "wl.h"

enum op { PUSH, LOAD, STORE, ADD, SUB, MUL, MOD, DIV, LT, EQ, JMP, JZ, DUP, POP, ALOAD, ASTORE, CALL, RET, HALT };

static int32_t mem[4096];

static int32_t run(const int32_t *code, int32_t arg) {
  int32_t stack[64], locals[16 * 8];
  int32_t frames[16];
  int sp = 0, fp = 0, depth = 0;
  int pc = 0;
  locals[0] = arg;
  for (;;) {
    int32_t op = code[pc++];
    switch (op) {
    case PUSH: stack[sp++] = code[pc++]; break;
    case LOAD: stack[sp++] = locals[fp + code[pc++]]; break;
    case STORE: locals[fp + code[pc++]] = stack[--sp]; break;
    case ADD: sp--; stack[sp - 1] += stack[sp]; break;
    case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
    case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
    case MOD: sp--; stack[sp - 1] %= stack[sp]; break;
    case DIV: sp--; stack[sp - 1] /= stack[sp]; break;
    case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
    case EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
    case JMP: pc = code[pc]; break;
    case JZ: if (stack[--sp] == 0) pc = code[pc]; else pc++; break;
    case DUP: stack[sp] = stack[sp - 1]; sp++; break;
    case POP: sp--; break;
    case ALOAD: stack[sp - 1] = mem[stack[sp - 1] & 4095]; break;
    case ASTORE: sp -= 2; mem[stack[sp] & 4095] = stack[sp + 1]; break;
    case CALL:
      frames[depth++] = pc + 1;
      fp += 8;
      locals[fp] = stack[--sp];
      pc = code[pc];
      break;
    case RET:
      fp -= 8;
      pc = frames[--depth];
      break;
    case HALT: return sp > 0 ? stack[sp - 1] : 0;
    default: return -1;
    }
  }
}

/* The program (local 0: n): sieve mem[0..n) counting primes (local 1), then sum collatz(i) for
 * i < 64 (local 3); assembled at run time so jump targets are labels. */
static int32_t code[512];
static int ncode;
static void emit(int32_t v) { code[ncode++] = v; }

static void assemble(void) {
  ncode = 0;
  int l_clear, l_clear_end, l_outer, l_outer_end, l_inner, l_inner_end, l_skip, l_col, l_col_end, l_fn, l_fn_loop, l_fn_end,
      l_odd, l_next;
  int fix_clear_end, fix_outer_end, fix_skip, fix_inner_end, fix_col_end, fix_fn, fix_fn_end, fix_odd, fix_next;
  /* i = 2 */
  emit(PUSH); emit(2); emit(STORE); emit(2);
  l_clear = ncode;
  emit(LOAD); emit(2); emit(LOAD); emit(0); emit(LT); emit(JZ); fix_clear_end = ncode; emit(0);
  emit(LOAD); emit(2); emit(PUSH); emit(0); emit(ASTORE);
  emit(LOAD); emit(2); emit(PUSH); emit(1); emit(ADD); emit(STORE); emit(2);
  emit(JMP); emit(l_clear);
  l_clear_end = ncode;
  code[fix_clear_end] = l_clear_end;
  /* count = 0; i = 2 */
  emit(PUSH); emit(0); emit(STORE); emit(1);
  emit(PUSH); emit(2); emit(STORE); emit(2);
  l_outer = ncode;
  emit(LOAD); emit(2); emit(LOAD); emit(0); emit(LT); emit(JZ); fix_outer_end = ncode; emit(0);
  /* if mem[i] != 0 skip */
  emit(LOAD); emit(2); emit(ALOAD); emit(PUSH); emit(0); emit(EQ); emit(JZ); fix_skip = ncode; emit(0);
  emit(LOAD); emit(1); emit(PUSH); emit(1); emit(ADD); emit(STORE); emit(1);
  /* j = i * i */
  emit(LOAD); emit(2); emit(DUP); emit(MUL); emit(STORE); emit(4);
  l_inner = ncode;
  emit(LOAD); emit(4); emit(LOAD); emit(0); emit(LT); emit(JZ); fix_inner_end = ncode; emit(0);
  emit(LOAD); emit(4); emit(PUSH); emit(1); emit(ASTORE);
  emit(LOAD); emit(4); emit(LOAD); emit(2); emit(ADD); emit(STORE); emit(4);
  emit(JMP); emit(l_inner);
  l_inner_end = ncode;
  code[fix_inner_end] = l_inner_end;
  l_skip = ncode;
  code[fix_skip] = l_skip;
  emit(LOAD); emit(2); emit(PUSH); emit(1); emit(ADD); emit(STORE); emit(2);
  emit(JMP); emit(l_outer);
  l_outer_end = ncode;
  code[fix_outer_end] = l_outer_end;
  /* sum = 0; i = 1; while i < 64: sum += collatz(i) */
  emit(PUSH); emit(0); emit(STORE); emit(3);
  emit(PUSH); emit(1); emit(STORE); emit(2);
  l_col = ncode;
  emit(LOAD); emit(2); emit(PUSH); emit(64); emit(LT); emit(JZ); fix_col_end = ncode; emit(0);
  emit(LOAD); emit(2); emit(CALL); fix_fn = ncode; emit(0);
  emit(LOAD); emit(3); emit(ADD); emit(STORE); emit(3);
  emit(LOAD); emit(2); emit(PUSH); emit(1); emit(ADD); emit(STORE); emit(2);
  emit(JMP); emit(l_col);
  l_col_end = ncode;
  code[fix_col_end] = l_col_end;
  emit(LOAD); emit(3); emit(PUSH); emit(65536); emit(MUL); emit(LOAD); emit(1); emit(ADD); emit(HALT);
  /* collatz(x): steps = 0 (local 1); while x != 1: x = x odd ? 3x+1 : x/2; steps++ ; push steps */
  l_fn = ncode;
  code[fix_fn] = l_fn;
  emit(PUSH); emit(0); emit(STORE); emit(1);
  l_fn_loop = ncode;
  emit(LOAD); emit(0); emit(PUSH); emit(1); emit(EQ); emit(PUSH); emit(0); emit(EQ); emit(JZ); fix_fn_end = ncode; emit(0);
  emit(LOAD); emit(0); emit(PUSH); emit(2); emit(MOD); emit(JZ); fix_odd = ncode; emit(0);
  emit(LOAD); emit(0); emit(PUSH); emit(3); emit(MUL); emit(PUSH); emit(1); emit(ADD); emit(STORE); emit(0);
  emit(JMP); fix_next = ncode; emit(0);
  l_odd = ncode;
  code[fix_odd] = l_odd;
  emit(LOAD); emit(0); emit(PUSH); emit(2); emit(DIV); emit(STORE); emit(0);
  l_next = ncode;
  code[fix_next] = l_next;
  emit(LOAD); emit(1); emit(PUSH); emit(1); emit(ADD); emit(STORE); emit(1);
  emit(JMP); emit(l_fn_loop);
  l_fn_end = ncode;
  code[fix_fn_end] = l_fn_end;
  emit(LOAD); emit(1); emit(RET);
}

uint32_t wl_bytecode(int rounds) {
  uint32_t sum = 0;
  assemble();
  for (int r = 0; r < rounds; r++) sum = sum * 29u + (uint32_t)run(code, 400 + (r & 7) * 50);
  return sum;
}
