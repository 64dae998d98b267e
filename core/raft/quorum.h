#pragma once
// Majorities over a membership's voters: the vote tally of an election
// (Raft §5.2), the commit point (§5.3: the highest index a majority holds),
// and "has a majority heard / acknowledged" (check-quorum, dissertation
// §6.2; ReadIndex, §6.4). One place for the arithmetic that every safety
// property rests on, checked against a naive version in
// tests/raft/quorum_test.cpp (as etcd-io/raft's quorum/quick_test.go does).
// Only voters count: learners and ids outside the membership never do.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "core/raft/membership.h"
#include "core/types.h"

namespace confman::raft::quorum {

enum class VoteResult : std::uint8_t {
  Pending,  // neither side has a majority yet
  Won,      // a majority granted
  Lost,     // a majority refused: no outcome can win now
};

// votes: each answer received so far, granted or not.
VoteResult tally(const Membership& membership, const std::map<NodeId, bool>& votes);

// Whether a majority of the voters satisfy pred(voter).
template <typename Pred>
bool majority(const Membership& membership, Pred pred) {
  std::size_t count = 0;
  for (NodeId voter : membership.voters) count += pred(voter) ? 1 : 0;
  return count >= membership.quorum();
}

// The highest index that a majority of voters hold, given each voter's
// match index (0 for a membership with no voters).
template <typename MatchOf>
LogIndex committed_index(const Membership& membership, MatchOf match_of) {
  if (membership.voters.empty()) return 0;
  std::vector<LogIndex> matches;
  matches.reserve(membership.voters.size());
  for (NodeId voter : membership.voters) matches.push_back(match_of(voter));
  // The quorum()-th largest: that many voters hold at least it.
  const auto kth = matches.begin() + static_cast<std::ptrdiff_t>(membership.quorum() - 1);
  std::nth_element(matches.begin(), kth, matches.end(), std::greater<>());
  return *kth;
}

}  // namespace confman::raft::quorum
