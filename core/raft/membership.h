#pragma once
// Cluster membership: who votes, who only learns, and how it changes.
//
// Confman changes membership one server at a time (dissertation §4.1,
// "single-server changes"), not with joint consensus (§4.3, and §6 of the
// Raft paper). Adding or removing one voter keeps every majority of the old
// configuration overlapping every majority of the new one, so a change can
// take effect as soon as it is appended, with no intermediate joint
// configuration to persist, recover and test. The price is two rules, both
// enforced by the leader before it appends a change:
//   1. at most one change is in flight: a change may be appended only once
//      the previous one is committed (two uncommitted single-server changes
//      can produce disjoint majorities);
//   2. the leader has committed an entry of its own term first (the bug
//      reported by Ongaro on raft-dev in 2015: without it, a new leader can
//      append a change on top of an uncommitted change of a deposed leader
//      that it does not have, and two disjoint majorities can elect two
//      leaders of one term). The leader's no-op on election provides it.
// Learners (non-voting members) receive the log, and a snapshot when far
// behind; they are promoted to voters by a change of its own, only once caught
// up (dissertation §4.2.1), so a new voter does not stall commitment.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/types.h"
#include "core/util/codec.h"
#include "core/util/result.h"

namespace confman::raft {

constexpr std::size_t kMaxMembers = 64;  // voters plus learners

struct Membership {
  std::vector<NodeId> voters{};    // sorted, no duplicates
  std::vector<NodeId> learners{};  // sorted, no duplicates, none of them a voter

  bool is_voter(NodeId id) const;
  bool is_learner(NodeId id) const;
  bool contains(NodeId id) const { return is_voter(id) || is_learner(id); }
  bool empty() const { return voters.empty() && learners.empty(); }
  std::size_t quorum() const { return voters.size() / 2 + 1; }
  // Voters then learners, each in id order.
  std::vector<NodeId> members() const;
  std::string describe() const;  // e.g. "voters 1,2,3 learners 4"
  bool operator==(const Membership&) const = default;
};

enum class ConfigChangeType : std::uint8_t {
  AddVoter = 1,    // a new member that votes at once
  AddLearner = 2,  // a new member that only receives the log
  Promote = 3,     // a caught-up learner becomes a voter
  Remove = 4,      // a voter or learner leaves
};
const char* config_change_type_name(ConfigChangeType type);

// Opaque to Raft, carried with a change in its log entry (as etcd's
// ConfChange.Context): the node puts an added member's address record there,
// so that the member and its addresses arrive in one replicated command.
constexpr std::size_t kMaxConfigContextBytes = 4096;

struct ConfigChange {
  ConfigChangeType type = ConfigChangeType::AddLearner;
  NodeId node = kNoNode;
  std::string context{};  // at most kMaxConfigContextBytes
  bool operator==(const ConfigChange&) const = default;
};

// The membership after `change`, or why the change is not valid here (adding
// a member twice, removing the last voter, promoting a non-learner, ...).
Result<Membership, std::string> apply_config_change(const Membership& membership, const ConfigChange& change);

// A Config log entry's data: the change and the membership it results in.
// Layout: [type u8][node varint][membership][context string, only if not
// empty]; entries written before contexts existed end after the membership.
struct ConfigEntryData {
  ConfigChange change{};
  Membership membership{};
  bool operator==(const ConfigEntryData&) const = default;
};
Bytes encode_config_entry(const ConfigEntryData& data);
Decoded<ConfigEntryData> decode_config_entry(ByteView data);

// Shared by the message and stored-record codecs: [voter count][voters...]
// [learner count][learners...], ids as varints. A decoded membership is
// checked: at least min_voters voters, ids other than 0, sorted, disjoint,
// at most kMaxMembers in all.
void encode_membership(ByteWriter& writer, const Membership& membership);
std::optional<DecodeError> decode_membership(ByteReader& reader, Membership& membership, std::size_t min_voters);

}  // namespace confman::raft
