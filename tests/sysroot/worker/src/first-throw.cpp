#include <stdexcept>

int boom(int x) {
  if (x > 0) throw std::runtime_error("thrown at the first call of a lazy body");
  return x;
}
