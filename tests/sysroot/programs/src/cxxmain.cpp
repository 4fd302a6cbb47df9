// C++ on libstdc++/glibc: std::string, std::map, iostream, exceptions thrown in another object
// (linked lazily in the tests) and caught here, static constructors and destructors, thread_local.
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>

std::string describe(int n);
int checked_divide(int a, int b);  // throws std::domain_error when b == 0
int bump_counter();                // a thread_local counter in the other object
extern thread_local int tl_local_uses;

struct Announcer {
  std::string name;
  explicit Announcer(const char *n) : name(n) { std::cout << "construct " << name << '\n'; }
  ~Announcer() { std::cout << "destruct " << name << std::endl; }
};
static Announcer first("global-in-main");
thread_local int tl_main = 100;

int main(int argc, char **argv) {
  std::map<std::string, int> counts;
  for (const char *w : {"pear", "apple", "fig", "apple", "pear", "apple"}) counts[w]++;
  for (const auto &[k, v] : counts) std::cout << k << '=' << v << ' ';
  std::cout << '\n' << describe(argc) << " argv0-length-positive=" << (std::string(argv[0]).size() > 0) << '\n';
  std::cout << "10/3=" << checked_divide(10, 3) << '\n';
  try {
    checked_divide(1, 0);
    std::cout << "not reached\n";
  } catch (const std::domain_error &e) {
    std::cout << "caught domain_error: " << e.what() << '\n';
  }
  try {
    throw std::runtime_error("thrown in main");
  } catch (const std::exception &e) {
    std::cout << "caught: " << e.what() << '\n';
  }
  int a = bump_counter(), b = bump_counter(), c = bump_counter();
  tl_main += a + b + c;
  tl_local_uses += 10;
  std::cout << "thread_local: " << a << b << c << " tl_main=" << tl_main << " tl_local_uses=" << tl_local_uses << '\n';
  std::cout.precision(10);
  std::cout << "pi~" << 3.14159265358979 << " hex=" << std::hex << 255 << std::dec << '\n';
  return 0;
}
