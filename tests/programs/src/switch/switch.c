/* switch statements: dense jump tables, sparse comparisons, a tokenizer state machine, Roman numerals. */
#include "../../lib/rt.h"

static const char *day(int d) {
  switch (d) {
  case 0: return "sunday";
  case 1: return "monday";
  case 2: return "tuesday";
  case 3: return "wednesday";
  case 4: return "thursday";
  case 5: return "friday";
  case 6: return "saturday";
  default: return "?";
  }
}

__attribute__((noinline)) static int dense(int x) {
  switch (x) {
  case 0: return 11;
  case 1: return 23;
  case 2: return 5;
  case 3: return 78;
  case 4: return 1;
  case 5: return 99;
  case 6: return 42;
  case 7: return 17;
  case 8: return 64;
  case 9: return 3;
  case 10: return 100;
  case 11: return 8;
  default: return -1;
  }
}

__attribute__((noinline)) static int sparse(long x) {
  switch (x) {
  case -1000: return 1;
  case 7: return 2;
  case 1000: return 3;
  case 65536: return 4;
  case 1l << 40: return 5;
  default: return 0;
  }
}

static int roman(const char *s) {
  int total = 0, prev = 0;
  for (int i = (int)strlen(s) - 1; i >= 0; i--) {
    int v;
    switch (s[i]) {
    case 'I': v = 1; break;
    case 'V': v = 5; break;
    case 'X': v = 10; break;
    case 'L': v = 50; break;
    case 'C': v = 100; break;
    case 'D': v = 500; break;
    case 'M': v = 1000; break;
    default: return -1;
    }
    total += v < prev ? -v : v;
    if (v > prev) prev = v;
  }
  return total;
}

enum st { START, IDENT, NUMBER, OPER, SPACE };

static void tokenize(const char *s) {
  enum st state = START;
  const char *tok = s;
  int counts[5] = {0};
  for (const char *p = s;; p++) {
    char c = *p;
    enum st next;
    switch (c) {
    case 'a' ... 'z':
    case 'A' ... 'Z':
    case '_': next = state == NUMBER ? NUMBER : IDENT; break;
    case '0' ... '9': next = state == IDENT ? IDENT : NUMBER; break;
    case '+': case '-': case '*': case '/': case '=': case '(': case ')': case ';': next = OPER; break;
    case 0: next = START; break;
    default: next = SPACE; break;
    }
    if (next != state || next == OPER) {
      switch (state) {
      case IDENT: printf("[id %.*s]", (int)(p - tok), tok); counts[IDENT]++; break;
      case NUMBER: printf("[num %.*s]", (int)(p - tok), tok); counts[NUMBER]++; break;
      case OPER: printf("[op %c]", *tok); counts[OPER]++; break;
      default: break;
      }
      tok = p;
      state = next;
    }
    if (c == 0) break;
  }
  printf("\nidents=%d numbers=%d ops=%d\n", counts[IDENT], counts[NUMBER], counts[OPER]);
}

int main(void) {
  for (int d = 0; d < 8; d++) printf("%s%s", day(d), d == 7 ? "\n" : ",");
  int s = 0;
  for (int i = -2; i < 14; i++) s = s * 3 + dense(i);
  printf("dense checksum %d\n", s);
  long keys[] = {-1000, 7, 8, 1000, 65536, 1l << 40, 0};
  for (int i = 0; i < 7; i++) printf("%d", sparse(keys[i]));
  printf("\n");
  const char *r[] = {"XIV", "MCMXCIV", "MMXXIV", "CDXLIV", "IIII", "MMMCMXCIX", "ABC"};
  for (int i = 0; i < 7; i++) printf("%s=%d ", r[i], roman(r[i]));
  printf("\n");
  tokenize("x1 = (alpha + 42) * beta_2 - 7;  y=x1/3");
  return 0;
}
