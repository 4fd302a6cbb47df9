/* Strings: library functions, reversal, palindromes, words, number parsing, formatting. */
#include "../../lib/rt.h"
#include "strutil.h"

int main(void) {
  char buf[256];
  strcpy(buf, "The quick brown fox jumps over the lazy dog");
  printf("len=%u words=%d\n", (unsigned)strlen(buf), word_count(buf));
  str_reverse(buf);
  printf("reversed: %s\n", buf);
  str_reverse(buf);
  to_upper(buf);
  printf("upper: %s\n", buf);
  caesar(buf, 13);
  printf("rot13: %s\n", buf);
  caesar(buf, 13);
  printf("back: %s\n", buf);
  const char *pals[] = {"A man, a plan, a canal: Panama", "Was it a car or a cat I saw?", "not a palindrome", ""};
  for (int i = 0; i < 4; i++) printf("palindrome(\"%s\") = %d\n", pals[i], is_palindrome(pals[i]));
  const char *cmp[][2] = {{"apple", "apples"}, {"b", "a"}, {"same", "same"}, {"", "x"}};
  for (int i = 0; i < 4; i++) {
    int r = strcmp(cmp[i][0], cmp[i][1]);
    printf("strcmp(%s, %s) %s 0, strncmp3 = %d\n", cmp[i][0], cmp[i][1], r < 0 ? "<" : r > 0 ? ">" : "==",
           strncmp(cmp[i][0], cmp[i][1], 3) == 0);
  }
  const char *nums[] = {"12345", "-987", "0x1F", "0777", "  42abc", "+0"};
  for (int i = 0; i < 6; i++) {
    char *end;
    long v = strtol(nums[i], &end, 0);
    printf("strtol(\"%s\") = %ld rest \"%s\"\n", nums[i], v, end);
  }
  const char *parts[] = {"alpha", "beta", "gamma", "delta"};
  char *j = join(parts, 4, ", ");
  printf("joined: [%s] (%u)\n", j, (unsigned)strlen(j));
  free(j);
  char *p = strchr("hello world", 'w');
  printf("strchr: %s\n", p ? p : "(null)");
  char big[1000];
  memset(big, 'x', sizeof big);
  big[999] = 0;
  memmove(big + 10, big, 50);
  memcpy(big, "overlap-test", 12);
  printf("memcmp: %d %d, big[0..15]=%.15s\n", memcmp("abc", "abd", 3) < 0, memcmp(big + 12, big + 13, 20), big);
  int counts[26] = {0};
  const char *text = "it was the best of times it was the worst of times";
  for (const char *t = text; *t; t++)
    if (*t >= 'a' && *t <= 'z') counts[*t - 'a']++;
  for (int i = 0; i < 26; i++)
    if (counts[i]) printf("%c%d ", 'a' + i, counts[i]);
  printf("\n");
  return 0;
}
