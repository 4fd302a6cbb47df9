// C++: iostream, exceptions across frames, RTTI, containers, algorithms, static constructors.
#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

struct Shape {
  virtual ~Shape() = default;
  virtual double area() const = 0;
  virtual std::string name() const = 0;
};
struct Square : Shape {
  double s;
  explicit Square(double s) : s(s) {}
  double area() const override { return s * s; }
  std::string name() const override { return "square"; }
};
struct Circle : Shape {
  double r;
  explicit Circle(double r) : r(r) {}
  double area() const override { return 3.0 * r * r; }
  std::string name() const override { return "circle"; }
};

static std::map<std::string, int> registry = {{"one", 1}, {"two", 2}};

int parse(const std::string &s) {
  if (s.empty()) throw std::invalid_argument("empty");
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') throw std::runtime_error("bad digit in " + s);
    v = v * 10 + (c - '0');
  }
  return v;
}

int main() {
  std::vector<std::unique_ptr<Shape>> shapes;
  shapes.push_back(std::make_unique<Square>(2));
  shapes.push_back(std::make_unique<Circle>(1.5));
  shapes.push_back(std::make_unique<Square>(0.5));
  std::sort(shapes.begin(), shapes.end(), [](auto &a, auto &b) { return a->area() < b->area(); });
  for (auto &s : shapes) std::cout << s->name() << " " << s->area() << "\n";
  for (const char *in : {"123", "", "12x", "42"}) {
    try {
      std::cout << "parse " << parse(in) << std::endl;
    } catch (const std::invalid_argument &e) {
      std::cout << "invalid_argument: " << e.what() << "\n";
    } catch (const std::exception &e) {
      std::cout << "exception: " << e.what() << "\n";
    }
  }
  std::ostringstream os;
  for (auto &[k, v] : registry) os << k << "=" << v << ";";
  std::cout << os.str() << "\n";
  try {
    std::vector<int> v(3);
    v.at(7) = 1;
  } catch (const std::out_of_range &) {
    std::cout << "out_of_range caught\n";
  }
  std::cerr << "done" << std::endl;
  return 0;
}
