#include "../../lib/rt.h"
#include "strutil.h"

void str_reverse(char *s) {
  size_t n = strlen(s);
  for (size_t i = 0; i < n / 2; i++) {
    char t = s[i];
    s[i] = s[n - 1 - i];
    s[n - 1 - i] = t;
  }
}

static int alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

int is_palindrome(const char *s) {
  size_t i = 0, j = strlen(s);
  while (i < j) {
    if (!alpha(s[i])) { i++; continue; }
    if (!alpha(s[j - 1])) { j--; continue; }
    if (lower(s[i]) != lower(s[j - 1])) return 0;
    i++, j--;
  }
  return 1;
}

int word_count(const char *s) {
  int n = 0, in = 0;
  for (; *s; s++) {
    int sp = *s == ' ' || *s == '\t' || *s == '\n';
    if (!sp && !in) n++;
    in = !sp;
  }
  return n;
}

void to_upper(char *s) {
  for (; *s; s++)
    if (*s >= 'a' && *s <= 'z') *s = (char)(*s - 32);
}

void caesar(char *s, int k) {
  for (; *s; s++) {
    if (*s >= 'a' && *s <= 'z') *s = (char)('a' + (*s - 'a' + k) % 26);
    else if (*s >= 'A' && *s <= 'Z') *s = (char)('A' + (*s - 'A' + k) % 26);
  }
}

char *join(const char **parts, int n, const char *sep) {
  size_t len = 1;
  for (int i = 0; i < n; i++) len += strlen(parts[i]) + strlen(sep);
  char *r = malloc(len);
  r[0] = 0;
  for (int i = 0; i < n; i++) {
    if (i) strcat(r, sep);
    strcat(r, parts[i]);
  }
  return r;
}
