#pragma once
// A scenario: the cluster, workload and faults of a simulation run, loaded
// from a TOML file in scenarios/ (format documented in scenarios/README.md).
// Durations in files are milliseconds (`_ms`); here they are microseconds.
// Probabilities are parts per million so every draw is an exact integer ratio.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.h"
#include "core/util/result.h"
#include "sim/violation_kind.h"

namespace confman::sim {

constexpr std::uint32_t kPpm = 1'000'000;

struct NetworkOptions {
  TimeUs delay_min_us = 500;
  TimeUs delay_max_us = 5'000;
  std::uint32_t loss_ppm = 0;       // each message independently
  std::uint32_t duplicate_ppm = 0;  // delivered twice, with independent delays
  std::uint32_t corrupt_ppm = 0;    // one bit flipped in transit (checksums must catch it)
  // Heavy tail: with this probability a message waits an extra
  // tail_base * 2^k, P(k) = 2^-(k+1) (a discrete Pareto tail), capped.
  std::uint32_t tail_ppm = 0;
  TimeUs tail_base_us = 10'000;
  TimeUs tail_max_us = 2'000'000;
};

struct StorageOptions {
  TimeUs sync_min_us = 100;
  TimeUs sync_max_us = 2'000;
};

struct ClockOptions {
  TimeUs max_offset_us = 0;        // each node's clock starts offset by up to this
  std::int64_t max_drift_ppm = 0;  // and runs fast or slow by up to this
  std::uint32_t timer_late_ppm = 0;  // a timer fires late with this probability
  TimeUs timer_late_max_us = 0;      // by up to this
};

struct RaftTiming {
  TimeUs election_timeout_us = 300'000;
  TimeUs heartbeat_interval_us = 50'000;
  // Log compaction (node::NodeConfig): snapshot every this many applied
  // entries (0: never), keeping this many entries behind the snapshot.
  std::uint64_t snapshot_threshold_entries = 1000;
  std::uint64_t snapshot_trailing_entries = 100;
  std::uint64_t snapshot_threshold_bytes = 0;  // node::NodeConfig: also snapshot by bytes (0: entries alone)
  std::uint64_t snapshot_trailing_bytes = 0;   // and keep at most this many bytes behind it (0: no bound)
  std::uint32_t snapshot_log_ratio_percent = 0;  // node::NodeConfig::snapshot_log_ratio_percent
};

struct WorkloadOptions {
  int clients = 4;
  int keys = 4;                      // keys /k/0 .. /k/{keys-1}
  TimeUs think_min_us = 1'000;
  TimeUs think_max_us = 20'000;
  std::uint32_t get_weight = 40;
  std::uint32_t put_weight = 30;
  std::uint32_t delete_weight = 10;
  std::uint32_t cas_weight = 20;
  // How gets read (core/service/request.h, Consistency), as weights:
  // linearizable (ReadIndex on the leader), read-your-writes (any node, once
  // it has the client's revision) and stale (any node, as it is).
  std::uint32_t linearizable_read_weight = 60;
  std::uint32_t read_your_writes_weight = 25;
  std::uint32_t stale_read_weight = 15;
  // Deliberately unsafe, existing only to prove the checker works: every
  // read is a stale read of the contacted node yet recorded as linearizable.
  // A scenario using it must be reported non-linearizable.
  bool unsafe_local_reads = false;
  // Of the requests that need the leader, the share (ppm) whose client asks
  // for a redirect instead of having a follower forward them.
  std::uint32_t redirect_ppm = 250'000;
  // The share (ppm) of attempts sent to a random node rather than to the
  // last leader the client heard of (so followers forward).
  std::uint32_t any_node_ppm = 250'000;
  int watchers = 2;                     // watch clients (sim/watcher.h)
  int cluster_watchers = 1;             // cluster watch clients (sim/cluster_watcher.h)
  TimeUs attempt_timeout_us = 500'000;  // then retry (same session sequence)
  TimeUs op_timeout_us = 5'000'000;     // then give up: outcome unknown
};

struct NemesisOptions {
  std::uint32_t partitions_per_minute = 0;  // random halves, leader isolation, one-way, bridge, flapping
  std::uint32_t crashes_per_minute = 0;
  std::uint32_t pauses_per_minute = 0;
  std::uint32_t clock_jumps_per_minute = 0;
  std::uint32_t disk_faults_per_minute = 0;  // write errors, disk full, read errors, corruption, slow disk
  // Add a learner or voter, promote, remove, or transfer leadership, drawn
  // from what the current membership allows (Operator::draw_change).
  std::uint32_t membership_changes_per_minute = 0;
  TimeUs disk_fault_max_us = 3'000'000;      // how long a full or slow disk lasts, at most
  TimeUs pause_max_us = 2'000'000;
  TimeUs clock_jump_max_us = 5'000'000;
  TimeUs heal_after_min_us = 1'000'000;
  TimeUs heal_after_max_us = 5'000'000;
  TimeUs restart_after_min_us = 500'000;
  TimeUs restart_after_max_us = 3'000'000;
};

enum class TimelineAction : std::uint8_t {
  Partition,      // groups: nodes in different groups cannot talk; nodes in no group are isolated
  Heal,           // every link restored, flapping stopped
  Crash,          // node: process dies, unsynced writes lost
  Restart,        // node: recovers from its durable state
  IsolateLeader,  // the current leader (or a random node) is cut off from all others
  OneWay,         // groups[0] -> groups[1] messages dropped; the other direction works
  Bridge,         // groups [A, B, [x]]: A and B cannot talk; x talks to both
  Flap,           // groups [[a], [b]]: the a-b link goes down and up every period_ms until healed
  Pause,          // node: the process stalls for duration_ms (no timers, no input), then resumes
  ClockJump,      // node: its clock jumps by delta_ms (negative: backwards)
  DiskError,      // node: its next write fails (a write or sync error): the node stops
  DiskFull,       // node: its disk is full for duration_ms: writes fail
  Corrupt,        // node: one bit of one stored record flips, then the node restarts
  DamageTail,     // node: one bit of its newest durable entry flips (likely acknowledged), then it restarts
  SlowDisk,       // node: syncs take up to 50 ms longer for duration_ms
  ReadError,      // node: crashes and its next start-up read fails
  // Membership (an operator's request to the current leader, retried until
  // it is accepted or refused as invalid, for up to two seconds):
  AddLearner,      // node: becomes a learner
  AddVoter,        // node: becomes a voter at once
  Promote,         // node: a learner becomes a voter (once caught up)
  Remove,          // node: leaves the cluster
  TransferLeader,  // node: the leader hands leadership to it
};
const char* timeline_action_name(TimelineAction action);
std::optional<TimelineAction> timeline_action_from_name(std::string_view name);

struct TimelineEvent {
  TimeUs at_us = 0;
  TimelineAction action = TimelineAction::Heal;
  std::vector<std::vector<NodeId>> groups{};  // Partition, OneWay, Bridge, Flap
  NodeId node = kNoNode;                    // Crash / Restart / Pause / ClockJump / disk faults
  TimeUs duration_us = 0;                   // Pause / DiskFull / SlowDisk
  TimeUs period_us = 0;                     // Flap
  TimeUs delta_us = 0;                      // ClockJump
};

struct Expectations {
  bool violation = false;               // true: the run must find a violation
  std::optional<ViolationKind> violation_kind;  // and of this kind (none: any)
  // Unknown is not a pass: a run whose linearizability checker hit its step
  // bound fails, unless the scenario says it may.
  bool allow_unknown = false;
  TimeUs liveness_bound_us = 10'000'000; // after the final heal: converge within this
};

struct Scenario {
  std::string name;
  std::string path;
  int nodes = 3;        // founding voters, ids 1..nodes
  int spare_nodes = 0;  // running but not members, ids nodes+1..; membership changes add them
  TimeUs duration_us = 10'000'000;
  RaftTiming raft;
  NetworkOptions network;
  StorageOptions storage;
  ClockOptions clock;
  WorkloadOptions workload;
  NemesisOptions nemesis;
  std::vector<TimelineEvent> timeline;
  Expectations expect;
  int total_nodes() const { return nodes + spare_nodes; }
};

struct ScenarioError {
  std::string message;  // "FILE:LINE: reason"
};

Result<Scenario, ScenarioError> load_scenario(const std::string& path);
Result<Scenario, ScenarioError> parse_scenario(const std::string& text, const std::string& path);

}  // namespace confman::sim
