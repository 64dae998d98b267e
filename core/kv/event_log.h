#pragma once
// The store's recent changes, kept in the replicated state: every successful
// write leaves one event, in revision order. Watches are served from it, so a
// watch from revision R can start or resume on any node, after a restart or
// a leader change, and sees each change exactly once (a de-duplicated client
// retry changes nothing, so it leaves no second event). etcd's MVCC history
// plays the same role.
//
// Bounded in bytes, not in events: appending drops the oldest events until
// the log holds at most max_bytes (each event counts its key, its value and
// kEventOverheadBytes). compacted_revision() is then the newest revision
// dropped: a watch must start above it. The bound is part of the replicated
// state's definition (every replica drops the same events), so the store
// uses one constant, kMaxEventLogBytes.

#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "core/kv/command.h"
#include "core/util/codec.h"

namespace confman::kv {

enum class EventType : std::uint8_t {
  Put = 1,     // key_value is the key after the write
  Delete = 2,  // key_value is the key as it was before the delete
};
const char* event_type_name(EventType type);

struct Event {
  std::uint64_t revision = 0;  // the write's revision (for a put, key_value.mod_revision)
  EventType type = EventType::Put;
  KeyValue key_value;
  bool operator==(const Event&) const = default;
};

// Bytes an event is charged beyond its key and value (revisions, type, the
// container's own overhead): small values cannot make the log unbounded.
constexpr std::size_t kEventOverheadBytes = 64;
std::size_t event_bytes(const Event& event);

class EventLog {
 public:
  explicit EventLog(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // Appends an event with a revision above every kept one, then drops the
  // oldest events while the log is over its bound.
  void append(Event event);

  // Drops every event at or below revision, and makes revision the
  // compacted revision if it is above it.
  void drop_through(std::uint64_t revision);

  // Every event has revision > compacted_revision(); none at or below it is
  // kept (0: nothing was ever dropped).
  std::uint64_t compacted_revision() const { return compacted_revision_; }
  // The position of the first event with revision >= from_revision (size()
  // if none). Meaningful only when from_revision > compacted_revision().
  std::size_t position_of(std::uint64_t from_revision) const;
  const Event& at(std::size_t position) const { return events_[position]; }
  std::size_t size() const { return events_.size(); }
  std::size_t bytes() const { return bytes_; }
  std::size_t max_bytes() const { return max_bytes_; }

  std::uint64_t digest(std::uint64_t hash) const;
  void encode(ByteWriter& writer) const;
  // Decodes what encode wrote, checking that revisions increase, lie above
  // the compacted revision and at or below store_revision, and that the
  // whole fits the bound.
  std::optional<DecodeError> decode(ByteReader& reader, std::uint64_t store_revision);

 private:
  std::size_t max_bytes_;
  std::deque<Event> events_;
  std::size_t bytes_ = 0;
  std::uint64_t compacted_revision_ = 0;
};

}  // namespace confman::kv
