// Store::snapshot / Store::restore_snapshot: the replicated state as bytes,
// for Raft log compaction and InstallSnapshot (Raft paper §7; dissertation
// §5.1). A snapshot replaces a prefix of the log on every replica that
// installs it, so it must carry everything apply() depends on and digest()
// covers, and it must be decoded as carefully as anything off the network:
// it arrives in chunks from another node and is read back from disk.
//
// Layout (format 3):
//   [format u8 = 3][revision varint][applied_count varint]
//   [key count varint] then per key, in strictly increasing key order:
//     [key string][value string][create_revision][mod_revision][version] (varints)
//   [session count varint] then per session, in strictly increasing client id:
//     [client_id varint][last_sequence varint][last_used varint][last result]
//   where the last result is encode_write_result's layout;
//   [member count varint] then per member, in strictly increasing id:
//     [member id varint][address record string]
//   [API keys] (security::KeyRegistry::encode);
//   [event log] (EventLog::encode).
// Format 2 (written before the API key registry) has no API keys; it is
// still read, with none.
// Format 1 (written before the member registry and the event log) ends after
// the sessions; it is still read: its legacy member keys move to the
// registry (store.h, "Format history") and its event log starts empty,
// compacted at the snapshot's revision (the events before it are unknown).
// The checksum lives one layer up (the snapshot record and the transfer
// carry a crc32c of these bytes); this layer checks structure and meaning.

#include <string>

#include "core/kv/limits.h"
#include "core/kv/store.h"

namespace confman::kv {

namespace {

constexpr std::uint8_t kStoreSnapshotFormat = 3;
constexpr std::uint8_t kStoreSnapshotFormatWithoutApiKeys = 2;
constexpr std::uint8_t kStoreSnapshotFormatWithoutRegistry = 1;

// The smallest encoding of one key: a one-byte key length with at least the
// key "/x" (3 bytes), an empty value (1) and three one-byte varints.
constexpr std::size_t kMinEncodedKeyBytes = 7;
// client id, sequence, last used (1 byte each) and a result without a key
// value (status, revision, presence).
constexpr std::size_t kMinEncodedSessionBytes = 6;

std::string number(std::uint64_t value) { return std::to_string(value); }

}  // namespace

Bytes Store::snapshot() const {
  Bytes out;
  ByteWriter writer(out);
  writer.u8(kStoreSnapshotFormat);
  writer.varint(revision_);
  writer.varint(applied_count_);
  writer.varint(keys_.size());
  for (const auto& [key, stored] : keys_) {
    writer.string(key);
    writer.string(stored.value);
    writer.varint(stored.create_revision);
    writer.varint(stored.mod_revision);
    writer.varint(stored.version);
  }
  writer.varint(sessions_.size());
  for (const auto& [client_id, session] : sessions_) {
    writer.varint(client_id);
    writer.varint(session.last_sequence);
    writer.varint(session.last_used_revision);
    encode_write_result(writer, session.last_result);
  }
  writer.varint(members_.size());
  for (const auto& [member, record] : members_) {
    writer.varint(member);
    writer.string(record);
  }
  api_keys_.encode(writer);
  events_.encode(writer);
  return out;
}

Result<Store, DecodeError> Store::restore_snapshot(ByteView bytes) {
  ByteReader reader(bytes);
  Store store;
  std::uint8_t format = 0;
  if (!reader.u8(format)) return unexpected(reader.error("store snapshot format byte"));
  if (format < kStoreSnapshotFormatWithoutRegistry || format > kStoreSnapshotFormat) {
    return unexpected(DecodeError{"store snapshot format " + number(kStoreSnapshotFormatWithoutRegistry) + " to " +
                                      number(kStoreSnapshotFormat) + " (got " + number(format) + ")",
                                  0});
  }
  if (!reader.varint(store.revision_) || !reader.varint(store.applied_count_)) {
    return unexpected(reader.error("varint revision and applied count"));
  }
  if (auto error = store.restore_keys(reader)) return unexpected(*error);
  if (auto error = store.restore_sessions(reader)) return unexpected(*error);
  if (format == kStoreSnapshotFormatWithoutRegistry) {
    store.migrate_legacy_member_keys();
    store.events_.drop_through(store.revision_);  // as replaying format-1 entries leaves it
  } else {
    if (auto error = store.restore_members(reader)) return unexpected(*error);
    if (format != kStoreSnapshotFormatWithoutApiKeys) {
      if (auto error = store.restore_api_keys(reader)) return unexpected(*error);
    }
    if (auto error = store.events_.decode(reader, store.revision_)) return unexpected(*error);
  }
  if (!reader.at_end()) {
    return unexpected(reader.error("end of store snapshot (" + number(reader.remaining()) + " trailing bytes)"));
  }
  return store;
}

std::optional<DecodeError> Store::restore_keys(ByteReader& reader) {
  std::uint64_t count = 0;
  if (!reader.varint(count)) return reader.error("varint key count");
  // A count the remaining bytes cannot hold is refused before the loop, so a
  // forged count cannot make the decoder spin.
  if (count > reader.remaining() / kMinEncodedKeyBytes) {
    return reader.error("key count " + number(count) + " that fits in " + number(reader.remaining()) + " bytes");
  }
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::size_t start = reader.offset();
    KeyValue stored;
    if (!reader.string(stored.key, kMaxKeyBytes)) return reader.error("key string of at most " + number(kMaxKeyBytes) + " bytes");
    if (auto valid = validate_stored_key(stored.key); !valid) {
      return DecodeError{"a valid key (" + valid.error().message + ")", start};
    }
    if (!keys_.empty() && !(keys_.rbegin()->first < stored.key)) {
      return DecodeError{"keys in strictly increasing order", start};
    }
    if (!reader.string(stored.value, kMaxValueBytes)) {
      return reader.error("value of at most " + number(kMaxValueBytes) + " bytes");
    }
    if (!reader.varint(stored.create_revision) || !reader.varint(stored.mod_revision) ||
        !reader.varint(stored.version)) {
      return reader.error("varint create revision, mod revision and version");
    }
    // A stored key was written at least once, after it was created, and no
    // later than the store's revision.
    if (stored.create_revision == 0 || stored.create_revision > stored.mod_revision ||
        stored.mod_revision > revision_ || stored.version == 0) {
      return DecodeError{"revisions 0 < create <= mod <= store revision and version >= 1", start};
    }
    std::string key = stored.key;
    keys_.emplace_hint(keys_.end(), std::move(key), std::move(stored));
  }
  return std::nullopt;
}

std::optional<DecodeError> Store::restore_members(ByteReader& reader) {
  std::uint64_t count = 0;
  if (!reader.varint(count)) return reader.error("varint member count");
  if (count > reader.remaining() / 2) {
    return reader.error("member count " + number(count) + " that fits in " + number(reader.remaining()) + " bytes");
  }
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::size_t start = reader.offset();
    std::uint64_t member = 0;
    std::string record;
    if (!reader.varint(member) || !reader.string(record, kMaxMemberRecordBytes)) {
      return reader.error("member id and an address record of at most " + number(kMaxMemberRecordBytes) + " bytes");
    }
    if (member == 0 || (!members_.empty() && members_.rbegin()->first >= member)) {
      return DecodeError{"member ids other than 0, in strictly increasing order", start};
    }
    members_.emplace_hint(members_.end(), member, std::move(record));
  }
  return std::nullopt;
}

void Store::migrate_legacy_member_keys() {
  for (auto it = keys_.begin(); it != keys_.end();) {
    const auto member = legacy_member_id(it->first);
    if (member && it->second.value.size() <= kMaxMemberRecordBytes) {
      members_[*member] = std::move(it->second.value);
      it = keys_.erase(it);
    } else {
      ++it;
    }
  }
}

std::optional<DecodeError> Store::restore_sessions(ByteReader& reader) {
  std::uint64_t count = 0;
  if (!reader.varint(count)) return reader.error("varint session count");
  if (count > kMaxSessions) return reader.error("at most " + number(kMaxSessions) + " sessions (got " + number(count) + ")");
  if (count > reader.remaining() / kMinEncodedSessionBytes) {
    return reader.error("session count " + number(count) + " that fits in " + number(reader.remaining()) + " bytes");
  }
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::size_t start = reader.offset();
    std::uint64_t client_id = 0;
    Session session;
    if (!reader.varint(client_id) || !reader.varint(session.last_sequence) ||
        !reader.varint(session.last_used_revision)) {
      return reader.error("varint client id, sequence and last use");
    }
    if (client_id == 0) return DecodeError{"a session client id other than 0", start};
    if (!sessions_.empty() && sessions_.rbegin()->first >= client_id) {
      return DecodeError{"sessions in strictly increasing client id order", start};
    }
    if (session.last_used_revision > applied_count_) {
      return DecodeError{"a session last used no later than the applied count", start};
    }
    if (!decode_write_result(reader, session.last_result)) return reader.error("session's last write result");
    sessions_.emplace_hint(sessions_.end(), client_id, std::move(session));
  }
  return std::nullopt;
}

std::optional<DecodeError> Store::restore_api_keys(ByteReader& reader) {
  auto registry = security::KeyRegistry::decode(reader);
  if (!registry) return registry.error();
  for (const auto& [id, record] : registry->records()) {
    if (record.created_revision > revision_) return reader.error("API keys created no later than the store revision");
  }
  api_keys_ = std::move(*registry);
  return std::nullopt;
}

}  // namespace confman::kv
