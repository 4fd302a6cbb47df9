// Linked lazily in the tests: its first call links it and liblatecxx.a's member.
#include <string>

std::string late_cxx_describe(int n);

std::string use_late_cxx(int n) { return "use(" + late_cxx_describe(n) + ")"; }
