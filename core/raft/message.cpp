#include "core/raft/message.h"

namespace confman::raft {

namespace {

// Version 2 added the Snapshot and SnapshotResponse types and their fields.
// Version 3 added TimeoutNow, learners in a snapshot's membership, and the
// transfer flag (the reject byte became a flags byte).
constexpr std::uint8_t kMessageFormatVersion = 3;
constexpr std::uint8_t kFlagReject = 1;
constexpr std::uint8_t kFlagTransfer = 2;
// Recovery from a repaired log (still version 3: the bits are only ever set
// after a repair, and a node without them refuses such a frame whole).
constexpr std::uint8_t kFlagRecovering = 4;
constexpr std::uint8_t kFlagReachesLeaderEnd = 8;
constexpr std::uint8_t kKnownFlags = kFlagReject | kFlagTransfer | kFlagRecovering | kFlagReachesLeaderEnd;

void encode_entry(ByteWriter& writer, const Entry& entry) {
  writer.varint(entry.term);
  writer.varint(entry.index);
  writer.u8(static_cast<std::uint8_t>(entry.type));
  writer.bytes(entry.data);
}

bool valid_entry_type(std::uint8_t type) {
  return type >= static_cast<std::uint8_t>(EntryType::Normal) &&
         type <= static_cast<std::uint8_t>(EntryType::Config);
}

bool valid_message_type(std::uint8_t type) {
  return type >= static_cast<std::uint8_t>(MessageType::PreVote) &&
         type <= static_cast<std::uint8_t>(MessageType::TimeoutNow);
}

bool carries_snapshot_fields(MessageType type) {
  return type == MessageType::Snapshot || type == MessageType::SnapshotResponse;
}

// The snapshot section, written after the entries for the two snapshot types:
//   SnapshotResponse: [offset varint]
//   Snapshot:         [offset varint][size varint][crc u32][membership]
//                     [chunk bytes]   (membership: see encode_membership)
void encode_snapshot_fields(ByteWriter& writer, const Message& message) {
  writer.varint(message.snapshot_offset);
  if (message.type != MessageType::Snapshot) return;
  writer.varint(message.snapshot_size);
  writer.u32(message.snapshot_crc);
  encode_membership(writer, message.membership);
  writer.bytes(message.chunk);
}

std::optional<DecodeError> decode_snapshot_fields(ByteReader& reader, Message& message) {
  if (!reader.varint(message.snapshot_offset)) return reader.error("varint snapshot offset");
  if (message.type != MessageType::Snapshot) return std::nullopt;
  if (!reader.varint(message.snapshot_size) || message.snapshot_size > kMaxSnapshotBytes) {
    return reader.error("snapshot size of at most " + std::to_string(kMaxSnapshotBytes) + " bytes");
  }
  if (!reader.u32(message.snapshot_crc)) return reader.error("4-byte snapshot checksum");
  if (auto error = decode_membership(reader, message.membership, 1)) return error;
  if (!reader.bytes(message.chunk, kMaxSnapshotChunkBytes)) {
    return reader.error("snapshot chunk of at most " + std::to_string(kMaxSnapshotChunkBytes) + " bytes");
  }
  // The chunk must lie inside the snapshot, and a snapshot names a real
  // index: the receiver appends at offsets without re-checking them.
  if (message.snapshot_offset > message.snapshot_size ||
      message.chunk.size() > message.snapshot_size - message.snapshot_offset) {
    return reader.error("snapshot chunk inside the snapshot's " + std::to_string(message.snapshot_size) + " bytes");
  }
  if (message.index == 0 || message.log_term == 0 || message.log_term > message.term) {
    return reader.error("snapshot index >= 1 and term 1..message term");
  }
  return std::nullopt;
}

Decoded<Entry> decode_entry(ByteReader& reader) {
  Entry entry;
  std::uint8_t type = 0;
  if (!reader.varint(entry.term)) return unexpected(reader.error("varint entry term"));
  if (!reader.varint(entry.index)) return unexpected(reader.error("varint entry index"));
  if (!reader.u8(type) || !valid_entry_type(type)) return unexpected(reader.error("entry type 1..3"));
  entry.type = static_cast<EntryType>(type);
  if (!reader.bytes(entry.data, kMaxEntryDataBytes)) {
    return unexpected(reader.error("entry data of at most " + std::to_string(kMaxEntryDataBytes) + " bytes"));
  }
  if (entry.type == EntryType::Config) {
    // Raft takes a Config entry's membership on sight: check it here.
    if (auto config = decode_config_entry(entry.data); !config) {
      return unexpected(reader.error("Config entry data: " + config.error().describe()));
    }
  }
  return entry;
}

}  // namespace

const char* message_type_name(MessageType type) {
  switch (type) {
    case MessageType::PreVote: return "PreVote";
    case MessageType::PreVoteResponse: return "PreVoteResponse";
    case MessageType::Vote: return "Vote";
    case MessageType::VoteResponse: return "VoteResponse";
    case MessageType::Append: return "Append";
    case MessageType::AppendResponse: return "AppendResponse";
    case MessageType::Heartbeat: return "Heartbeat";
    case MessageType::HeartbeatResponse: return "HeartbeatResponse";
    case MessageType::Snapshot: return "Snapshot";
    case MessageType::SnapshotResponse: return "SnapshotResponse";
    case MessageType::TimeoutNow: return "TimeoutNow";
  }
  return "Unknown";
}

std::optional<MessageType> peek_message_type(ByteView frame) {
  // [crc32c: 4][version: 1][type: 1]...
  if (frame.size() < 6 || !valid_message_type(frame[5])) return std::nullopt;
  return static_cast<MessageType>(frame[5]);
}

Bytes encode_message(const Message& message) {
  CONFMAN_ASSERT(message.entries.size() <= kMaxEntriesPerMessage, "message carries too many entries");
  CONFMAN_ASSERT(carries_snapshot_fields(message.type) ||
                     (message.snapshot_offset == 0 && message.snapshot_size == 0 && message.snapshot_crc == 0 &&
                      message.membership.empty() && message.chunk.empty()),
                 "only snapshot messages carry snapshot fields");
  CONFMAN_ASSERT(message.chunk.size() <= kMaxSnapshotChunkBytes &&
                     message.membership.voters.size() + message.membership.learners.size() <= kMaxMembers,
                 "snapshot chunk or membership over its limit");
  Bytes payload;
  ByteWriter writer(payload);
  writer.u8(kMessageFormatVersion);
  writer.u8(static_cast<std::uint8_t>(message.type));
  writer.varint(message.from);
  writer.varint(message.to);
  writer.varint(message.term);
  writer.varint(message.index);
  writer.varint(message.log_term);
  writer.varint(message.commit);
  writer.u8(static_cast<std::uint8_t>((message.reject ? kFlagReject : 0) | (message.transfer ? kFlagTransfer : 0) |
                                      (message.recovering ? kFlagRecovering : 0) |
                                      (message.reaches_leader_end ? kFlagReachesLeaderEnd : 0)));
  writer.varint(message.reject_hint);
  writer.varint(message.read_context);
  writer.varint(message.entries.size());
  for (const Entry& entry : message.entries) encode_entry(writer, entry);
  if (carries_snapshot_fields(message.type)) encode_snapshot_fields(writer, message);
  CONFMAN_ASSERT(payload.size() <= kMaxMessageBytes, "encoded message exceeds kMaxMessageBytes");
  return seal_frame(payload);
}

Decoded<Message> decode_message(ByteView frame) {
  if (frame.size() > kMaxMessageBytes + 4) return unexpected(DecodeError{"message within the size limit", 0});
  auto payload = open_frame(frame);
  if (!payload) return unexpected(payload.error());
  ByteReader reader(*payload);
  Message message;
  std::uint8_t version = 0;
  std::uint8_t type = 0;
  std::uint8_t flags = 0;
  std::uint64_t entry_count = 0;
  if (!reader.u8(version) || version != kMessageFormatVersion) {
    return unexpected(reader.error("message format version " + std::to_string(kMessageFormatVersion)));
  }
  if (!reader.u8(type) || !valid_message_type(type)) return unexpected(reader.error("message type 1..11"));
  message.type = static_cast<MessageType>(type);
  if (!reader.varint(message.from) || !reader.varint(message.to) || !reader.varint(message.term) ||
      !reader.varint(message.index) || !reader.varint(message.log_term) || !reader.varint(message.commit)) {
    return unexpected(reader.error("varint header fields (from, to, term, index, log_term, commit)"));
  }
  if (!reader.u8(flags) || (flags & ~kKnownFlags) != 0) {
    return unexpected(
        reader.error("flags byte with only the reject (1), transfer (2), recovering (4) and reaches-leader-end (8) bits"));
  }
  message.reject = (flags & kFlagReject) != 0;
  message.transfer = (flags & kFlagTransfer) != 0;
  message.recovering = (flags & kFlagRecovering) != 0;
  message.reaches_leader_end = (flags & kFlagReachesLeaderEnd) != 0;
  if (!reader.varint(message.reject_hint) || !reader.varint(message.read_context)) {
    return unexpected(reader.error("varint reject_hint and read_context"));
  }
  if (!reader.varint(entry_count) || entry_count > kMaxEntriesPerMessage) {
    return unexpected(reader.error("entry count of at most " + std::to_string(kMaxEntriesPerMessage)));
  }
  message.entries.reserve(entry_count);
  for (std::uint64_t i = 0; i < entry_count; ++i) {
    auto entry = decode_entry(reader);
    if (!entry) return unexpected(entry.error());
    message.entries.push_back(std::move(entry).value());
  }
  if (carries_snapshot_fields(message.type)) {
    if (auto error = decode_snapshot_fields(reader, message)) return unexpected(*error);
  }
  if (!reader.at_end()) return unexpected(reader.error("end of message"));
  // Entries must follow the prev index contiguously, so the receiver can
  // index them without re-checking (a crafted gap would break log matching).
  for (std::size_t i = 0; i < message.entries.size(); ++i) {
    if (message.entries[i].index != message.index + 1 + i || message.entries[i].term > message.term) {
      return unexpected(DecodeError{"entries contiguous after index " + std::to_string(message.index) +
                                        " with terms at most the message term",
                                    0});
    }
  }
  return message;
}

}  // namespace confman::raft
