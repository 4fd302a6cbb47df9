// COMDAT test, first object: keeps the groups of twice() and Box<int>::get().
template <typename T> struct Box {
  T v;
  __attribute__((noinline)) T get() const { return v * 3; }
};
inline __attribute__((noinline)) int twice(int x) { return x * 2; }
int from_a(int x) { return twice(x) + Box<int>{x}.get(); }
int main() { return from_a(1); }
