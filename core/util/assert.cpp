#include "core/util/assert.h"

#include <cstdlib>

namespace confman {

namespace {
// Set by embedding code (sim, server) so the message reaches its log; core
// itself has no stream or file to write to.
AssertionHandler g_handler = nullptr;
}  // namespace

void set_assertion_handler(AssertionHandler handler) { g_handler = handler; }

void assertion_failed(std::string_view condition, std::string_view message,
                      std::string_view file, int line) {
  if (g_handler != nullptr) {
    g_handler(condition, message, file, line);
  }
  std::abort();
}

}  // namespace confman
