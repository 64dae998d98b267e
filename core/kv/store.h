#pragma once
// The configuration store: the replicated state machine. Keys are paths kept
// in one ordered map, so listing a namespace is a range scan and iteration
// order (and hence the digest) is the same on every replica.
//
// Determinism: apply() depends only on the store's state and its argument.
// Time never enters it (TTLs, if added, must be leader-stamped into commands).
//
// Beside the keys, the replicated state holds the recent changes (the event
// log that watches are served from, event_log.h), the API keys
// (core/security/key_registry.h) and the member registry: an
// opaque address record per member that joined by a membership change
// (node.cpp fills it from the change's Config entry; the server keeps peer
// and client addresses there). Keys whose first segment starts with '_' are
// reserved for such internal state: clients cannot write them (the request
// layer refuses them, core/service), though apply() still accepts what older
// logs hold.
//
// Format history: servers before write-request and snapshot format 2 kept
// neither an event log nor a member registry; they wrote member addresses as
// ordinary keys "/_confman/members/ID". A format-1 entry (WriteRequest::legacy)
// that puts such a key is applied as a registry update that bumps the
// revision as the put did; any format-1 write leaves no event, and the event
// log's history starts after it (compacted through its revision). A format-1
// snapshot's member keys move to the registry on restore, and its event log
// starts compacted at its revision. So a replica that replays old entries and
// one that restores an old snapshot reach the same state, and every replica
// applies each entry the same way.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/kv/command.h"
#include "core/kv/event_log.h"
#include "core/kv/key.h"
#include "core/security/key_registry.h"
#include "core/types.h"

namespace confman::kv {

struct ListPage {
  std::vector<KeyValue> items;
  // When more keys follow, the key to pass as start_after for the next page.
  std::optional<std::string> next_after;
};

struct ChildEntry {
  std::string name;         // one segment, e.g. "config" under "/app/"
  bool has_value = false;   // "/app/config" itself is a key
  bool has_children = false;// some key starts with "/app/config/"
  bool operator==(const ChildEntry&) const = default;
};

// The member id of a legacy member key "/_confman/members/ID" (see "Format
// history" above), or nullopt if key is not one.
std::optional<std::uint64_t> legacy_member_id(std::string_view key);

class Store {
 public:
  Store();

  // Applies one committed write. Sessions: a request whose (client_id,
  // sequence) was already applied returns the original result without
  // touching the data; an older sequence returns StaleSequence.
  WriteResult apply(const WriteRequest& request);

  std::optional<KeyValue> get(std::string_view key) const;

  // Keys starting with prefix, in key order, after start_after (exclusive),
  // at most limit (clamped to kMaxListLimit).
  ListPage list_prefix(std::string_view prefix, std::string_view start_after,
                       std::size_t limit) const;

  // Immediate children of a namespace ("/app/" -> "config", "db", ...).
  std::vector<ChildEntry> list_children(std::string_view prefix) const;

  std::uint64_t revision() const { return revision_; }
  std::size_t key_count() const { return keys_.size(); }

  // Recent changes, in revision order (watches).
  const EventLog& events() const { return events_; }

  // The member registry. Records are opaque here, at most kMaxMemberRecordBytes.
  void set_member_record(std::uint64_t member, std::string record);
  void erase_member_record(std::uint64_t member);
  const std::string* member_record(std::uint64_t member) const;
  const std::map<std::uint64_t, std::string>& member_records() const { return members_; }

  // The API keys (CreateApiKey, RevokeApiKey).
  const security::KeyRegistry& api_keys() const { return api_keys_; }

  // A hash of the whole replicated state (keys, revisions, sessions). Equal on
  // replicas that applied the same prefix of the log.
  std::uint64_t digest() const;

  // The whole replicated state as bytes, for Raft snapshots (§7 of the Raft
  // paper; dissertation §5.1): exactly what digest() covers, so a restored
  // store has the same digest and answers every later command the same way.
  // Layout in store_snapshot.cpp; versioned by its first byte.
  Bytes snapshot() const;

  // The inverse of snapshot(). Never trusts its input: every length and count
  // is bounded, keys must be valid and strictly ordered, revisions consistent
  // and sessions within kMaxSessions; anything else is a DecodeError.
  static Result<Store, DecodeError> restore_snapshot(ByteView bytes);

 private:
  struct Session {
    std::uint64_t last_sequence = 0;
    WriteResult last_result;
    // For deterministic least-recently-used eviction. Despite the name it holds
    // applied_count_ at the session's last request, not revision_: failed and
    // de-duplicated writes do not advance the revision, but they are uses, and
    // applied_count_ gives every request a distinct tick.
    std::uint64_t last_used_revision = 0;
  };

  WriteResult apply_with_session(const WriteRequest& request);
  WriteResult execute(const Command& command, bool legacy);
  WriteResult execute_key_registry_change(const Command& command);
  // A put of a legacy member key (see "Format history"), if command is one.
  std::optional<WriteResult> apply_legacy_member_key(const Command& command);
  void remember(std::uint64_t client_id, std::uint64_t sequence, const WriteResult& result);

  // Helpers of execute(): each either changes the data and bumps revision_ by
  // one, or leaves both alone.
  WriteResult put(const std::string& key, const std::string& value);
  WriteResult erase(const std::string& key);
  // nullopt if key's mod revision matches expected (0 = key must be absent),
  // else the CompareFailed result to return.
  std::optional<WriteResult> compare(const std::string& key,
                                     std::uint64_t expected_mod_revision) const;
  void evict_least_recently_used_session();

  // Parts of restore_snapshot (store_snapshot.cpp); nullopt when they succeed.
  std::optional<DecodeError> restore_keys(ByteReader& reader);
  std::optional<DecodeError> restore_sessions(ByteReader& reader);
  std::optional<DecodeError> restore_members(ByteReader& reader);
  std::optional<DecodeError> restore_api_keys(ByteReader& reader);
  void migrate_legacy_member_keys();

  std::map<std::string, KeyValue, std::less<>> keys_;
  std::map<std::uint64_t, Session> sessions_;
  std::map<std::uint64_t, std::string> members_;  // member id -> address record
  security::KeyRegistry api_keys_;
  EventLog events_;
  std::uint64_t revision_ = 0;
  std::uint64_t applied_count_ = 0;
};

}  // namespace confman::kv
