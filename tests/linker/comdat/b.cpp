// COMDAT test, second object: its copies of twice() and Box<int>::get() are discarded.
template <typename T> struct Box {
  T v;
  __attribute__((noinline)) T get() const { return v * 3; }
};
inline __attribute__((noinline)) int twice(int x) { return x * 2; }
int from_b(int x) { return twice(x + 1) + Box<int>{x}.get(); }
