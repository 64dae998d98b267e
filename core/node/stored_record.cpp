#include "core/node/stored_record.h"

#include "core/raft/message.h"

namespace confman::node {

namespace {
constexpr std::uint8_t kHardStateTag = 0x48;  // 'H'
constexpr std::uint8_t kEntryTag = 0x45;      // 'E'
}  // namespace

Bytes encode_hard_state_record(const raft::HardState& hard_state) {
  Bytes payload;
  ByteWriter writer(payload);
  writer.u8(kHardStateTag);
  writer.varint(hard_state.term);
  writer.varint(hard_state.vote);
  writer.varint(hard_state.commit);
  return seal_frame(payload);
}

Decoded<raft::HardState> decode_hard_state_record(ByteView record) {
  auto payload = open_frame(record);
  if (!payload) return unexpected(payload.error());
  ByteReader reader(*payload);
  std::uint8_t tag = 0;
  raft::HardState hard_state;
  if (!reader.u8(tag) || tag != kHardStateTag) return unexpected(reader.error("hard state record tag 'H'"));
  if (!reader.varint(hard_state.term) || !reader.varint(hard_state.vote) || !reader.varint(hard_state.commit)) {
    return unexpected(reader.error("varint term, vote and commit"));
  }
  if (!reader.at_end()) return unexpected(reader.error("end of hard state record"));
  return hard_state;
}

Bytes encode_entry_record(const raft::Entry& entry) {
  Bytes payload;
  ByteWriter writer(payload);
  writer.u8(kEntryTag);
  writer.varint(entry.term);
  writer.varint(entry.index);
  writer.u8(static_cast<std::uint8_t>(entry.type));
  writer.bytes(entry.data);
  return seal_frame(payload);
}

Decoded<raft::Entry> decode_entry_record(ByteView record) {
  auto payload = open_frame(record);
  if (!payload) return unexpected(payload.error());
  ByteReader reader(*payload);
  std::uint8_t tag = 0;
  std::uint8_t type = 0;
  raft::Entry entry;
  if (!reader.u8(tag) || tag != kEntryTag) return unexpected(reader.error("entry record tag 'E'"));
  if (!reader.varint(entry.term) || !reader.varint(entry.index)) return unexpected(reader.error("varint term and index"));
  if (!reader.u8(type) || (type != 1 && type != 2)) return unexpected(reader.error("entry type 1 or 2"));
  entry.type = static_cast<raft::EntryType>(type);
  if (!reader.bytes(entry.data, raft::kMaxEntryDataBytes)) return unexpected(reader.error("entry data"));
  if (!reader.at_end()) return unexpected(reader.error("end of entry record"));
  return entry;
}

}  // namespace confman::node
