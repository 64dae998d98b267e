#pragma once
// Optional hooks through which embedding code (the simulator's invariant
// checker and trace, the server's metrics and cluster watch) observes a node.
// Observers must not call back into the node.

#include <vector>

#include "core/raft/entry.h"
#include "core/raft/raft.h"

namespace confman::node {

class NodeObserver {
 public:
  virtual ~NodeObserver() = default;
  virtual void on_status_change(const raft::RaftStatus& /*status*/) {}
  // Entries that have just become durable on this node.
  virtual void on_entries_persisted(NodeId /*node*/, const std::vector<raft::Entry>& /*entries*/) {}
  virtual void on_apply(NodeId /*node*/, const raft::Entry& /*entry*/) {}
};

}  // namespace confman::node
