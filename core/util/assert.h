#pragma once
// Always-on assertions for broken invariants (bugs). Expected failures are
// values (see result.h); these are not. They stay on in release builds because
// a consensus bug that continues silently corrupts replicated state.

#include <string_view>

namespace confman {

// Receives a failed assertion before the process aborts.
using AssertionHandler = void (*)(std::string_view condition, std::string_view message,
                                  std::string_view file, int line);
void set_assertion_handler(AssertionHandler handler);

// Reports the failed check and aborts. Defined out of line so the fast path
// of CONFMAN_ASSERT stays one compare and one branch.
[[noreturn]] void assertion_failed(std::string_view condition, std::string_view message,
                                   std::string_view file, int line);

}  // namespace confman

#define CONFMAN_ASSERT(condition, message)                                      \
  do {                                                                          \
    if (!(condition)) [[unlikely]] {                                            \
      ::confman::assertion_failed(#condition, (message), __FILE__, __LINE__);   \
    }                                                                           \
  } while (false)
