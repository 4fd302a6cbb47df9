void str_reverse(char *s);
int is_palindrome(const char *s);
int word_count(const char *s);
void to_upper(char *s);
void caesar(char *s, int k);
char *join(const char **parts, int n, const char *sep);
