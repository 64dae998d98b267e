#pragma once
// Commands of the configuration store as they travel in the replicated log,
// and their results. A write carries its client session (client id, sequence
// number) so that a retried write is applied at most once and its original
// result is returned (Raft dissertation §6.3).

#include <cstdint>
#include <optional>
#include <string>

#include "core/util/codec.h"

namespace confman::kv {

enum class CommandType : std::uint8_t {
  Put = 1,            // set key to value
  Delete = 2,         // remove key
  CompareAndSet = 3,  // set key to value if its mod revision equals expected_mod_revision
                      // (0 = only if the key does not exist)
  CompareAndDelete = 4,  // remove key if its mod revision equals expected_mod_revision
  // The API key registry (core/security/key_registry.h). key holds the key
  // id; CreateApiKey's value holds its record (encode_api_key_record). They
  // change no key and no revision, and leave no watch event.
  CreateApiKey = 5,
  RevokeApiKey = 6,
};

struct Command {
  CommandType type = CommandType::Put;
  std::string key;
  std::string value;                       // Put and CompareAndSet only
  std::uint64_t expected_mod_revision = 0; // CompareAndSet / CompareAndDelete only
  bool operator==(const Command&) const = default;
};

// A write as proposed to the log.
struct WriteRequest {
  std::uint64_t client_id = 0;  // 0 = no session: never de-duplicated
  std::uint64_t sequence = 0;   // per-client, increasing; a retry reuses it
  Command command;
  // Decoded from a format-1 entry, written by servers that kept neither an
  // event log nor a member registry (store.h, "Format history"). Never
  // encoded: encode_write_request always writes the current format.
  bool legacy = false;
  bool operator==(const WriteRequest&) const = default;
};

enum class Status : std::uint8_t {
  Ok = 0,
  NotFound = 1,         // delete / compare-and-delete of a missing key
  CompareFailed = 2,    // expected_mod_revision did not match
  InvalidKey = 3,       // key validation failed at apply (should have been caught before proposing)
  ValueTooLarge = 4,
  StaleSequence = 5,    // sequence older than the client's last one: the result is gone
  Malformed = 6,        // the log entry did not decode as a write request
  AlreadyExists = 7,    // CreateApiKey of an id the registry holds
  LimitReached = 8,     // CreateApiKey beyond security::kMaxApiKeys
};

const char* status_name(Status status);

// One key as stored: the value with its revisions (etcd's mvccpb.KeyValue).
struct KeyValue {
  std::string key;
  std::string value;
  std::uint64_t create_revision = 0;  // revision of the write that created it
  std::uint64_t mod_revision = 0;     // revision of the last write to it
  std::uint64_t version = 0;          // writes since creation, 1 after create
  bool operator==(const KeyValue&) const = default;
};

struct WriteResult {
  Status status = Status::Ok;
  // The store's global revision after this command. A successful write
  // increments it by one; a failed one leaves it unchanged.
  std::uint64_t revision = 0;
  // The key after a successful Put/CompareAndSet; the deleted key for a
  // successful delete; the current key (if any) on CompareFailed.
  std::optional<KeyValue> key_value;
  bool operator==(const WriteResult&) const = default;
};

Bytes encode_write_request(const WriteRequest& request);
Decoded<WriteRequest> decode_write_request(ByteView bytes);

// Results are stored in client sessions (part of the replicated state, and of
// its snapshot) so they have an encoding too.
void encode_write_result(ByteWriter& writer, const WriteResult& result);
// [key string][value string][create, mod, version varints]; decode checks
// only the lengths (kMaxKeyBytes, kMaxValueBytes), not the key's validity.
void encode_key_value(ByteWriter& writer, const KeyValue& key_value);
bool decode_key_value(ByteReader& reader, KeyValue& key_value);
bool decode_write_result(ByteReader& reader, WriteResult& result);

}  // namespace confman::kv
