#pragma once
// A node's slow, lossy inbound links: a TCP proxy that the nemesis starts in
// each node's namespace, in front of the server's peer port, so that every
// Raft message to that node passes through it (the kernel here loads no
// netem module, so delay and loss are made in user space).
//
// Fault model, per direction of each connection, set at run time from a
// control file of one line "DELAY_MIN_MS DELAY_MAX_MS LOSS_PPM" (read every
// 100 ms; a missing or malformed file means a perfect link):
// - delay: each chunk read is delivered after a delay drawn uniformly in
//   [min, max], never before the chunk ahead of it (TCP keeps order);
// - loss: TCP turns a lost segment into a retransmission, so a "lost" chunk
//   is delivered one retransmission timeout late (200 ms, Linux's minimum
//   RTO), doubled for each further loss in a row, at most 1.6 s; what stays
//   lost is what a crash or a cut drops, which the other faults make.
// Bounded in bytes: at most kMaxQueuedBytes wait per direction; past that
// the proxy stops reading until the queue drains, as a full receive window
// would. When either end closes or fails, both are closed (a reset).

#include <cstdint>
#include <random>
#include <string>

namespace confman::nemesis {

struct LinkConditions {
  std::uint32_t delay_min_ms = 0;
  std::uint32_t delay_max_ms = 0;
  std::uint32_t loss_ppm = 0;
  bool perfect() const { return delay_max_ms == 0 && loss_ppm == 0; }
  // Reads "DELAY_MIN_MS DELAY_MAX_MS LOSS_PPM" into `out`; false if malformed.
  static bool parse(const std::string& text, LinkConditions& out);
  std::string text() const;
};

// The extra wait of one chunk under `conditions`, given how many chunks in
// a row were lost before it (updated).
std::uint32_t chunk_delay_ms(const LinkConditions& conditions, std::mt19937_64& random, std::uint32_t& losses_in_row);

struct LinkProxySettings {
  std::string listen_address;
  std::uint16_t listen_port = 0;
  std::string target_address;
  std::uint16_t target_port = 0;
  std::string control_file;
  std::uint64_t seed = 1;
};

inline constexpr std::uint64_t kMaxQueuedBytes = 1 << 20;

// Runs until the process is killed; returns only if it cannot listen.
int run_link_proxy(const LinkProxySettings& settings);

}  // namespace confman::nemesis
