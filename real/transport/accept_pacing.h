#pragma once
// How an accept loop waits after a failed accept. When the process (EMFILE)
// or the system (ENFILE) is out of file descriptors, or the kernel out of
// buffers (ENOBUFS, ENOMEM), the pending connection stays in the backlog and
// the next accept fails the same way at once: re-arming immediately spun a
// core at 65% under `prlimit --nofile=256` with 300 idle connections, and
// starved /health. So those errors back off, 10 ms doubling to 1 s, until an
// accept succeeds; any other error (a connection aborted before it was
// accepted) retries at once, as before.

#include <chrono>
#include <cstdint>

namespace confman::real {

class AcceptPacing {
 public:
  static constexpr std::chrono::milliseconds kMinBackoff{10};
  static constexpr std::chrono::milliseconds kMaxBackoff{1000};

  // The delay before the next accept, after one that ended with errno
  // error_number (0: it succeeded).
  std::chrono::milliseconds after(int error_number);

  // Accepts that found the process or system out of descriptors or buffers.
  std::uint64_t exhausted_total() const { return exhausted_total_; }

 private:
  std::chrono::milliseconds backoff_{0};
  std::uint64_t exhausted_total_ = 0;
};

}  // namespace confman::real
