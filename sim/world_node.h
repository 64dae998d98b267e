#pragma once
// One simulated host: its disk (which survives crashes), its clock, and the
// node process (the request layer over the node) while it runs. Internal to
// the World's implementation files.

#include <functional>
#include <memory>
#include <vector>

#include "sim/sim_storage.h"
#include "sim/world.h"

namespace confman::sim {

struct World::SimNode {
  NodeId id = kNoNode;
  std::unique_ptr<SimStorage> storage;  // survives crashes: it is the disk
  std::unique_ptr<NodeEnv> env;
  std::unique_ptr<GatedStorage> gated_storage;
  std::unique_ptr<service::Service> service;  // the node behind its request layer; null while crashed
  NodeClock clock;
  TimeUs wakeup_at_us = -1;             // earliest scheduled wakeup, -1 if none
  bool paused = false;
  bool disk_full = false;  // the node holds a write refused for lack of space
  raft::Membership last_membership{};  // as the node last reported it (kept while it is down)
  bool disk_lost = false;  // its disk held a corrupted record: it can never start again
  bool read_error_injected = false;
  std::vector<std::function<void()>> deferred;  // input that arrived while paused, in order
  std::uint64_t incarnation = 0;
  std::uint64_t restarts = 0;
  TimeUs local_now(TimeUs global_us) const { return clock.local_us(global_us); }
  bool up() const { return service != nullptr; }
  const node::Node& node() const { return service->node(); }
};

}  // namespace confman::sim
