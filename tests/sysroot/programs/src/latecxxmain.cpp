// A C++ member linked after start-up: its static object must be constructed before the lazy body
// that first needs it runs, its thread_local initialised per thread, and an exception thrown in it
// must unwind through the lazily linked frames to here.
#include <iostream>
#include <stdexcept>
#include <string>
#include <thread>

std::string use_late_cxx(int n);

int main() {
  std::cout << use_late_cxx(1) << '\n';
  std::cout << use_late_cxx(2) << '\n';
  std::string other;
  std::thread t([&] { other = use_late_cxx(3); });
  t.join();
  std::cout << "thread: " << other << '\n';
  try {
    use_late_cxx(-1);
  } catch (const std::invalid_argument &e) {
    std::cout << "caught: " << e.what() << '\n';
  }
  return 0;
}
