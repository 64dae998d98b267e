#include "real/transport/accept_pacing.h"

#include <algorithm>
#include <cerrno>

namespace confman::real {

namespace {
bool is_exhaustion(int error_number) {
  return error_number == EMFILE || error_number == ENFILE || error_number == ENOBUFS || error_number == ENOMEM;
}
}  // namespace

std::chrono::milliseconds AcceptPacing::after(int error_number) {
  if (!is_exhaustion(error_number)) {
    backoff_ = std::chrono::milliseconds{0};
    return backoff_;
  }
  exhausted_total_ += 1;
  backoff_ = backoff_.count() == 0 ? kMinBackoff : std::min(backoff_ * 2, kMaxBackoff);
  return backoff_;
}

}  // namespace confman::real
