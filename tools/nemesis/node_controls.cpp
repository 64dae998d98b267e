#include "tools/nemesis/node_controls.h"

#include <cstdlib>
#include <fstream>

namespace confman::nemesis {

NodeControls::NodeControls(std::filesystem::path dir, std::size_t nodes, LinkConditions baseline_links)
    : dir_(std::move(dir)), baseline_links_(baseline_links), clock_base_(nodes, 0) {
  std::filesystem::create_directories(dir_);
  for (std::size_t id = 1; id <= nodes; ++id) reset(id);
}

std::filesystem::path NodeControls::fsync_file(std::size_t id) const {
  return dir_ / ("fsync-" + std::to_string(id));
}

std::filesystem::path NodeControls::clock_file(std::size_t id) const {
  return dir_ / ("clock-" + std::to_string(id));
}

std::filesystem::path NodeControls::links_file(std::size_t id) const {
  return dir_ / ("links-" + std::to_string(id));
}

void NodeControls::write_file(const std::filesystem::path& path, const std::string& text) {
  // Written beside and renamed: a reader never sees half a line.
  const std::filesystem::path next = path.string() + ".next";
  std::ofstream(next, std::ios::trunc) << text << "\n";
  std::error_code ignored;
  std::filesystem::rename(next, path, ignored);
}

void NodeControls::set_fsync(std::size_t id, const std::string& mode) { write_file(fsync_file(id), mode); }

void NodeControls::set_clock_base(std::size_t id, std::int64_t base) {
  clock_base_.at(id - 1) = base;
  set_clock_offset(id, 0);
}

void NodeControls::set_clock_offset(std::size_t id, std::int64_t seconds) {
  const std::int64_t offset = clock_base_.at(id - 1) + seconds;
  write_file(clock_file(id), (offset < 0 ? "" : "+") + std::to_string(offset));
}

void NodeControls::set_links(std::size_t id, const LinkConditions& conditions) {
  write_file(links_file(id), conditions.text());
}

void NodeControls::reset(std::size_t id) {
  set_fsync(id, "ok");
  set_clock_offset(id, 0);
  set_links(id, baseline_links_);
}

std::vector<std::string> NodeControls::environment(std::size_t id, const std::string& fsync_shim,
                                                   const std::string& faketime) const {
  std::vector<std::string> env{"CONFMAN_FSYNC_FAULT_FILE=" + fsync_file(id).string()};
  std::string preload = fsync_shim;
  if (!faketime.empty()) {
    preload += " " + faketime;
    env.push_back("FAKETIME_TIMESTAMP_FILE=" + clock_file(id).string());
    env.push_back("FAKETIME_DONT_FAKE_MONOTONIC=1");
    env.push_back("FAKETIME_CACHE_DURATION=1");
  }
  if (!preload.empty()) {
    env.push_back("LD_PRELOAD=" + preload);
    // A sanitizer build's server wants its runtime first among the loaded
    // libraries; preloaded ones come before it, harmlessly here.
    const char* asan = std::getenv("ASAN_OPTIONS");
    env.push_back(std::string("ASAN_OPTIONS=") + (asan != nullptr ? std::string(asan) + ":" : "") +
                  "verify_asan_link_order=0");
  }
  return env;
}

}  // namespace confman::nemesis
