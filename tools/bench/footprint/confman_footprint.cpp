// confman-footprint: what one node keeps in memory and on disk while one key
// is overwritten again and again. A fixed entry count once bounded it
// instead of bytes: 1,023 writes of 1 MiB to one key (1 MiB of live data)
// took a node to 2.1 GB of RSS and filled its 1 GiB data file. This starts
// a single-node confman-server in a fresh directory, overwrites one key
// --writes times with --value-bytes values, samples the server's resident
// memory (VmRSS) and the blocks its data directory holds, and prints the
// largest of each next to the bound they must stay within. Both depend on
// the configuration, never on how many writes were made:
//
//   log   L = --snapshot-bytes + --snapshot-trailing-bytes + one value
//   snapshot S = live data + the retained history (the event log's 4 MiB)
//   disk  <= the WAL file (64 MiB) + 2 x (L + 2 S)   (LMDB is copy-on-write:
//            a page is freed only after the transaction that replaced it)
//   RSS   <= disk (LMDB's mapped pages count as resident) + L + 2 S (the
//            log and snapshots in memory) + 64 MiB (code, buffers)
//
// It exits 1 if either goes over.
//
//   confman-footprint --server build/real/confman-server --writes 100000 --value-bytes 1024

#include <CLI/CLI.hpp>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tools/bench/load/http_connection.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using confman::bench::HttpConnection;

constexpr std::uint64_t kMiB = 1 << 20;
constexpr std::uint64_t kEventLogBytes = 4 * kMiB;      // core/kv/limits.h, kMaxEventLogBytes
constexpr std::uint64_t kSnapshotBytes = 64 * kMiB;     // the server's --snapshot-bytes default
constexpr std::uint64_t kTrailingBytes = 16 * kMiB;     // --snapshot-trailing-bytes default
constexpr std::uint64_t kWalFileBytes = 64 * kMiB;      // real/storage/wal_storage.h
constexpr std::uint64_t kFixedAllowanceBytes = 64 * kMiB;

std::uint64_t resident_bytes(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6)) * 1024;  // kB
  }
  return 0;
}

// Blocks actually allocated (a pre-zeroed or sparse file counts as it is).
std::uint64_t disk_bytes(const fs::path& directory) {
  std::uint64_t total = 0;
  std::error_code error;
  for (const auto& entry : fs::recursive_directory_iterator(directory, error)) {
    struct stat info {};
    if (::stat(entry.path().c_str(), &info) == 0 && S_ISREG(info.st_mode)) {
      total += static_cast<std::uint64_t>(info.st_blocks) * 512;
    }
  }
  return total;
}

pid_t start_server(const std::string& server, const fs::path& directory, std::uint16_t port) {
  std::vector<std::string> args{server,
                                "--data-dir=" + (directory / "data").string(),
                                "--client-listen=127.0.0.1:" + std::to_string(port),
                                "--peer-listen=127.0.0.1:0"};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string log = (directory / "server.log").string();
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const int failed = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (failed != 0) throw std::runtime_error("cannot start " + server);
  return pid;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"confman-footprint: memory and disk of one node while one key is overwritten"};
  std::string server = "build/real/confman-server";
  std::uint64_t writes = 100'000;
  std::size_t value_bytes = 1024;
  std::uint16_t port = 18671;
  app.add_option("--server", server, "the confman-server binary")->capture_default_str();
  app.add_option("--writes", writes, "overwrites of the one key")->capture_default_str();
  app.add_option("--value-bytes", value_bytes, "bytes of each value (at most 1 MiB)")->capture_default_str();
  app.add_option("--port", port, "client port for the server started here")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const fs::path directory = fs::temp_directory_path() / ("confman-footprint-" + std::to_string(::getpid()));
  fs::create_directories(directory);
  const pid_t pid = start_server(server, directory, port);
  HttpConnection connection("127.0.0.1", port);
  for (int attempt = 0; attempt < 500 && connection.send("GET", "/health/ready", "").status != 200; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // waiting for the process to start
  }
  const std::string body = "{\"value\": \"" + std::string(value_bytes, 'v') + "\"}";
  std::uint64_t most_rss = 0;
  std::uint64_t most_disk = 0;
  std::uint64_t failures = 0;
  const auto started = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < writes; ++i) {
    if (connection.send("PUT", "/api/v1/config/one/key", body).status != 200) failures += 1;
    if (i % 1000 == 999 || i + 1 == writes) {
      most_rss = std::max(most_rss, resident_bytes(pid));
      most_disk = std::max(most_disk, disk_bytes(directory / "data"));
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  fs::remove_all(directory);

  const std::uint64_t live = value_bytes;
  const std::uint64_t log_bytes = kSnapshotBytes + kTrailingBytes + live;
  const std::uint64_t snapshot_bytes = live + kEventLogBytes;
  const std::uint64_t disk_bound = kWalFileBytes + 2 * (log_bytes + 2 * snapshot_bytes);
  const std::uint64_t rss_bound = disk_bound + log_bytes + 2 * snapshot_bytes + kFixedAllowanceBytes;
  std::printf("%llu overwrites of one %zu-byte key in %.1f s (%llu failed)\n", static_cast<unsigned long long>(writes),
              value_bytes, seconds, static_cast<unsigned long long>(failures));
  std::printf("largest resident memory: %.1f MiB (bound %.1f); largest data directory: %.1f MiB (bound %.1f)\n",
              static_cast<double>(most_rss) / kMiB, static_cast<double>(rss_bound) / kMiB,
              static_cast<double>(most_disk) / kMiB, static_cast<double>(disk_bound) / kMiB);
  const bool within = most_rss <= rss_bound && most_disk <= disk_bound && failures == 0;
  std::printf("%s\n", within ? "within the bound" : "OVER THE BOUND");
  return within ? 0 : 1;
}
