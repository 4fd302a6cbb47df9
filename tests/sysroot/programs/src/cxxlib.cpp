#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>

struct Registry {
  int value;
  Registry() : value(7) { std::cout << "construct registry in lib\n"; }
};
static Registry registry;
thread_local int tl_counter = 0;
thread_local int tl_local_uses = 1;

std::string describe(int n) {
  std::ostringstream os;
  os << "describe(" << n << ") registry=" << registry.value << " text=" << std::string(3, '*');
  return os.str();
}

int checked_divide(int a, int b) {
  if (b == 0) throw std::domain_error("division by zero in cxxlib");
  return a / b;
}

int bump_counter() { return ++tl_counter; }
