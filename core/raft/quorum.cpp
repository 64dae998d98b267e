#include "core/raft/quorum.h"

namespace confman::raft::quorum {

VoteResult tally(const Membership& membership, const std::map<NodeId, bool>& votes) {
  std::size_t granted = 0;
  std::size_t refused = 0;
  for (const auto& [voter, vote] : votes) {
    if (!membership.is_voter(voter)) continue;
    (vote ? granted : refused) += 1;
  }
  if (granted >= membership.quorum()) return VoteResult::Won;
  if (refused >= membership.quorum()) return VoteResult::Lost;
  return VoteResult::Pending;
}

}  // namespace confman::raft::quorum
