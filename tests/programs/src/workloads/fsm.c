/* A state machine: a lexer over generated source text (identifiers, numbers, strings, comments,
 * operators), counting tokens of each kind and hashing their text. */
#include "wl.h"

enum state { S_START, S_IDENT, S_NUMBER, S_HEX, S_STRING, S_ESCAPE, S_SLASH, S_LINE_COMMENT, S_BLOCK, S_BLOCK_STAR };

#define TEXT 8192
static char text[TEXT];

static void generate(uint32_t seed) {
  static const char *const pieces[] = {"while", " ", "(", "x1", " < ", "0x1f", ")", " {\n", "  y = ", "\"a\\\"b\"",
                                       ";", " // note\n", "/* block * comment */", "123", " + ", "count_", "}\n", "\t"};
  int n = 0;
  while (n < TEXT - 32) {
    const char *p = pieces[wl_next(&seed) % (sizeof pieces / sizeof pieces[0])];
    while (*p) text[n++] = *p++;
  }
  text[n] = 0;
}

static uint32_t lex(uint32_t counts[8]) {
  enum state st = S_START;
  uint32_t h = 2166136261u;
  for (const char *p = text;; p++) {
    char c = *p;
    switch (st) {
    case S_START:
      if (c == 0) return h;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
        st = S_IDENT;
        counts[0]++;
      } else if (c == '0' && (p[1] == 'x' || p[1] == 'X')) {
        st = S_HEX;
        p++;
        counts[1]++;
      } else if (c >= '0' && c <= '9') {
        st = S_NUMBER;
        counts[1]++;
      } else if (c == '"') {
        st = S_STRING;
        counts[2]++;
      } else if (c == '/')
        st = S_SLASH;
      else if (c == ' ' || c == '\t' || c == '\n')
        counts[3]++;
      else
        counts[4]++;
      break;
    case S_IDENT:
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9'))) {
        st = S_START;
        p--;
      }
      break;
    case S_NUMBER:
      if (!(c >= '0' && c <= '9')) {
        st = S_START;
        p--;
      }
      break;
    case S_HEX:
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        st = S_START;
        p--;
      }
      break;
    case S_STRING:
      if (c == '\\')
        st = S_ESCAPE;
      else if (c == '"')
        st = S_START;
      else if (c == 0)
        return h;
      break;
    case S_ESCAPE:
      st = S_STRING;
      break;
    case S_SLASH:
      if (c == '/')
        st = S_LINE_COMMENT;
      else if (c == '*')
        st = S_BLOCK;
      else {
        counts[4]++;
        st = S_START;
        p--;
      }
      break;
    case S_LINE_COMMENT:
      if (c == '\n') {
        counts[5]++;
        st = S_START;
      } else if (c == 0)
        return h;
      break;
    case S_BLOCK:
      if (c == '*')
        st = S_BLOCK_STAR;
      else if (c == 0)
        return h;
      break;
    case S_BLOCK_STAR:
      if (c == '/') {
        counts[6]++;
        st = S_START;
      } else if (c != '*')
        st = S_BLOCK;
      break;
    }
    h = (h ^ (uint32_t)(unsigned char)c ^ (uint32_t)st) * 16777619u;
  }
}

uint32_t wl_fsm(int rounds) {
  uint32_t sum = 0;
  for (int r = 0; r < rounds; r++) {
    generate(0x9e3779b9u + (uint32_t)r);
    uint32_t counts[8] = {0};
    uint32_t h = lex(counts);
    for (int i = 0; i < 8; i++) h = h * 131u + counts[i];
    sum ^= h + (sum << 6) + (sum >> 2);
  }
  return sum;
}
