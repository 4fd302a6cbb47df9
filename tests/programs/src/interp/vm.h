enum op { PUSH, ADD, SUB, MUL, DIV, MOD, DUP, SWAP, OVER, DROP, JMP, JZ, JNZ, LT, EQ, LOAD, STORE, PRINT, HALT };
struct insn { enum op op; long arg; };
long vm_run(const struct insn *code, long *vars, int trace_prints);
int compile_expr(const char *src, struct insn *out, int max);
