#include "fuzz/codec_generators.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>

namespace confman::fuzz {

using raft::ConfigChangeType;
using raft::Entry;
using raft::EntryType;
using raft::Message;
using raft::MessageType;

namespace {

constexpr std::uint64_t kMaxU64 = std::numeric_limits<std::uint64_t>::max();

// The edges of the varint length classes (7 bits per byte), where encoders
// and decoders of LEB128 go wrong: 0, 2^(7k) - 1 and 2^(7k), and 2^64 - 1.
std::vector<std::uint64_t> varint_edges() {
  std::vector<std::uint64_t> edges{0, kMaxU64};
  for (int bits = 7; bits < 64; bits += 7) {
    edges.push_back((std::uint64_t{1} << bits) - 1);
    edges.push_back(std::uint64_t{1} << bits);
  }
  return edges;
}

// Any value a varint field can hold: mostly arbitrary (RapidCheck favours
// small values at small sizes), sometimes a length-class edge.
rc::Gen<std::uint64_t> varint_field() {
  return rc::gen::weightedOneOf<std::uint64_t>(
      {{3, rc::gen::arbitrary<std::uint64_t>()}, {1, rc::gen::elementOf(varint_edges())}});
}

rc::Gen<std::uint64_t> nonzero_varint_field() {
  return rc::gen::suchThat(varint_field(), [](std::uint64_t value) { return value != 0; });
}

// A value in [0, max], with max itself (a boundary) drawn often.
rc::Gen<std::uint64_t> at_most(std::uint64_t max) {
  if (max == 0) return rc::gen::just<std::uint64_t>(0);
  return rc::gen::oneOf(rc::gen::just(max), rc::gen::inRange<std::uint64_t>(0, max));
}

rc::Gen<Bytes> any_bytes() { return rc::gen::arbitrary<Bytes>(); }

// The fields every message carries.
Message header(MessageType type) {
  Message message;
  message.type = type;
  message.from = *varint_field();
  message.to = *varint_field();
  message.term = *varint_field();
  return message;
}

// PreVote / Vote: the candidate's last log index and term (§5.2, §5.4.1),
// and whether a leadership transfer (TimeoutNow) started the campaign.
rc::Gen<Message> candidate_request(MessageType type) {
  return rc::gen::exec([type] {
    Message message = header(type);
    message.index = *varint_field();
    message.log_term = *varint_field();
    message.transfer = *rc::gen::arbitrary<bool>();
    return message;
  });
}

// PreVoteResponse / VoteResponse: granted or not.
rc::Gen<Message> vote_answer(MessageType type) {
  return rc::gen::exec([type] {
    Message message = header(type);
    message.reject = *rc::gen::arbitrary<bool>();
    return message;
  });
}

// Append: entries that follow the prev index contiguously with terms at most
// the message term (the decoder rejects anything else). The index arithmetic
// wraps like the decoder's does.
rc::Gen<Message> append() {
  return rc::gen::exec([] {
    Message message = header(MessageType::Append);
    message.index = *varint_field();
    message.log_term = *varint_field();
    message.commit = *varint_field();
    const auto count = *rc::gen::inRange<std::size_t>(0, 33);
    for (std::size_t i = 0; i < count; ++i) {
      Entry entry = *any_entry();
      entry.index = message.index + 1 + i;
      entry.term = *at_most(message.term);
      message.entries.push_back(std::move(entry));
    }
    return message;
  });
}

// AppendResponse: accepted (index = last matching index) or rejected with a
// backtracking hint (§5.3).
rc::Gen<Message> append_answer() {
  return rc::gen::exec([] {
    Message message = header(MessageType::AppendResponse);
    message.index = *varint_field();
    message.log_term = *varint_field();
    message.reject = *rc::gen::arbitrary<bool>();
    message.reject_hint = *varint_field();
    return message;
  });
}

// Heartbeat: commit and a ReadIndex round (§6.4).
rc::Gen<Message> heartbeat() {
  return rc::gen::exec([] {
    Message message = header(MessageType::Heartbeat);
    message.commit = *varint_field();
    message.read_context = *varint_field();
    return message;
  });
}

rc::Gen<Message> heartbeat_answer() {
  return rc::gen::exec([] {
    Message message = header(MessageType::HeartbeatResponse);
    message.read_context = *varint_field();
    return message;
  });
}

// Snapshot: one InstallSnapshot chunk (§7) that lies inside the snapshot;
// the whole snapshot in one chunk and the last chunk are drawn often.
rc::Gen<Message> snapshot_chunk() {
  return rc::gen::exec([] {
    Message message = header(MessageType::Snapshot);
    message.term = *nonzero_varint_field();
    message.index = *nonzero_varint_field();
    message.log_term = 1 + *at_most(message.term - 1);
    message.commit = *varint_field();
    message.chunk = *any_bytes();
    const std::uint64_t room = raft::kMaxSnapshotBytes - message.chunk.size();
    message.snapshot_size =
        message.chunk.size() + *rc::gen::oneOf(rc::gen::just<std::uint64_t>(0), rc::gen::inRange<std::uint64_t>(0, 1000),
                                               rc::gen::inRange<std::uint64_t>(0, room + 1));
    message.snapshot_offset = *at_most(message.snapshot_size - message.chunk.size());
    message.snapshot_crc = *rc::gen::arbitrary<std::uint32_t>();
    message.membership = *any_membership(1);
    return message;
  });
}

// SnapshotResponse: the snapshot answered, the follower's commit and the next
// byte it needs.
rc::Gen<Message> snapshot_answer() {
  return rc::gen::exec([] {
    Message message = header(MessageType::SnapshotResponse);
    message.index = *varint_field();
    message.log_term = *varint_field();
    message.commit = *varint_field();
    message.reject = *rc::gen::arbitrary<bool>();
    message.snapshot_offset = *varint_field();
    return message;
  });
}

// TimeoutNow: the leader asks a caught-up voter to campaign now (§3.10).
rc::Gen<Message> timeout_now() {
  return rc::gen::exec([] { return header(MessageType::TimeoutNow); });
}

// `count` distinct ids other than kNoNode, in increasing order.
std::vector<NodeId> distinct_ids(std::size_t count) {
  std::set<NodeId> ids;
  while (ids.size() < count) ids.insert(*nonzero_varint_field());
  return std::vector<NodeId>(ids.begin(), ids.end());
}

}  // namespace

std::optional<rc::Gen<Message>> message_of_type(MessageType type) {
  // No default: -Wswitch (an error here) names a new MessageType that has no
  // case yet.
  switch (type) {
    case MessageType::PreVote:
    case MessageType::Vote: return candidate_request(type);
    case MessageType::PreVoteResponse:
    case MessageType::VoteResponse: return vote_answer(type);
    case MessageType::Append: return append();
    case MessageType::AppendResponse: return append_answer();
    case MessageType::Heartbeat: return heartbeat();
    case MessageType::HeartbeatResponse: return heartbeat_answer();
    case MessageType::Snapshot: return snapshot_chunk();
    case MessageType::SnapshotResponse: return snapshot_answer();
    case MessageType::TimeoutNow: return timeout_now();
  }
  return std::nullopt;  // a byte value that is no MessageType
}

std::vector<MessageType> generated_message_types() {
  std::vector<MessageType> types;
  for (int byte = 0; byte <= 0xFF; ++byte) {
    const auto type = static_cast<MessageType>(byte);
    if (message_of_type(type)) types.push_back(type);
  }
  return types;
}

rc::Gen<Message> any_message() {
  return rc::gen::mapcat(rc::gen::elementOf(generated_message_types()),
                         [](MessageType type) { return *message_of_type(type); });
}

bool is_generated_entry_type(EntryType type) {
  switch (type) {  // no default: see message_of_type
    case EntryType::Normal:
    case EntryType::Noop:
    case EntryType::Config: return true;
  }
  return false;
}

std::vector<EntryType> generated_entry_types() {
  std::vector<EntryType> types;
  for (int byte = 0; byte <= 0xFF; ++byte) {
    const auto type = static_cast<EntryType>(byte);
    if (is_generated_entry_type(type)) types.push_back(type);
  }
  return types;
}

rc::Gen<Entry> any_entry() {
  return rc::gen::exec([] {
    Entry entry;
    entry.term = *varint_field();
    entry.index = *varint_field();
    entry.type = *rc::gen::elementOf(generated_entry_types());
    entry.data = entry.type == EntryType::Config ? raft::encode_config_entry(*any_config_entry_data()) : *any_bytes();
    return entry;
  });
}

rc::Gen<raft::HardState> any_hard_state() {
  return rc::gen::exec([] {
    raft::HardState hard_state;
    hard_state.term = *varint_field();
    hard_state.vote = *varint_field();
    hard_state.commit = *varint_field();
    return hard_state;
  });
}

rc::Gen<raft::Snapshot> any_snapshot() {
  return rc::gen::exec([] {
    raft::Snapshot snapshot;
    snapshot.index = *nonzero_varint_field();
    snapshot.term = *nonzero_varint_field();
    snapshot.membership = *any_membership(1);
    snapshot.data = *any_bytes();
    return snapshot;
  });
}

rc::Gen<raft::Membership> any_membership(std::size_t min_voters) {
  return rc::gen::exec([min_voters] {
    // Mostly small clusters, sometimes up to the limit.
    const auto members = *rc::gen::oneOf(rc::gen::inRange<std::size_t>(min_voters, std::max<std::size_t>(min_voters, 9) + 1),
                                         rc::gen::inRange<std::size_t>(min_voters, raft::kMaxMembers + 1));
    std::vector<NodeId> ids = distinct_ids(members);
    // Any split of the ids between voters and learners (both stay sorted).
    std::vector<bool> is_voter(ids.size());
    std::size_t voters = 0;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      is_voter[i] = *rc::gen::arbitrary<bool>();
      if (is_voter[i]) ++voters;
    }
    for (std::size_t i = 0; i < ids.size() && voters < min_voters; ++i) {
      if (is_voter[i]) continue;
      is_voter[i] = true;
      ++voters;
    }
    raft::Membership membership;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      (is_voter[i] ? membership.voters : membership.learners).push_back(ids[i]);
    }
    return membership;
  });
}

bool is_generated_change_type(ConfigChangeType type) {
  switch (type) {  // no default: see message_of_type
    case ConfigChangeType::AddVoter:
    case ConfigChangeType::AddLearner:
    case ConfigChangeType::Promote:
    case ConfigChangeType::Remove: return true;
  }
  return false;
}

std::vector<ConfigChangeType> generated_change_types() {
  std::vector<ConfigChangeType> types;
  for (int byte = 0; byte <= 0xFF; ++byte) {
    const auto type = static_cast<ConfigChangeType>(byte);
    if (is_generated_change_type(type)) types.push_back(type);
  }
  return types;
}

rc::Gen<raft::ConfigEntryData> any_config_entry_data() {
  return rc::gen::exec([] {
    raft::ConfigEntryData data;
    data.change.type = *rc::gen::elementOf(generated_change_types());
    data.change.node = *nonzero_varint_field();
    data.membership = *any_membership(1);
    return data;
  });
}

}  // namespace confman::fuzz
