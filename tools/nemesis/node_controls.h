#pragma once
// The knobs a nemesis run turns inside each server process, as small files
// the process reads while it runs (so no restart is needed): the fsync
// shim's mode (fsync_shim.cpp: "ok", "slow MS", "fail") and, when clock
// faults are in the plan, libfaketime's offset of the wall clock in seconds
// ("+0", "-120"; FAKETIME_TIMESTAMP_FILE, read at most every second). The
// monotonic clock is never faked (FAKETIME_DONT_FAKE_MONOTONIC=1): Raft's
// timers run on it, and a real host's monotonic clock does not jump.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace confman::nemesis {

class NodeControls {
 public:
  NodeControls(std::filesystem::path dir, std::size_t nodes);

  void set_fsync(std::size_t id, const std::string& mode);  // "ok", "slow MS", "fail"
  void set_clock_offset(std::size_t id, std::int64_t seconds);
  void reset(std::size_t id);  // syncs pass, the clock is true

  // The environment a server needs for these knobs: LD_PRELOAD of the shim
  // (and of libfaketime, if given) and the variables naming its files.
  std::vector<std::string> environment(std::size_t id, const std::string& fsync_shim,
                                       const std::string& faketime) const;

 private:
  std::filesystem::path fsync_file(std::size_t id) const;
  std::filesystem::path clock_file(std::size_t id) const;
  static void write_file(const std::filesystem::path& path, const std::string& text);

  std::filesystem::path dir_;
};

}  // namespace confman::nemesis
