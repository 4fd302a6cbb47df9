/* String processing: build sentences, split into words, count them in an open-addressing hash
 * table, find substrings, reverse words in place and format numbers with snprintf. */
#include "wl.h"

static const char *const words[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
                                    "india", "juliett", "kilo", "lima", "mike", "november", "oscar", "papa"};

#define SLOTS 256
struct slot {
  char key[16];
  uint32_t count;
};

static uint32_t hash(const char *s, size_t n) {
  uint32_t h = 5381;
  for (size_t i = 0; i < n; i++) h = h * 33u ^ (uint8_t)s[i];
  return h;
}

static const char *find(const char *hay, const char *needle) {
  size_t n = strlen(needle);
  for (; *hay; hay++)
    if (*hay == *needle && strncmp(hay, needle, n) == 0) return hay;
  return NULL;
}

static void reverse(char *a, char *b) {
  while (a < b) {
    char t = *a;
    *a++ = *b;
    *b-- = t;
  }
}

uint32_t wl_strings(int rounds) {
  static char text[4096];
  static struct slot table[SLOTS];
  uint32_t seed = 0x51ed270bu, sum = 0;
  for (int r = 0; r < rounds; r++) {
    size_t len = 0;
    text[0] = 0;
    while (len < sizeof text - 64) {
      const char *w = words[wl_next(&seed) % 16u];
      strcpy(text + len, w);
      len += strlen(w);
      if (wl_next(&seed) % 5u == 0) len += (size_t)snprintf(text + len, 32, " %u", wl_next(&seed) % 100u);
      text[len++] = ' ';
      text[len] = 0;
    }
    memset(table, 0, sizeof table);
    for (char *p = text; *p;) {
      while (*p == ' ') p++;
      char *start = p;
      while (*p && *p != ' ') p++;
      size_t n = (size_t)(p - start);
      if (n == 0 || n >= sizeof table[0].key) continue;
      uint32_t h = hash(start, n) % SLOTS;
      while (table[h].count != 0 && (strncmp(table[h].key, start, n) != 0 || table[h].key[n] != 0))
        h = (h + 1) % SLOTS;
      if (table[h].count == 0) {
        memcpy(table[h].key, start, n);
        table[h].key[n] = 0;
      }
      table[h].count++;
    }
    for (int i = 0; i < SLOTS; i++)
      if (table[i].count) sum = sum * 7u + hash(table[i].key, strlen(table[i].key)) + table[i].count;
    const char *hit = find(text, "hotel india");
    sum += hit ? (uint32_t)(hit - text) : 0xffffu;
    for (char *p = text; *p;) {
      char *start = p;
      while (*p && *p != ' ') p++;
      if (p > start) reverse(start, p - 1);
      while (*p == ' ') p++;
    }
    sum ^= hash(text, len);
  }
  return sum;
}
