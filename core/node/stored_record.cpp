#include "core/node/stored_record.h"

#include "core/raft/message.h"

namespace confman::node {

namespace {
constexpr std::uint8_t kHardStateTag = 0x48;  // 'H'
constexpr std::uint8_t kEntryTag = 0x45;      // 'E'
constexpr std::uint8_t kSnapshotTag = 0x53;   // 'S'
// A hard state record may end with a flags byte (absent when zero, so the
// records written before it existed read back unchanged).
constexpr std::uint8_t kHardStateRecovering = 1;
}  // namespace

Bytes encode_hard_state_record(const raft::HardState& hard_state) {
  Bytes payload;
  ByteWriter writer(payload);
  writer.u8(kHardStateTag);
  writer.varint(hard_state.term);
  writer.varint(hard_state.vote);
  writer.varint(hard_state.commit);
  if (hard_state.recovering) writer.u8(kHardStateRecovering);
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
  if (!reader.at_end()) {
    std::uint8_t flags = 0;
    if (!reader.u8(flags) || flags != kHardStateRecovering) {
      return unexpected(reader.error("hard state flags byte 1 (recovering)"));
    }
    hard_state.recovering = true;
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
  if (!reader.u8(type) || type < 1 || type > 3) return unexpected(reader.error("entry type 1..3"));
  entry.type = static_cast<raft::EntryType>(type);
  if (!reader.bytes(entry.data, raft::kMaxEntryDataBytes)) return unexpected(reader.error("entry data"));
  if (entry.type == raft::EntryType::Config) {
    if (auto config = raft::decode_config_entry(entry.data); !config) {
      return unexpected(reader.error("Config entry data: " + config.error().describe()));
    }
  }
  if (!reader.at_end()) return unexpected(reader.error("end of entry record"));
  return entry;
}

// Layout: [tag 'S'][index varint][term varint][membership (encode_membership)]
// [crc32c of data u32][data bytes].
Bytes encode_snapshot_record(const raft::Snapshot& snapshot) {
  Bytes payload;
  payload.reserve(snapshot.data.size() + 32 + 10 * (snapshot.membership.voters.size() + snapshot.membership.learners.size()));
  ByteWriter writer(payload);
  writer.u8(kSnapshotTag);
  writer.varint(snapshot.index);
  writer.varint(snapshot.term);
  raft::encode_membership(writer, snapshot.membership);
  writer.u32(crc32c(snapshot.data));
  writer.bytes(snapshot.data);
  return seal_frame(payload);
}

Decoded<raft::Snapshot> decode_snapshot_record(ByteView record) {
  auto payload = open_frame(record);
  if (!payload) return unexpected(payload.error());
  ByteReader reader(*payload);
  std::uint8_t tag = 0;
  std::uint32_t crc = 0;
  raft::Snapshot snapshot;
  if (!reader.u8(tag) || tag != kSnapshotTag) return unexpected(reader.error("snapshot record tag 'S'"));
  if (!reader.varint(snapshot.index) || !reader.varint(snapshot.term) || snapshot.index == 0 || snapshot.term == 0) {
    return unexpected(reader.error("varint snapshot index and term, both at least 1"));
  }
  if (auto error = raft::decode_membership(reader, snapshot.membership, 1)) return unexpected(*error);
  if (!reader.u32(crc)) return unexpected(reader.error("4-byte snapshot data checksum"));
  const std::size_t data_offset = reader.offset();
  if (!reader.bytes(snapshot.data, raft::kMaxSnapshotBytes)) {
    return unexpected(reader.error("snapshot data of at most " + std::to_string(raft::kMaxSnapshotBytes) + " bytes"));
  }
  if (crc32c(snapshot.data) != crc) return unexpected(DecodeError{"snapshot data checksum mismatch", data_offset});
  if (!reader.at_end()) return unexpected(reader.error("end of snapshot record"));
  return snapshot;
}

}  // namespace confman::node
