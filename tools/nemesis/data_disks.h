#pragma once
// The nodes' disks in a nemesis run: each node's data directory is a small
// tmpfs of its own (mounted by the tool, unmounted when the run ends), so
// that a disk-full fault fills one node's disk and no one else's. The fault
// model: a full disk makes the node's next write fail (the server then
// fail-stops, as it does on any storage error, and logs why); when the
// fault ends the filler goes, and the node is restarted on its data. tmpfs
// keeps what a process wrote across a kill -9, as a disk's page cache would
// across a process crash (not a power cut: that is the simulator's to test).

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "core/util/result.h"
#include "tools/nemesis/run_command.h"

namespace confman::nemesis {

class DataDisks {
 public:
  // Mounts a tmpfs of size_mb at dir/data-ID for ID in 1..nodes.
  static Result<DataDisks, CommandFailure> mount(const std::filesystem::path& dir, std::size_t nodes,
                                                 std::size_t size_mb);
  DataDisks(DataDisks&& other) noexcept;
  DataDisks& operator=(DataDisks&&) = delete;
  ~DataDisks();  // unmounts what it mounted

  std::filesystem::path data_dir(std::size_t id) const { return paths_.at(id - 1); }
  // Fills the node's disk, leaving less than kLeftBytes free.
  Result<Done, CommandFailure> fill(std::size_t id);
  // Frees what fill() took.
  Result<Done, CommandFailure> drain(std::size_t id);

  static constexpr std::size_t kLeftBytes = 64 * 1024;

 private:
  explicit DataDisks(std::vector<std::filesystem::path> paths) : paths_(std::move(paths)) {}
  std::filesystem::path filler(std::size_t id) const { return data_dir(id) / "nemesis-filler"; }

  std::vector<std::filesystem::path> paths_;  // mounted ones only
};

}  // namespace confman::nemesis
