#pragma once
// The configuration store: the replicated state machine. Keys are paths kept
// in one ordered map, so listing a namespace is a range scan and iteration
// order (and hence the digest) is the same on every replica.
//
// Determinism: apply() depends only on the store's state and its argument.
// Time never enters it (TTLs, if added, must be leader-stamped into commands).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/kv/command.h"
#include "core/kv/key.h"
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

class Store {
 public:
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

  WriteResult execute(const Command& command);
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

  std::map<std::string, KeyValue, std::less<>> keys_;
  std::map<std::uint64_t, Session> sessions_;
  std::uint64_t revision_ = 0;
  std::uint64_t applied_count_ = 0;
};

}  // namespace confman::kv
