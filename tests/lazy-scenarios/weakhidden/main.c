/* Weak and hidden symbols in lazy objects. */
int printf(const char *fmt, ...);
const char *who(void);     /* weak in a_weak.o, strong in b_strong.o: the strong one wins */
int weak_only(int x);      /* weak in a_weak.o only */
__attribute__((visibility("hidden"))) int hidden_helper(int x); /* hidden, in b_strong.o */
int uses_hidden(int x);
extern int wdata;          /* weak data in a_weak.o, strong in b_strong.o */
extern int maybe_missing(void) __attribute__((weak)); /* defined nowhere: null */

int main(void) {
  printf("who() = %s\n", who());
  printf("weak_only(41) = %d\n", weak_only(41));
  printf("hidden_helper(5) = %d, uses_hidden(3) = %d\n", hidden_helper(5), uses_hidden(3));
  printf("wdata = %d\n", wdata);
  printf("maybe_missing is %s\n", maybe_missing ? "present" : "absent");
  printf("who() again = %s\n", who());
  return 0;
}
