#include "tools/nemesis/nemesis_run.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "check/checker.h"
#include "real/client/client.h"
#include "tools/nemesis/cluster_probe.h"
#include "tools/nemesis/data_disks.h"
#include "tools/nemesis/fault_executor.h"
#include "tools/nemesis/link_proxies.h"
#include "tools/nemesis/node_controls.h"
#include "tools/nemesis/net_namespaces.h"
#include "tools/nemesis/recorded_workload.h"
#include "tools/nemesis/run_judgment.h"

namespace confman::nemesis {

namespace {

using namespace std::chrono_literals;

constexpr auto kLeaderWait = 30s;       // for the first election, on a loaded machine
constexpr auto kConvergenceWait = 30s;  // after the final heal
constexpr int kFinalReadProcess = 1'000'000;

std::atomic<bool> interrupted{false};

// Sleeps until `deadline` in short steps, so Ctrl-C ends the run promptly
// (and still cleanly: the namespaces are removed on the way out).
void sleep_until(Clock::time_point deadline) {
  while (!interrupted && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::min<Clock::duration>(100ms, deadline - Clock::now()));
  }
}

template <typename Condition>
bool wait_for(Condition condition, Clock::duration limit) {
  const auto deadline = Clock::now() + limit;
  while (!interrupted && Clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(200ms);
  }
  return false;
}

std::filesystem::path make_work_dir(const RunSettings& settings) {
  std::filesystem::path dir = settings.work_dir;
  if (dir.empty()) {
    dir = std::filesystem::temp_directory_path() /
          ("confman-nemesis-" + std::to_string(::getpid()) + "-seed-" + std::to_string(settings.seed));
  }
  std::filesystem::create_directories(dir);
  return dir;
}

// Linearizable reads of every key at the end, recorded in the history; the
// final state of each key that answered.
FinalStates read_final_states(const ServerNodes& servers, std::size_t keys, SharedHistory& history) {
  client::Options options;
  options.endpoints = servers.client_endpoints();
  options.request_timeout_ms = 2000;
  client::Client reader(options);
  FinalStates finals;
  for (std::size_t k = 0; k < keys; ++k) {
    sim::HistoryEvent event;
    event.process = kFinalReadProcess;
    event.f = sim::OpKind::Get;
    event.key = Workload::kKeyPrefix + std::to_string(k);
    event.time_us = history.now_us();
    history.record(event);
    auto got = reader.get(event.key);
    event.time_us = history.now_us();
    if (!got) {
      event.type = sim::EventType::Fail;
    } else {
      event.type = sim::EventType::Ok;
      event.found = got->has_value();
      event.read_revision = reader.highest_revision_seen();
      if (got->has_value()) {
        event.value = (*got)->value_json;
        event.mod_revision = (*got)->mod_revision;
        event.create_revision = (*got)->create_revision;
        event.version = (*got)->version;
        event.read_revision = (*got)->revision;
        finals[event.key] = (*got)->mod_revision;
      } else {
        finals[event.key] = std::nullopt;
      }
    }
    history.record(event);
  }
  return finals;
}

// Keys whose value differs between nodes (a node that does not answer
// counts as differing); each is described in `log`.
std::size_t count_diverged_keys(const ClusterProbe& probe, std::size_t nodes, std::size_t keys, std::ostream& log) {
  std::size_t diverged = 0;
  for (std::size_t k = 0; k < keys; ++k) {
    const std::string key = Workload::kKeyPrefix + std::to_string(k);
    std::vector<std::optional<std::string>> values;
    for (std::size_t id = 1; id <= nodes; ++id) values.push_back(probe.local_value(id, key));
    const bool same = std::all_of(values.begin(), values.end(), [&](const auto& value) {
      return value.has_value() && value == values.front();
    });
    if (same) continue;
    diverged += 1;
    log << "diverged " << key << ":";
    for (std::size_t id = 1; id <= nodes; ++id) {
      log << " n" << id << "=" << values[id - 1].value_or("(no answer)");
    }
    log << "\n";
  }
  return diverged;
}

void check_history(const RunSettings& settings, const std::string& jsonl, RunSummary& summary) {
  check::CheckOptions options;
  options.model = "confman-kv";
  options.timeout_ms = settings.check_timeout_ms;
  options.threads = std::max(1u, std::thread::hardware_concurrency());
  const check::CheckReport report = check::check_confman_history(jsonl, options, "history.jsonl");
  summary.linearizability = report.verdict == check::Verdict::Linearizable      ? "linearizable"
                            : report.verdict == check::Verdict::NotLinearizable ? "not-linearizable"
                                                                                : "unknown";
  summary.check_summary = report.summary;
  if (report.verdict != check::Verdict::Linearizable) {
    std::ofstream(summary.work_dir / "explanation.txt") << report.explanation_text;
  }
}

void run_faults(const RunSettings& settings, Clock::time_point start, const std::vector<PlannedFault>& faults,
                FaultExecutor& executor, LinkProxies* proxies, RunSummary& summary) {
  for (const ScheduleStep& step : schedule_steps(faults)) {
    sleep_until(start + std::chrono::milliseconds(step.at_ms));
    if (interrupted) break;
    if (step.begins) {
      executor.begin(step.fault);
    } else {
      executor.end(step.fault);
    }
    executor.reap_unexpected_exits();
    if (const std::size_t exited = proxies != nullptr ? proxies->reap_exited() : 0; exited != 0) {
      summary.fault_errors.push_back("the link proxy of node " + std::to_string(exited) + " exited");
    }
  }
  sleep_until(start + std::chrono::milliseconds(settings.duration_ms));
}

bool uses(const std::vector<PlannedFault>& faults, FaultKind kind) {
  return std::any_of(faults.begin(), faults.end(), [kind](const PlannedFault& fault) { return fault.kind == kind; });
}

}  // namespace

void request_interrupt() { interrupted = true; }

bool RunSummary::passed() const {
  return !setup_failed && !interrupted_run && fault_errors.empty() && linearizability == "linearizable" &&
         lost_acked_writes == 0 && converged && diverged_keys == 0 && unexpected_exits == 0 && failover_within_bound;
}

std::string RunSummary::line(const RunSettings& settings) const {
  std::map<std::string, int> kinds;
  for (const PlannedFault& fault : faults) kinds[fault_kind_name(fault.kind)] += 1;
  std::string fault_text = std::to_string(faults.size());
  std::string kind_text;
  for (const auto& [kind, n] : kinds) kind_text += (kind_text.empty() ? "" : ",") + kind + "=" + std::to_string(n);
  if (!kind_text.empty()) fault_text += "(" + kind_text + ")";
  std::string failover = "-";
  if (!failover_windows_ms.empty()) {
    failover = std::to_string(nearest_rank(failover_windows_ms, 0.5)) + "/" +
               std::to_string(nearest_rank(failover_windows_ms, 0.95)) + "/" +
               std::to_string(nearest_rank(failover_windows_ms, 1.0)) + "ms(n=" +
               std::to_string(failover_windows_ms.size()) + ")";
  }
  const std::string scenario =
      settings.scenario_path.empty() ? "" : " scenario=" + std::filesystem::path(settings.scenario_path).stem().string();
  return "seed=" + std::to_string(settings.seed) + scenario + " duration=" + std::to_string(settings.duration_ms / 1000) +
         "s nodes=" + std::to_string(settings.nodes) + " ops_ok=" + std::to_string(ops_ok) +
         " ops_failed=" + std::to_string(ops_failed) + " ops_unknown=" + std::to_string(ops_unknown) +
         " writes_acked=" + std::to_string(writes_acked) + " faults=" + fault_text +
         " linearizability=" + linearizability + " lost_acked_writes=" + std::to_string(lost_acked_writes) +
         " converged=" + (converged ? "yes" : "no") + " diverged_keys=" + std::to_string(diverged_keys) + " unexpected_exits=" + std::to_string(unexpected_exits) +
         " disk_stops=" + std::to_string(disk_stops) +
         " failover=" + failover + (failover_within_bound ? "" : "(over " + std::to_string(settings.failover_bound_ms) + "ms)") +
         " verdict=" + (passed() ? "ok" : "FAIL");
}

RunSummary run_nemesis(const RunSettings& settings) {
  RunSummary summary;
  summary.work_dir = make_work_dir(settings);
  NetNamespaces::remove_stale();
  auto net = NetNamespaces::create("cmn" + std::to_string(::getpid()), settings.nodes);
  if (!net) {
    summary.setup_failed = true;
    summary.setup_error = "cannot create the network namespaces: " + net.error().message;
    return summary;
  }
  if (auto entered = net->enter_client_namespace(); !entered) {
    summary.setup_failed = true;
    summary.setup_error = entered.error().message;
    return summary;
  }
  auto disks = DataDisks::mount(summary.work_dir, settings.nodes, settings.disk_mb);
  if (!disks) {
    summary.setup_failed = true;
    summary.setup_error = "cannot mount the nodes' disks: " + disks.error().message;
    return summary;
  }
  NodeControls controls(summary.work_dir / "controls", settings.nodes, settings.baseline_links);
  summary.faults = plan_faults(
      {.seed = settings.seed, .duration_ms = settings.duration_ms, .nodes = settings.nodes, .kinds = settings.fault_kinds});
  summary.faults.insert(summary.faults.end(), settings.timeline.begin(), settings.timeline.end());
  ServerSettings server = settings.server;
  // libfaketime wraps every clock call, and the proxies add a hop to every
  // message: each only when the run needs it.
  if (!uses(summary.faults, FaultKind::ClockJump) && settings.clock_offset_max_s == 0) server.faketime.clear();
  std::optional<LinkProxies> proxies;
  if (!settings.baseline_links.perfect() || uses(summary.faults, FaultKind::LossyLinks)) {
    auto started = LinkProxies::start(*net, controls, settings.nodes, settings.link_proxy_path, settings.seed,
                                      summary.work_dir);
    if (!started) {
      summary.setup_failed = true;
      summary.setup_error = started.error().message;
      return summary;
    }
    proxies.emplace(std::move(*started));
    server.peer_proxies = true;
  }
  ServerNodes servers(*net, controls, settings.nodes, summary.work_dir, server);
  const ClusterProbe probe(servers.client_endpoints());
  // Time zero of the history and of the schedule: the servers' start.
  const Clock::time_point start = Clock::now();
  SharedHistory history(start);
  FaultExecutor executor({*net, servers, *disks, controls, probe, history}, summary.faults, settings.seed,
                         settings.clock_offset_max_s);
  for (std::size_t id = 1; id <= settings.nodes; ++id) {
    if (!executor.start(id)) {
      summary.setup_failed = true;
      summary.setup_error = servers.last_error();
      return summary;
    }
  }
  if (!wait_for([&] { return probe.leader() != 0; }, kLeaderWait)) {
    summary.setup_failed = true;
    summary.setup_error = "no leader within 30 s; server logs in " + summary.work_dir.string();
    return summary;
  }
  Workload workload({servers.client_endpoints(), settings.clients, settings.keys, settings.seed,
                     settings.request_timeout_ms, settings.attempts},
                    history);
  workload.start();
  run_faults(settings, start, summary.faults, executor, proxies ? &*proxies : nullptr, summary);
  executor.heal_everything();
  // The clients stop once a leader is back (so the last fault's failover
  // is measured), then the nodes must converge: with writes still flowing,
  // their applied indexes would rarely be equal at the moment each is asked.
  wait_for([&] { return probe.leader() != 0; }, kConvergenceWait);
  workload.stop();
  const std::int64_t end_us = history.now_us();
  summary.converged = wait_for([&] { return probe.converged(); }, kConvergenceWait);
  const FinalStates finals = read_final_states(servers, settings.keys, history);
  std::ostringstream divergence;
  summary.diverged_keys = count_diverged_keys(probe, settings.nodes, settings.keys, divergence);
  const std::vector<WriteRecord> writes = workload.writes();
  summary.lost_acked_writes = lost_acknowledged_writes(writes, finals).size();
  for (const WriteRecord& write : writes) summary.writes_acked += write.acknowledged ? 1 : 0;
  std::ofstream faults_log(summary.work_dir / "faults.log");
  faults_log << executor.log() << divergence.str();
  for (const FailoverWindow& window : failover_windows(executor.leader_faults_us(), writes, end_us)) {
    faults_log << "failover after the fault at " << window.fault_us / 1000 << "ms: " << window.window_us / 1000 << "ms"
               << (window.recovered ? "" : " (no acknowledged write before the end)") << "\n";
    summary.failover_windows_ms.push_back(window.window_us / 1000);
    summary.failover_within_bound = summary.failover_within_bound && window.recovered &&
                                    window.window_us <= static_cast<std::int64_t>(settings.failover_bound_ms) * 1000;
  }
  summary.ops_ok = history.count(sim::EventType::Ok);
  summary.ops_failed = history.count(sim::EventType::Fail);
  summary.ops_unknown = history.count(sim::EventType::Info);
  const std::string jsonl = history.to_jsonl();
  std::ofstream(summary.work_dir / "history.jsonl") << jsonl;
  check_history(settings, jsonl, summary);
  summary.fault_errors.insert(summary.fault_errors.end(), executor.errors().begin(), executor.errors().end());
  summary.disk_stops = executor.disk_stops();
  summary.unexpected_exits = executor.unexpected_exits();
  summary.interrupted_run = interrupted;
  return summary;
}

}  // namespace confman::nemesis
