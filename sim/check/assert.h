#pragma once
// Always-on assertions for broken invariants inside the checker. The checker
// must not depend on core/, so it carries its own copy of the project's rule:
// expected failures (bad input, exhausted limits) are values; bugs abort, in
// every build type, because a checker that continues after a bug may print
// "linearizable" for a history that is not.

#include <string_view>

namespace confman::check {

[[noreturn]] void assertion_failed(std::string_view condition, std::string_view message,
                                   std::string_view file, int line);

}  // namespace confman::check

#define CHECK_ASSERT(condition, message)                                              \
  do {                                                                                \
    if (!(condition)) [[unlikely]] {                                                  \
      ::confman::check::assertion_failed(#condition, (message), __FILE__, __LINE__);  \
    }                                                                                 \
  } while (false)
