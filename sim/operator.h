#pragma once
// The operator: membership requests (add a learner or a voter, promote,
// remove, transfer leadership) from the timeline or the random nemesis.
// Each goes to whichever node leads at the time, like a real operator's tool
// would send it, and is retried every kAdminRetryUs for up to
// kAdminPatienceUs until the cluster accepts it or refuses it as invalid.
// They run during every other fault; the invariant checker and the history
// checks still watch everything. The nemesis decides when to ask and
// records each request as a fault (nemesis.h).

#include <cstdint>
#include <map>
#include <optional>
#include <utility>

#include "core/util/random.h"
#include "sim/cluster.h"
#include "sim/event_queue.h"
#include "sim/scenario.h"
#include "sim/trace.h"

namespace confman::sim {

class Operator {
 public:
  Operator(Cluster& cluster, std::uint64_t seed, EventQueue& queue, Trace& trace);

  // Sends `action` for `node` to the current leader, retrying as above.
  void request(TimelineAction action, NodeId node);
  // Whether the nemesis should ask for a change in this tick, drawn at
  // per_minute of ticks_per_minute (from the operator's own stream).
  bool change_due(std::uint32_t per_minute, std::uint64_t ticks_per_minute);
  // A change the current membership allows, keeping 3..7 voters and never
  // removing a voter whose loss would leave corrupted disks a threat to the
  // quorum; nothing when no node leads or nothing is allowed.
  std::optional<std::pair<TimelineAction, NodeId>> draw_change();
  // The run is ending: requests in flight are dropped (one retried into the
  // liveness phase could move the quorum away from the nodes it connects).
  void stop() { ops_.clear(); }

  static constexpr int kClientIndex = 0xFFFE;  // request ids of membership requests

 private:
  void attempt(std::uint64_t op_number);
  void on_response(const service::Response& response);

  struct Op {
    TimelineAction action = TimelineAction::AddLearner;
    NodeId node = kNoNode;
    TimeUs deadline_us = 0;
    std::uint32_t attempts = 0;
  };
  Cluster& cluster_;
  Random random_;
  EventQueue& queue_;
  Trace& trace_;
  std::map<std::uint64_t, Op> ops_;  // in flight, by number; ordered for determinism
  std::uint64_t ops_started_ = 0;
  static constexpr std::size_t kMaxOps = 16;
};

}  // namespace confman::sim
