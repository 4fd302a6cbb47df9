/* Recursive-descent compiler from integer expressions (+ - * / % parentheses, unary -) to VM code. */
#include "../../lib/rt.h"
#include "vm.h"

static const char *p;
static struct insn *code;
static int n, cap, err;

static void emit(enum op op, long arg) {
  if (n < cap) code[n] = (struct insn){op, arg};
  n++;
}
static void skip(void) {
  while (*p == ' ') p++;
}
static void expr(void);
static void primary(void) {
  skip();
  if (*p == '(') {
    p++;
    expr();
    skip();
    if (*p == ')') p++;
    else err = 1;
  } else if (*p == '-') {
    p++;
    emit(PUSH, 0);
    primary();
    emit(SUB, 0);
  } else if (*p >= '0' && *p <= '9') {
    long v = 0;
    while (*p >= '0' && *p <= '9') v = v * 10 + (*p++ - '0');
    emit(PUSH, v);
  } else {
    err = 1;
  }
}
static void term(void) {
  primary();
  for (;;) {
    skip();
    char c = *p;
    if (c != '*' && c != '/' && c != '%') return;
    p++;
    primary();
    emit(c == '*' ? MUL : c == '/' ? DIV : MOD, 0);
  }
}
static void expr(void) {
  term();
  for (;;) {
    skip();
    char c = *p;
    if (c != '+' && c != '-') return;
    p++;
    term();
    emit(c == '+' ? ADD : SUB, 0);
  }
}

int compile_expr(const char *src, struct insn *out, int max) {
  p = src;
  code = out;
  n = 0;
  cap = max;
  err = 0;
  expr();
  skip();
  if (*p) err = 1;
  emit(PRINT, 0);
  emit(HALT, 0);
  return err ? -1 : n;
}
