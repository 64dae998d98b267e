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

// Performs the plan's faults and undoes them, noting each fault that struck
// the leader (for the failover windows).
class FaultExecutor {
 public:
  FaultExecutor(NetNamespaces& net, ServerNodes& servers, DataDisks& disks, NodeControls& controls,
                const ClusterProbe& probe, const SharedHistory& history)
      : net_(net), servers_(servers), disks_(disks), controls_(controls), probe_(probe), history_(history) {}

  void inject(const PlannedFault& fault) {
    const std::uint64_t leader = probe_.leader();
    target_ = fault.at_leader && leader != 0 ? leader : fault.node;
    bool struck_leader = false;
    switch (fault.kind) {
      case FaultKind::Crash:
        servers_.crash(target_);
        struck_leader = target_ == leader;
        break;
      case FaultKind::Pause:
        servers_.pause(target_);
        struck_leader = target_ == leader;
        break;
      case FaultKind::DiskFull:
        // Not counted as a leader fault for failover: a leader with a full
        // disk serves on until a write needs new space (a snapshot, a new
        // WAL segment), then fail-stops, at a moment the tool cannot see.
        note(disks_.fill(target_));
        break;
      case FaultKind::SlowDisk:
        controls_.set_fsync(target_, "slow " + std::to_string(fault.amount));
        break;
      case FaultKind::DiskError:
        // Like disk-full: the node fail-stops on its next sync, unseen.
        controls_.set_fsync(target_, "fail");
        break;
      case FaultKind::ClockJump:
        controls_.set_clock_offset(target_, fault.amount);
        break;
      case FaultKind::IsolateLeader:
        if (leader == 0) break;
        for (std::size_t other = 1; other <= servers_.size(); ++other) {
          if (other != leader) cut_both_ways(leader, other);
        }
        struck_leader = true;
        break;
      case FaultKind::Partition:
        for (const std::size_t a : fault.side_a) {
          for (const std::size_t b : fault.side_b) cut_both_ways(a, b);
        }
        struck_leader = std::count(fault.side_a.begin(), fault.side_a.end(), leader) != 0;
        break;
      case FaultKind::OneWay:
        for (const std::size_t a : fault.side_a) {
          for (const std::size_t b : fault.side_b) note(net_.cut(a, b));
        }
        struck_leader = std::count(fault.side_a.begin(), fault.side_a.end(), leader) != 0;
        break;
    }
    // Measured once the fault is complete: each `ip route` takes a few
    // milliseconds, and writes invoked before the last one may still commit.
    const std::int64_t at_us = history_.now_us();
    if (struck_leader) leader_faults_us_.push_back(at_us);
    const bool on_a_node = fault.kind != FaultKind::Partition && fault.kind != FaultKind::OneWay &&
                           fault.kind != FaultKind::IsolateLeader;
    log_ << at_us / 1000 << "ms " << fault.describe() << " leader=" << leader
         << (on_a_node ? " target=" + std::to_string(target_) : "") << (struck_leader ? " struck-leader" : "") << "\n";
  }

  void heal(const PlannedFault& fault) {
    switch (fault.kind) {
      case FaultKind::Crash:
        if (!servers_.start(target_)) errors_.push_back(servers_.last_error());
        break;
      case FaultKind::Pause: servers_.resume(target_); break;
      case FaultKind::DiskFull:
      case FaultKind::DiskError:
        // A node whose disk filled or failed may have stopped (fail-stop on
        // a failed write); that exit is the fault's, not a bug.
        note(disks_.drain(target_));
        controls_.reset(target_);
        if (servers_.reap(target_)) disk_stops_ += 1;
        if (!servers_.running(target_) && !servers_.start(target_)) errors_.push_back(servers_.last_error());
        break;
      case FaultKind::SlowDisk:
      case FaultKind::ClockJump: controls_.reset(target_); break;
      default: note(net_.heal()); break;
    }
  }

  void heal_everything() {
    note(net_.heal());
    for (std::size_t id = 1; id <= servers_.size(); ++id) {
      note(disks_.drain(id));
      controls_.reset(id);
    }
    for (std::size_t id = 1; id <= servers_.size(); ++id) {
      servers_.resume(id);
      if (!servers_.running(id) && !servers_.start(id)) errors_.push_back(servers_.last_error());
    }
  }

  const std::vector<std::int64_t>& leader_faults_us() const { return leader_faults_us_; }
  // One line per fault: when, what, the leader it found, whom it struck.
  std::string log() const { return log_.str(); }
  const std::vector<std::string>& errors() const { return errors_; }
  std::size_t disk_stops() const { return disk_stops_; }

 private:
  void cut_both_ways(std::size_t a, std::size_t b) {
    note(net_.cut(a, b));
    note(net_.cut(b, a));
  }
  void note(const Result<Done, CommandFailure>& done) {
    if (!done) errors_.push_back(done.error().message);
  }

  NetNamespaces& net_;
  ServerNodes& servers_;
  DataDisks& disks_;
  NodeControls& controls_;
  const ClusterProbe& probe_;
  const SharedHistory& history_;
  std::size_t target_ = 0;
  std::vector<std::int64_t> leader_faults_us_;
  std::vector<std::string> errors_;
  std::ostringstream log_;
  std::size_t disk_stops_ = 0;
};

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

void run_faults(const RunSettings& settings, Clock::time_point start, ServerNodes& servers, FaultExecutor& executor,
                RunSummary& summary) {
  for (const PlannedFault& fault : summary.faults) {
    sleep_until(start + std::chrono::milliseconds(fault.at_ms));
    if (interrupted) break;
    executor.inject(fault);
    sleep_until(start + std::chrono::milliseconds(fault.at_ms + fault.duration_ms));
    executor.heal(fault);
    while (const std::size_t exited = servers.reap_exited()) {
      summary.unexpected_exits += 1;  // a server must never exit on its own
      if (!servers.start(exited)) break;
    }
  }
  sleep_until(start + std::chrono::milliseconds(settings.duration_ms));
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
  return "seed=" + std::to_string(settings.seed) + " duration=" + std::to_string(settings.duration_ms / 1000) +
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
  NodeControls controls(summary.work_dir / "controls", settings.nodes);
  ServerSettings server = settings.server;
  const bool clock_faults = std::count(settings.fault_kinds.begin(), settings.fault_kinds.end(), FaultKind::ClockJump) != 0;
  if (!clock_faults) server.faketime.clear();  // libfaketime wraps every clock call: only when needed
  ServerNodes servers(*net, controls, settings.nodes, summary.work_dir, server);
  for (std::size_t id = 1; id <= settings.nodes; ++id) {
    if (!servers.start(id)) {
      summary.setup_failed = true;
      summary.setup_error = servers.last_error();
      return summary;
    }
  }
  const ClusterProbe probe(servers.client_endpoints());
  if (!wait_for([&] { return probe.leader() != 0; }, kLeaderWait)) {
    summary.setup_failed = true;
    summary.setup_error = "no leader within 30 s; server logs in " + summary.work_dir.string();
    return summary;
  }
  const Clock::time_point start = Clock::now();
  SharedHistory history(start);
  Workload workload({servers.client_endpoints(), settings.clients, settings.keys, settings.seed,
                     settings.request_timeout_ms, settings.attempts},
                    history);
  workload.start();
  summary.faults = plan_faults(
      {.seed = settings.seed, .duration_ms = settings.duration_ms, .nodes = settings.nodes, .kinds = settings.fault_kinds});
  FaultExecutor executor(*net, servers, *disks, controls, probe, history);
  run_faults(settings, start, servers, executor, summary);
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
  summary.fault_errors = executor.errors();
  summary.disk_stops = executor.disk_stops();
  summary.interrupted_run = interrupted;
  return summary;
}

}  // namespace confman::nemesis
