#pragma once
// Optional hooks through which embedding code (the simulator's invariant
// checker and trace, the server's metrics and cluster watch) observes a node.
// Observers must not call back into the node.

#include <vector>

#include "core/kv/command.h"
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
  // A write command was applied to the store (after on_apply of its entry),
  // with its result: the feed for watches.
  virtual void on_write_applied(NodeId /*node*/, LogIndex /*index*/, const kv::WriteRequest& /*request*/,
                                const kv::WriteResult& /*result*/) {}
  // The state machine was replaced by a snapshot's: the state after applying
  // every entry up to index (whose term is term). Called when a snapshot
  // received from the leader is durable and installed (Raft §7), and at
  // start-up when the node loads its durable snapshot. The next entry
  // applied is index + 1.
  virtual void on_snapshot_installed(NodeId /*node*/, LogIndex /*index*/, Term /*term*/) {}
  // The node's own snapshot is durable and the log entries up to through
  // are gone, from storage and memory (log compaction, §7). The log keeps
  // the entries after through.
  virtual void on_log_compacted(NodeId /*node*/, LogIndex /*through*/) {}
  // The membership in force on this node changed: a Config entry at index
  // entered its log (or was truncated away, bringing back an older one), or a
  // snapshot brought one. committed says whether index is committed here.
  virtual void on_membership_change(NodeId /*node*/, const raft::Membership& /*membership*/, LogIndex /*index*/,
                                    bool /*committed*/) {}
};

}  // namespace confman::node
