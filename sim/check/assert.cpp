#include "sim/check/assert.h"

#include <cstdio>
#include <cstdlib>

namespace confman::check {

void assertion_failed(std::string_view condition, std::string_view message,
                      std::string_view file, int line) {
  std::fprintf(stderr, "%.*s:%d: checker assertion failed: %.*s (%.*s)\n",
               static_cast<int>(file.size()), file.data(), line,
               static_cast<int>(message.size()), message.data(),
               static_cast<int>(condition.size()), condition.data());
  std::abort();
}

}  // namespace confman::check
