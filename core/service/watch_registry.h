#pragma once
// The watches open on one node, served from the store's event log
// (core/kv/event_log.h). A watch delivers every event on its key (or under its
// namespace) from its start revision on, in revision order, exactly once:
// after each delivery it remembers the next revision it needs, so a store
// that moves on, or is replaced by a snapshot, never makes it skip or repeat
// one. If the events it needs are gone (a snapshot from the leader whose log
// starts later), it ends with Compacted: the client then re-reads and
// watches again. Keys in the reserved namespace are never delivered.
//
// Bounded: at most max_watches at once. Delivery is batched, a batch at most
// kMaxWatchBatchBytes of events; the embedding bounds what it buffers per
// watch (the HTTP stream buffer) and closes a watch that does not keep up.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "core/kv/store.h"
#include "core/service/request.h"

namespace confman::service {

constexpr std::size_t kMaxWatchBatchBytes = 1 << 20;

class WatchRegistry {
 public:
  explicit WatchRegistry(std::size_t max_watches) : max_watches_(max_watches) {}

  // Opens the watch of a validated request, or says why not: Compacted,
  // TooManyWatches or Invalid (an id already in use). deliver() then sends
  // what the log already holds for it.
  std::optional<Response> open(const Request& request, const kv::Store& store);
  void cancel(std::uint64_t watch_id) { watches_.erase(watch_id); }
  // Delivers every new event to every watch; ends the watches whose events
  // are gone.
  void deliver(const kv::Store& store, ServiceOutput& output);
  // A progress notice (an empty batch) to every watch.
  void send_progress(const kv::Store& store, ServiceOutput& output);
  void end_all(Code code, const std::string& detail, ServiceOutput& output);
  std::size_t size() const { return watches_.size(); }

 private:
  struct Watch {
    std::string key;  // or namespace, with prefix
    bool prefix = false;
    std::uint64_t next_revision = 0;  // the first revision not yet delivered
  };
  bool matches(const Watch& watch, const kv::Event& event) const;
  // false when the watch's events are gone (it must end).
  bool deliver_one(std::uint64_t watch_id, Watch& watch, const kv::Store& store, ServiceOutput& output);

  std::size_t max_watches_;
  std::map<std::uint64_t, Watch> watches_;  // by id; ordered, so delivery order is deterministic
};

}  // namespace confman::service
