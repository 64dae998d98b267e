#pragma once
// Raft messages and their wire encoding. Every encoded message is a sealed
// frame (crc32c + payload): a message whose checksum fails is dropped before
// the decoder sees it, so network corruption can never reach the state.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/raft/entry.h"
#include "core/types.h"
#include "core/util/codec.h"

namespace confman::raft {

// Upper bounds on what one message may carry; the decoder rejects more.
constexpr std::size_t kMaxEntriesPerMessage = 1024;
constexpr std::size_t kMaxEntryDataBytes = (1 << 20) + 4096;
constexpr std::size_t kMaxMessageBytes = 8 << 20;
// InstallSnapshot (§7): a snapshot travels in chunks of at most
// kMaxSnapshotChunkBytes, one chunk in flight per follower; a follower holds
// at most kMaxSnapshotBytes of one while it assembles it, and a node does not
// take a snapshot larger than that (its log is then not compacted).
constexpr std::size_t kMaxSnapshotChunkBytes = 64 << 10;
constexpr std::size_t kMaxSnapshotBytes = 256 << 20;

enum class MessageType : std::uint8_t {
  PreVote = 1,  // §9.6 of the dissertation: ask whether a vote would be granted
  PreVoteResponse = 2,
  Vote = 3,     // RequestVote (§5.2)
  VoteResponse = 4,
  Append = 5,   // AppendEntries (§5.3)
  AppendResponse = 6,
  Heartbeat = 7,  // empty AppendEntries carrying commit and a ReadIndex context (§6.4)
  HeartbeatResponse = 8,
  Snapshot = 9,  // InstallSnapshot (§7; dissertation §5.1, Figure 5.3), one chunk
  SnapshotResponse = 10,
  TimeoutNow = 11,  // leadership transfer (dissertation §3.10): campaign now
};

const char* message_type_name(MessageType type);

struct Message {
  MessageType type = MessageType::Append;
  NodeId from = kNoNode;
  NodeId to = kNoNode;
  Term term = 0;
  // Append: index and term of the entry preceding `entries`.
  // Vote / PreVote: the candidate's last log index and term.
  // AppendResponse: accepted -> the last index now matching the leader;
  //                 rejected -> the prev index that did not match.
  LogIndex index = 0;
  Term log_term = 0;
  LogIndex commit = 0;
  std::vector<Entry> entries{};
  bool reject = false;
  // Rejected AppendResponse: the follower's guess of the last index that can
  // match, with log_term = its term there (fast backtracking, §5.3 end).
  LogIndex reject_hint = 0;
  std::uint64_t read_context = 0;  // Heartbeat(Response): ReadIndex round (§6.4)
  // Vote / PreVote of a campaign started by TimeoutNow (§3.10): voters grant
  // it even while they hear from the current leader, who asked for it.
  bool transfer = false;
  // AppendResponse / HeartbeatResponse / SnapshotResponse: the follower is
  // recovering from a repaired log (HardState::recovering): what it
  // acknowledged before may be gone, so the leader forgets its match index.
  bool recovering = false;
  // Append, to a recovering follower: the entries end at the leader's last
  // index, so a follower that accepts them holds the leader's whole log.
  bool reaches_leader_end = false;
  // Snapshot: index and log_term name the snapshot (its last included index
  // and term); chunk holds bytes [snapshot_offset, snapshot_offset +
  // chunk.size()) of snapshot_size in all, whose crc32c is snapshot_crc;
  // membership is the one as of the snapshot. The last chunk is the one
  // that ends at snapshot_size (is_last_chunk).
  // SnapshotResponse: index and log_term name the snapshot answered; commit
  // is the follower's commit index afterwards. commit >= index means the
  // follower holds the snapshot's state (installed it, or refused it as not
  // newer than its commit index: reject = true) and wants appends after
  // commit; otherwise snapshot_offset is the next byte it needs.
  // Only these two types carry the snapshot fields on the wire.
  std::uint64_t snapshot_offset = 0;
  std::uint64_t snapshot_size = 0;
  std::uint32_t snapshot_crc = 0;
  Membership membership{};
  Bytes chunk{};
  bool operator==(const Message&) const = default;
};

inline bool is_last_chunk(const Message& message) {
  return message.snapshot_offset + message.chunk.size() == message.snapshot_size;
}

Bytes encode_message(const Message& message);
Decoded<Message> decode_message(ByteView frame);

// The type of an encoded message without decoding or verifying it (for
// traces and metrics only; never for protocol decisions).
std::optional<MessageType> peek_message_type(ByteView frame);

}  // namespace confman::raft
