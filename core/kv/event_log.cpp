#include "core/kv/event_log.h"

#include <algorithm>

#include "core/kv/key.h"
#include "core/util/assert.h"

namespace confman::kv {

namespace {
// Revision, type, key and value lengths and three revisions: at least one
// byte each, plus the key "/x".
constexpr std::size_t kMinEncodedEventBytes = 9;
}  // namespace

const char* event_type_name(EventType type) {
  switch (type) {
    case EventType::Put: return "put";
    case EventType::Delete: return "delete";
  }
  return "unknown";
}

std::size_t event_bytes(const Event& event) {
  return event.key_value.key.size() + event.key_value.value.size() + kEventOverheadBytes;
}

void EventLog::append(Event event) {
  CONFMAN_ASSERT(event.revision > compacted_revision_ && (events_.empty() || event.revision > events_.back().revision),
                 "events are appended in increasing revision order");
  bytes_ += event_bytes(event);
  events_.push_back(std::move(event));
  while (bytes_ > max_bytes_ && !events_.empty()) {
    bytes_ -= event_bytes(events_.front());
    compacted_revision_ = events_.front().revision;
    events_.pop_front();
  }
}

void EventLog::drop_through(std::uint64_t revision) {
  while (!events_.empty() && events_.front().revision <= revision) {
    bytes_ -= event_bytes(events_.front());
    events_.pop_front();
  }
  compacted_revision_ = std::max(compacted_revision_, revision);
}

std::size_t EventLog::position_of(std::uint64_t from_revision) const {
  const auto found = std::lower_bound(events_.begin(), events_.end(), from_revision,
                                      [](const Event& event, std::uint64_t revision) { return event.revision < revision; });
  return static_cast<std::size_t>(found - events_.begin());
}

std::uint64_t EventLog::digest(std::uint64_t hash) const {
  hash = fnv1a_u64(compacted_revision_, hash);
  hash = fnv1a_u64(events_.size(), hash);
  for (const Event& event : events_) {
    Bytes encoded;
    ByteWriter writer(encoded);
    writer.varint(event.revision);
    writer.u8(static_cast<std::uint8_t>(event.type));
    encode_key_value(writer, event.key_value);
    hash = fnv1a(encoded, hash);
  }
  return hash;
}

// Layout: [compacted_revision varint][count varint] then per event:
//   [revision varint][type u8][key value (encode_key_value)]
void EventLog::encode(ByteWriter& writer) const {
  writer.varint(compacted_revision_);
  writer.varint(events_.size());
  for (const Event& event : events_) {
    writer.varint(event.revision);
    writer.u8(static_cast<std::uint8_t>(event.type));
    encode_key_value(writer, event.key_value);
  }
}

std::optional<DecodeError> EventLog::decode(ByteReader& reader, std::uint64_t store_revision) {
  events_.clear();
  bytes_ = 0;
  std::uint64_t count = 0;
  if (!reader.varint(compacted_revision_) || !reader.varint(count)) {
    return reader.error("varint compacted revision and event count");
  }
  if (compacted_revision_ > store_revision) return reader.error("a compacted revision at most the store's revision");
  if (count > reader.remaining() / kMinEncodedEventBytes) {
    return reader.error("event count " + std::to_string(count) + " that fits in " +
                        std::to_string(reader.remaining()) + " bytes");
  }
  std::uint64_t previous = compacted_revision_;
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::size_t start = reader.offset();
    Event event;
    std::uint8_t type = 0;
    if (!reader.varint(event.revision) || !reader.u8(type) || !decode_key_value(reader, event.key_value)) {
      return reader.error("an event: revision, type and key");
    }
    if (type != static_cast<std::uint8_t>(EventType::Put) && type != static_cast<std::uint8_t>(EventType::Delete)) {
      return DecodeError{"event type 1 (put) or 2 (delete)", start};
    }
    event.type = static_cast<EventType>(type);
    if (event.revision <= previous || event.revision > store_revision) {
      return DecodeError{"event revisions increasing, above the compacted revision and at most the store's", start};
    }
    if (!validate_stored_key(event.key_value.key)) return DecodeError{"an event on a valid key", start};
    previous = event.revision;
    bytes_ += event_bytes(event);
    events_.push_back(std::move(event));
  }
  if (bytes_ > max_bytes_) {
    return reader.error("events of at most " + std::to_string(max_bytes_) + " bytes (" + std::to_string(bytes_) + ")");
  }
  return std::nullopt;
}

}  // namespace confman::kv
