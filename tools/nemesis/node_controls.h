#pragma once
// The knobs a nemesis run turns inside each server process, as small files
// the process reads while it runs (so no restart is needed): the fsync
// shim's mode (fsync_shim.cpp: "ok", "slow MS", "fail") and, when clock
// faults are in the plan, libfaketime's offset of the wall clock in seconds
// ("+0", "-120"; FAKETIME_TIMESTAMP_FILE, read at most every second), and
// the delay and loss of the links into the node, which its link proxy reads
// (link_proxy.h; a run's baseline, from --link-delay-ms or a scenario's
// [network], which a fault may worsen for a while). The
// monotonic clock is never faked (FAKETIME_DONT_FAKE_MONOTONIC=1): Raft's
// timers run on it, and a real host's monotonic clock does not jump.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tools/nemesis/link_proxy.h"

namespace confman::nemesis {

class NodeControls {
 public:
  NodeControls(std::filesystem::path dir, std::size_t nodes, LinkConditions baseline_links = {});

  void set_fsync(std::size_t id, const std::string& mode);  // "ok", "slow MS", "fail"
  // The node's wall clock runs `base` seconds off (drawn at each start when
  // the run offsets clocks), and a clock jump moves it `seconds` further.
  void set_clock_base(std::size_t id, std::int64_t base);
  void set_clock_offset(std::size_t id, std::int64_t seconds);
  void set_links(std::size_t id, const LinkConditions& conditions);
  void reset(std::size_t id);  // syncs pass, the clock at its base, links as the baseline
  const LinkConditions& baseline_links() const { return baseline_links_; }
  std::filesystem::path links_file(std::size_t id) const;

  // The environment a server needs for these knobs: LD_PRELOAD of the shim
  // (and of libfaketime, if given) and the variables naming its files.
  std::vector<std::string> environment(std::size_t id, const std::string& fsync_shim,
                                       const std::string& faketime) const;

 private:
  std::filesystem::path fsync_file(std::size_t id) const;
  std::filesystem::path clock_file(std::size_t id) const;
  static void write_file(const std::filesystem::path& path, const std::string& text);

  std::filesystem::path dir_;
  LinkConditions baseline_links_;
  std::vector<std::int64_t> clock_base_;  // index id - 1
};

}  // namespace confman::nemesis
