#pragma once
// A wall-clock limit for the CLI. The simulator never sets one: its verdicts
// must not depend on the speed of the machine, so it bounds the search by
// steps only (CheckOptions::max_steps_per_partition).

#include <chrono>
#include <cstdint>

namespace confman::check {

class Deadline {
 public:
  // timeout_ms == 0: no deadline.
  explicit Deadline(std::uint64_t timeout_ms)
      : enabled_(timeout_ms != 0),
        at_(std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms)) {}

  bool expired() const { return enabled_ && std::chrono::steady_clock::now() >= at_; }

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point at_;
};

}  // namespace confman::check
