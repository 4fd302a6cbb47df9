// A C++ library member (liblatecxx.a) only a lazily linked body needs: a static object with a
// constructor, a thread_local with a dynamic initializer and an exception thrown from it.
#include <stdexcept>
#include <string>

struct Registry {
  std::string name;
  int value;
  Registry() : name("late-registry"), value(7) {}
};
static Registry registry;
thread_local std::string tl_name = "tl-" + std::to_string(40 + 2);

std::string late_cxx_describe(int n) {
  if (n < 0) throw std::invalid_argument("negative in late member");
  tl_name += "+";
  return registry.name + ":" + std::to_string(registry.value + n) + ":" + tl_name;
}
