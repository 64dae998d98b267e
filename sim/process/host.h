#pragma once
// One simulated host: its disk (which survives crashes), its clock, and the
// node process (the request layer over the node) while it runs. Internal to
// the Cluster's implementation (cluster.cpp, cluster_requests.cpp).
//
// Fault model of the process. A crash kills it at any instant: its memory
// is gone, input queued for it dies with it, and the disk loses every write
// whose sync had not completed (sim/storage/sim_storage.h). A restart
// starts a new incarnation from the disk alone, with fresh election
// timeouts. A pause stalls it (a long GC, a stopped VM): it runs no code,
// fires no timer and handles no input; messages and disk completions that
// arrive meanwhile queue up (at most kMaxDeferredPerNode, in cluster.cpp;
// beyond it they are dropped, as a stalled machine's socket buffers would)
// and are handled in order when it resumes, after its overdue timers, so a paused leader wakes up
// still believing it leads. A node that fails a write stops itself
// (fail-stop) and is restarted later; one whose disk holds a corrupted
// record refuses to start, and stays down for good.
// What the cluster must survive: all of it, with at most a minority of the
// voters down at once.

#include <functional>
#include <memory>
#include <vector>

#include "core/service/service.h"
#include "sim/clock/node_clock.h"
#include "sim/storage/sim_storage.h"

namespace confman::sim {

class NodeEnv;  // cluster.cpp: connects the node to the cluster

struct Host {
  NodeId id = kNoNode;
  std::unique_ptr<SimStorage> storage;  // survives crashes: it is the disk
  std::unique_ptr<NodeEnv> env;               // its transport, request layer output and observer
  std::unique_ptr<node::Storage> gated_storage;  // the disk, behind the process's pause gate
  std::unique_ptr<service::Service> service;  // the node behind its request layer; null while crashed
  NodeClock clock;
  TimeUs wakeup_at_us = -1;             // earliest scheduled wakeup, -1 if none
  bool paused = false;
  bool disk_full = false;  // the node holds a write refused for lack of space
  raft::Membership last_membership{};  // as the node last reported it (kept while it is down)
  bool disk_lost = false;  // its disk held a corrupted record: it can never start again
  // Its damaged log was repaired; stays set until it has recovered (its
  // status says so once it is up: recovering).
  bool repaired = false;
  bool read_error_injected = false;
  std::vector<std::function<void()>> deferred;  // input that arrived while paused, in order
  std::uint64_t incarnation = 0;
  std::uint64_t restarts = 0;
  TimeUs local_now(TimeUs global_us) const { return clock.local_us(global_us); }
  bool up() const { return service != nullptr; }
  const node::Node& node() const { return service->node(); }
};

}  // namespace confman::sim
