#include "core/raft/message.h"

namespace confman::raft {

namespace {

constexpr std::uint8_t kMessageFormatVersion = 1;

void encode_entry(ByteWriter& writer, const Entry& entry) {
  writer.varint(entry.term);
  writer.varint(entry.index);
  writer.u8(static_cast<std::uint8_t>(entry.type));
  writer.bytes(entry.data);
}

bool valid_entry_type(std::uint8_t type) {
  return type == static_cast<std::uint8_t>(EntryType::Normal) ||
         type == static_cast<std::uint8_t>(EntryType::Noop);
}

bool valid_message_type(std::uint8_t type) {
  return type >= static_cast<std::uint8_t>(MessageType::PreVote) &&
         type <= static_cast<std::uint8_t>(MessageType::HeartbeatResponse);
}

Decoded<Entry> decode_entry(ByteReader& reader) {
  Entry entry;
  std::uint8_t type = 0;
  if (!reader.varint(entry.term)) return unexpected(reader.error("varint entry term"));
  if (!reader.varint(entry.index)) return unexpected(reader.error("varint entry index"));
  if (!reader.u8(type) || !valid_entry_type(type)) return unexpected(reader.error("entry type 1 or 2"));
  entry.type = static_cast<EntryType>(type);
  if (!reader.bytes(entry.data, kMaxEntryDataBytes)) {
    return unexpected(reader.error("entry data of at most " + std::to_string(kMaxEntryDataBytes) + " bytes"));
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
  writer.u8(message.reject ? 1 : 0);
  writer.varint(message.reject_hint);
  writer.varint(message.read_context);
  writer.varint(message.entries.size());
  for (const Entry& entry : message.entries) encode_entry(writer, entry);
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
  std::uint8_t reject = 0;
  std::uint64_t entry_count = 0;
  if (!reader.u8(version) || version != kMessageFormatVersion) {
    return unexpected(reader.error("message format version 1"));
  }
  if (!reader.u8(type) || !valid_message_type(type)) return unexpected(reader.error("message type 1..8"));
  message.type = static_cast<MessageType>(type);
  if (!reader.varint(message.from) || !reader.varint(message.to) || !reader.varint(message.term) ||
      !reader.varint(message.index) || !reader.varint(message.log_term) || !reader.varint(message.commit)) {
    return unexpected(reader.error("varint header fields (from, to, term, index, log_term, commit)"));
  }
  if (!reader.u8(reject) || reject > 1) return unexpected(reader.error("reject flag 0 or 1"));
  message.reject = reject == 1;
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
