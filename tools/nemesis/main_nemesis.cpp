// confman-nemesis: real confman-server processes, each in its own network
// namespace, under a fault schedule drawn from a seed (kill -9, SIGSTOP,
// partitions, one-way cuts, an isolated leader), with clients recording a
// history that confman-check judges. Needs root and iproute2.
//
//   confman-nemesis --seed 1 --duration 120
//   confman-nemesis --seed 7 --duration 30m --nodes 5 --keep
//
// Prints one summary line and, when the run fails, the command that reruns
// it and the folder with the history and server logs. Exit code: 0 passed,
// 1 failed, 2 could not run (not root, no `ip`, bad arguments).

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <iostream>

#include "tools/nemesis/nemesis_run.h"

namespace {

constexpr int kExitPassed = 0;
constexpr int kExitFailed = 1;
constexpr int kExitCannotRun = 2;

// "120" (seconds), "90s", "30m", "2h".
bool parse_duration(const std::string& text, std::uint64_t& ms) {
  if (text.empty()) return false;
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])) != 0) ++digits;
  if (digits == 0 || digits > 9) return false;
  const std::uint64_t value = std::stoull(text.substr(0, digits));
  const std::string unit = text.substr(digits);
  const std::uint64_t scale = unit.empty() || unit == "s" ? 1000 : unit == "m" ? 60'000 : unit == "h" ? 3'600'000 : 0;
  if (scale == 0 || value == 0) return false;
  ms = value * scale;
  return true;
}

constexpr const char* kFaketimeLibrary = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

// `relative` to the folder this binary is in, if it exists there; else "".
std::string beside_self(const std::filesystem::path& relative) {
  std::error_code error;
  const std::filesystem::path self = std::filesystem::canonical("/proc/self/exe", error);
  if (error) return "";
  const std::filesystem::path path = (self.parent_path() / relative).lexically_normal();
  return std::filesystem::exists(path) ? path.string() : "";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Real confman-server processes under a seeded nemesis; checks what the clients saw"};
  confman::nemesis::RunSettings settings;
  std::string duration = "60";
  std::string server;
  app.add_option("--seed", settings.seed, "the fault schedule and workload's seed")->capture_default_str();
  app.add_option("--duration", duration, "how long the workload runs: seconds, or 90s, 30m, 2h")
      ->capture_default_str();
  app.add_option("--nodes", settings.nodes, "servers")->check(CLI::Range(3, 9))->capture_default_str();
  app.add_option("--clients", settings.clients, "client threads")->check(CLI::Range(1, 256))->capture_default_str();
  app.add_option("--keys", settings.keys, "keys the clients use")->check(CLI::Range(1, 1000))->capture_default_str();
  app.add_option("--request-timeout-ms", settings.request_timeout_ms, "a client's wait for one HTTP exchange")
      ->check(CLI::Range(10, 60'000))
      ->capture_default_str();
  app.add_option("--attempts", settings.attempts, "a client's attempts per operation, across the nodes")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  std::vector<std::string> fault_names;
  app.add_option("--faults", fault_names, "fault kinds to draw from (default all): crash, pause, partition, "
                                          "isolate-leader, one-way, disk-full, slow-disk, disk-error, clock-jump")
      ->delimiter(',')
      ->check(CLI::IsMember({"crash", "pause", "partition", "isolate-leader", "one-way", "disk-full", "slow-disk",
                             "disk-error", "clock-jump"}));
  app.add_option("--server", server, "the confman-server binary (default: the one built beside this tool)");
  app.add_option("--election-timeout-ms", settings.server.election_timeout_ms, "the servers' election timeout")
      ->check(CLI::Range(50, 60'000))
      ->capture_default_str();
  app.add_option("--failover-bound-ms", settings.failover_bound_ms,
                 "a leader fault's longest allowed window to the next acknowledged write")
      ->capture_default_str();
  app.add_option("--disk-mb", settings.disk_mb, "each node's disk (a tmpfs), in MiB")
      ->check(CLI::Range(128, 65'536))
      ->capture_default_str();
  app.add_option("--work-dir", settings.work_dir, "where the history and logs go (default: a temp folder)");
  app.add_flag("--keep", settings.keep_work_dir, "keep the work folder even when the run passes");
  CLI11_PARSE(app, argc, argv);
  if (!parse_duration(duration, settings.duration_ms)) {
    std::cerr << "confman-nemesis: --duration " << duration << ": expected seconds, or a number with s, m or h\n";
    return kExitCannotRun;
  }
  if (!fault_names.empty()) {
    settings.fault_kinds.clear();
    for (const std::string& name : fault_names) settings.fault_kinds.push_back(*confman::nemesis::fault_kind_from_name(name));
  }
  if (::geteuid() != 0) {
    std::cerr << "confman-nemesis: needs root, to create network namespaces (and iproute2's `ip`)\n";
    return kExitCannotRun;
  }
  if (server.empty()) {
    // The build's build/real/confman-server, or one installed beside the tool, or on PATH.
    server = beside_self("../../real/confman-server");
    if (server.empty()) server = beside_self("confman-server");
    if (server.empty()) server = "confman-server";
  }
  settings.server.server_path = server;
  settings.server.fsync_shim = beside_self("libconfman_fsync_shim.so");
  settings.server.faketime = kFaketimeLibrary;
  if (settings.server.fsync_shim.empty()) {
    std::cerr << "confman-nemesis: libconfman_fsync_shim.so is not beside the tool (build the target confman_fsync_shim)\n";
    return kExitCannotRun;
  }
  if (!std::filesystem::exists(kFaketimeLibrary)) {
    std::cerr << "confman-nemesis: " << kFaketimeLibrary << " is missing (tools/install-deps.sh installs libfaketime)\n";
    return kExitCannotRun;
  }
  std::string rerun = "confman-nemesis --seed " + std::to_string(settings.seed) + " --duration " + duration +
                      " --nodes " + std::to_string(settings.nodes) + " --clients " + std::to_string(settings.clients) +
                      " --keys " + std::to_string(settings.keys) + " --request-timeout-ms " +
                      std::to_string(settings.request_timeout_ms) + " --attempts " + std::to_string(settings.attempts);
  if (!fault_names.empty()) {
    std::string joined;
    for (const std::string& name : fault_names) joined += (joined.empty() ? "" : ",") + name;
    rerun += " --faults " + joined;
  }
  std::signal(SIGPIPE, SIG_IGN);  // a killed server's socket must not kill the tool
  std::signal(SIGINT, [](int) { confman::nemesis::request_interrupt(); });
  std::signal(SIGTERM, [](int) { confman::nemesis::request_interrupt(); });

  const confman::nemesis::RunSummary summary = confman::nemesis::run_nemesis(settings);
  if (summary.setup_failed) {
    std::cerr << "confman-nemesis: " << summary.setup_error << "\n";
    return kExitCannotRun;
  }
  std::cout << summary.line(settings) << "\n";
  for (const std::string& error : summary.fault_errors) std::cout << "fault error: " << error << "\n";
  if (summary.linearizability != "linearizable") std::cout << "check: " << summary.check_summary << "\n";
  if (!summary.passed()) {
    std::cout << "rerun: " << rerun << "\n"
              << "history and logs: " << summary.work_dir.string() << "\n";
    return kExitFailed;
  }
  if (!settings.keep_work_dir) {
    std::error_code ignored;
    std::filesystem::remove_all(summary.work_dir, ignored);
  } else {
    std::cout << "history and logs: " << summary.work_dir.string() << "\n";
  }
  return kExitPassed;
}
