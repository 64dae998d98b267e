#pragma once
// Prometheus text exposition (version 0.0.4) of the server's metrics.

#include <array>
#include <cstdint>
#include <string>

namespace confman::real {

// A cumulative histogram with fixed bucket bounds in seconds.
class Histogram {
 public:
  static constexpr std::array<double, 12> kBoundsSeconds{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                         0.01,   0.025,   0.05,   0.1,   0.25,   1.0};
  void observe(double seconds);
  std::string render(const std::string& name, const std::string& help) const;

 private:
  std::array<std::uint64_t, kBoundsSeconds.size()> counts_{};
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

struct Metrics {
  std::uint64_t proposals_committed = 0;
  std::uint64_t proposals_failed = 0;
  std::uint64_t http_requests = 0;
  Histogram fsync_seconds;  // storage write latency (LMDB commit, with its fsync)
  Histogram apply_seconds;  // client write: received to applied
};

}  // namespace confman::real
