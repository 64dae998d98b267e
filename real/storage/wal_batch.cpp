#include "real/storage/wal_batch.h"

#include "core/util/assert.h"

namespace confman::real {

namespace {
constexpr std::uint8_t kVersion = 1;
}

bool fits_wal(const node::WriteBatch& batch) { return !batch.snapshot && batch.compact_through == 0; }

Bytes encode_wal_batch(const node::WriteBatch& batch) {
  CONFMAN_ASSERT(fits_wal(batch), "a batch with a snapshot or a compaction cannot go to the WAL");
  Bytes out;
  ByteWriter writer(out);
  writer.u8(kVersion);
  writer.varint(batch.truncate_from);
  writer.varint(batch.first_index);
  writer.varint(batch.entries.size());
  for (const Bytes& entry : batch.entries) writer.bytes(entry);
  writer.u8(batch.hard_state ? 1 : 0);
  if (batch.hard_state) writer.bytes(*batch.hard_state);
  return out;
}

Decoded<node::WriteBatch> decode_wal_batch(ByteView payload, std::size_t max_record_bytes) {
  ByteReader reader(payload);
  node::WriteBatch batch;
  std::uint8_t version = 0;
  if (!reader.u8(version) || version != kVersion) return unexpected(reader.error("WAL batch version 1"));
  std::uint64_t count = 0;
  if (!reader.varint(batch.truncate_from)) return unexpected(reader.error("varint for truncate_from"));
  if (!reader.varint(batch.first_index)) return unexpected(reader.error("varint for first_index"));
  if (!reader.varint(count)) return unexpected(reader.error("varint for the entry count"));
  // Each entry takes at least its one-byte length: a count beyond the
  // remaining bytes is damage, and must not size an allocation.
  if (count > reader.remaining()) return unexpected(reader.error("an entry count within the record"));
  batch.entries.resize(count);
  for (Bytes& entry : batch.entries) {
    if (!reader.bytes(entry, max_record_bytes)) return unexpected(reader.error("an entry record"));
  }
  std::uint8_t has_hard_state = 0;
  if (!reader.u8(has_hard_state) || has_hard_state > 1) return unexpected(reader.error("hard state flag 0 or 1"));
  if (has_hard_state == 1) {
    Bytes hard_state;
    if (!reader.bytes(hard_state, max_record_bytes)) return unexpected(reader.error("a hard state record"));
    batch.hard_state = std::move(hard_state);
  }
  if (!reader.at_end()) return unexpected(reader.error("the end of the WAL batch"));
  if (!batch.entries.empty() && batch.first_index == 0) return unexpected(reader.error("entries from index 1 on"));
  return batch;
}

}  // namespace confman::real
