// Recovery from a repaired log (docs/DESIGN.md, "Storage faults").
//
// A repair cuts a node's log at its first damaged record. Entries after the
// cut may have been acknowledged, and a leader may have counted them toward
// commitment, so the node holds less than it promised. Raft's safety
// argument (§5.4) assumes acknowledged entries stay, so the node is marked
// recovering (HardState::recovering) and then:
//   - it grants no vote or pre-vote and never campaigns: an entry committed
//     with its help is still held by every majority that excludes it (two
//     majorities of the cluster meet outside any one server), so any leader
//     elected without it holds the entry;
//   - its answers say it is recovering, and the leader forgets its match
//     index, so the leader's stale count of it ends there;
//   - it leaves recovery once it accepts an append that reaches the leader's
//     last index. It then holds the leader's whole log: every entry
//     committed with its old acknowledgements (the leader's log holds every
//     committed entry, and every entry that leader itself counted it for).
// Term and vote are not cut by a repair (the storage keeps them apart from
// the log; docs/DESIGN.md), so the node never votes twice in a term.

#include "core/raft/raft.h"

namespace confman::raft {

void Raft::note_follower_recovering(Progress& progress, const Message& response) {
  if (!response.recovering) {
    progress.recovering = false;
    return;
  }
  if (progress.recovering) return;  // its match was already forgotten
  progress.recovering = true;
  progress.forget_match();
}

// Called once the append is accepted: the log now holds its entries.
void Raft::maybe_finish_recovery(const Message& accepted_append) {
  if (!recovering_ || !accepted_append.reaches_leader_end) return;
  // The hard state without the flag is written with these entries, in the
  // same Ready: the node votes again only once both are durable.
  recovering_ = false;
}

}  // namespace confman::raft
