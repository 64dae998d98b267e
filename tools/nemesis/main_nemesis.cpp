// confman-nemesis: real confman-server processes, each in its own network
// namespace, under a fault schedule drawn from a seed (kill -9, SIGSTOP,
// partitions, one-way cuts, bridges, an isolated leader, slow and lossy
// links, full, slow and failing disks, clock jumps) or read from a scenario
// file (the simulator's), with clients recording a history that
// confman-check judges. Needs root and iproute2.
//
//   confman-nemesis --seed 1 --duration 120
//   confman-nemesis --seed 7 --duration 30m --nodes 5 --keep
//   confman-nemesis --scenario scenarios/timeline-split-5.toml --seed 3
//
// Prints one summary line, the command that reruns it and, when the run
// fails, the folder with the history and server logs. Exit code: 0 passed,
// 1 failed, 2 could not run (not root, no `ip`, bad arguments).

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <iostream>

#include "sim/scenario.h"
#include "tools/nemesis/nemesis_run.h"
#include "tools/nemesis/scenario_faults.h"

namespace {

using confman::nemesis::RunSettings;

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

std::vector<std::string> fault_kind_names() {
  std::vector<std::string> names;
  for (const auto kind : confman::nemesis::kAllFaultKinds) names.emplace_back(confman::nemesis::fault_kind_name(kind));
  return names;
}

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& word : words) text += (text.empty() ? "" : ",") + word;
  return text;
}

// The flags a rerun needs: every one that shapes the schedule or workload.
std::string rerun_command(const RunSettings& settings, const std::string& duration,
                          const std::vector<std::string>& fault_names) {
  std::string rerun = "confman-nemesis --seed " + std::to_string(settings.seed);
  if (!settings.scenario_path.empty()) {
    rerun += " --scenario " + settings.scenario_path;
  } else {
    rerun += " --duration " + duration + " --nodes " + std::to_string(settings.nodes) + " --clients " +
             std::to_string(settings.clients) + " --keys " + std::to_string(settings.keys);
    if (!fault_names.empty()) rerun += " --faults " + joined(fault_names);
    const auto& links = settings.baseline_links;
    if (!links.perfect()) {
      rerun += " --link-delay-min-ms " + std::to_string(links.delay_min_ms) + " --link-delay-max-ms " +
               std::to_string(links.delay_max_ms) + " --link-loss-ppm " + std::to_string(links.loss_ppm);
    }
    if (settings.clock_offset_max_s > 0) rerun += " --clock-offset-max-s " + std::to_string(settings.clock_offset_max_s);
  }
  return rerun + " --request-timeout-ms " + std::to_string(settings.request_timeout_ms) + " --attempts " +
         std::to_string(settings.attempts);
}

// The binaries and libraries a run needs, found beside the tool; false
// (and said why) if one is missing.
bool find_parts(const std::string& server, RunSettings& settings) {
  // The build's build/real/confman-server, or one installed beside the tool, or on PATH.
  settings.server.server_path = server;
  for (const char* candidate : {"../../real/confman-server", "confman-server"}) {
    if (settings.server.server_path.empty()) settings.server.server_path = beside_self(candidate);
  }
  if (settings.server.server_path.empty()) settings.server.server_path = "confman-server";
  settings.server.fsync_shim = beside_self("libconfman_fsync_shim.so");
  settings.server.faketime = kFaketimeLibrary;
  settings.link_proxy_path = beside_self("confman-link-proxy");
  if (settings.server.fsync_shim.empty() || settings.link_proxy_path.empty()) {
    std::cerr << "confman-nemesis: libconfman_fsync_shim.so or confman-link-proxy is not beside the tool (build the "
                 "targets confman_fsync_shim and confman-link-proxy)\n";
    return false;
  }
  if (!std::filesystem::exists(kFaketimeLibrary)) {
    std::cerr << "confman-nemesis: " << kFaketimeLibrary << " is missing (tools/install-deps.sh installs libfaketime)\n";
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Real confman-server processes under a seeded nemesis; checks what the clients saw"};
  RunSettings settings;
  std::string duration = "60";
  std::string server;
  std::string scenario_path;
  app.add_option("--seed", settings.seed, "the fault schedule and workload's seed")->capture_default_str();
  auto* scenario = app.add_option("--scenario", scenario_path,
                                  "a scenario file (scenarios/*.toml) to run on real processes instead of the "
                                  "drawn schedule; it sets the cluster, workload, network and faults");
  const auto shaped = [&](CLI::Option* option) { return option->excludes(scenario); };
  shaped(app.add_option("--duration", duration, "how long the workload runs: seconds, or 90s, 30m, 2h")
             ->capture_default_str());
  shaped(app.add_option("--nodes", settings.nodes, "servers")->check(CLI::Range(3, 9))->capture_default_str());
  shaped(app.add_option("--clients", settings.clients, "client threads")->check(CLI::Range(1, 256))->capture_default_str());
  shaped(app.add_option("--keys", settings.keys, "keys the clients use")->check(CLI::Range(1, 1000))->capture_default_str());
  app.add_option("--request-timeout-ms", settings.request_timeout_ms, "a client's wait for one HTTP exchange")
      ->check(CLI::Range(10, 60'000))
      ->capture_default_str();
  app.add_option("--attempts", settings.attempts, "a client's attempts per operation, across the nodes")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  std::vector<std::string> fault_names;
  shaped(app.add_option("--faults", fault_names, "fault kinds to draw from (default all): " + joined(fault_kind_names()))
             ->delimiter(',')
             ->check(CLI::IsMember(fault_kind_names())));
  shaped(app.add_option("--link-delay-min-ms", settings.baseline_links.delay_min_ms,
                        "every message between nodes waits at least this (through link proxies)")
             ->check(CLI::Range(0, 10'000)));
  shaped(app.add_option("--link-delay-max-ms", settings.baseline_links.delay_max_ms, "and at most this")
             ->check(CLI::Range(0, 10'000)));
  shaped(app.add_option("--link-loss-ppm", settings.baseline_links.loss_ppm,
                        "messages lost per million (TCP retransmits them late)")
             ->check(CLI::Range(0, 500'000)));
  shaped(app.add_option("--clock-offset-max-s", settings.clock_offset_max_s,
                        "each node's wall clock is off by up to this, drawn again at each restart")
             ->check(CLI::Range(0, 86'400 * 365)));
  app.add_option("--server", server, "the confman-server binary (default: the one built beside this tool)");
  shaped(app.add_option("--election-timeout-ms", settings.server.election_timeout_ms, "the servers' election timeout")
             ->check(CLI::Range(50, 60'000))
             ->capture_default_str());
  app.add_option("--failover-bound-ms", settings.failover_bound_ms,
                 "a leader fault's longest allowed window to the next acknowledged write")
      ->capture_default_str();
  app.add_option("--disk-mb", settings.disk_mb, "each node's disk (a tmpfs), in MiB")
      ->check(CLI::Range(128, 65'536))
      ->capture_default_str();
  app.add_option("--work-dir", settings.work_dir, "where the history and logs go (default: a temp folder)");
  app.add_flag("--keep", settings.keep_work_dir, "keep the work folder even when the run passes");
  CLI11_PARSE(app, argc, argv);
  if (settings.baseline_links.delay_min_ms > settings.baseline_links.delay_max_ms) {
    settings.baseline_links.delay_max_ms = settings.baseline_links.delay_min_ms;
  }
  if (!parse_duration(duration, settings.duration_ms)) {
    std::cerr << "confman-nemesis: --duration " << duration << ": expected seconds, or a number with s, m or h\n";
    return kExitCannotRun;
  }
  if (!fault_names.empty()) {
    settings.fault_kinds.clear();
    for (const std::string& name : fault_names) settings.fault_kinds.push_back(*confman::nemesis::fault_kind_from_name(name));
  }
  if (!scenario_path.empty()) {
    auto loaded = confman::sim::load_scenario(scenario_path);
    if (!loaded) {
      std::cerr << "confman-nemesis: " << loaded.error().message << "\n";
      return kExitCannotRun;
    }
    auto translated = confman::nemesis::apply_scenario(*loaded, settings);
    if (!translated) {
      std::cerr << "confman-nemesis: " << translated.error() << "\n";
      return kExitCannotRun;
    }
    for (const std::string& note : translated->notes) std::cout << "not on real processes: " << note << "\n";
  }
  if (::geteuid() != 0) {
    std::cerr << "confman-nemesis: needs root, to create network namespaces (and iproute2's `ip`)\n";
    return kExitCannotRun;
  }
  if (!find_parts(server, settings)) return kExitCannotRun;
  const std::string rerun = rerun_command(settings, duration, fault_names);
  std::signal(SIGPIPE, SIG_IGN);  // a killed server's socket must not kill the tool
  std::signal(SIGINT, [](int) { confman::nemesis::request_interrupt(); });
  std::signal(SIGTERM, [](int) { confman::nemesis::request_interrupt(); });

  const confman::nemesis::RunSummary summary = confman::nemesis::run_nemesis(settings);
  if (summary.setup_failed) {
    std::cerr << "confman-nemesis: " << summary.setup_error << "\n";
    return kExitCannotRun;
  }
  std::cout << summary.line(settings) << "\n" << "rerun: " << rerun << "\n";
  for (const std::string& error : summary.fault_errors) std::cout << "fault error: " << error << "\n";
  if (summary.linearizability != "linearizable") std::cout << "check: " << summary.check_summary << "\n";
  if (!summary.passed()) {
    std::cout << "history and logs: " << summary.work_dir.string() << "\n";
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
