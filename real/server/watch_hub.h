#pragma once
// Watches as Server-Sent Events. The hub keeps the most recent applied
// writes (at most kMaxHistory) so a watch can start from a past revision or
// resume after a disconnect (Last-Event-ID); a start older than what is kept
// is refused (410 Gone), like etcd's compacted revisions. Each watcher is an
// open HTTP stream; a client that reads too slowly is disconnected by the
// HTTP server's stream buffer limit, and a disconnected watcher is dropped.

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "core/kv/command.h"
#include "real/http/http_server.h"

namespace confman::real {

struct WatchEvent {
  std::uint64_t revision = 0;
  bool deleted = false;
  kv::KeyValue key_value;  // for a delete: the key as it was before
};

// One SSE event: "id: ..\nevent: ..\ndata: ..\n\n".
std::string sse_event(const std::string& event, const std::string& data, std::uint64_t id = 0);
std::string watch_event_json(const WatchEvent& event);

class WatchHub {
 public:
  static constexpr std::size_t kMaxHistory = 10'000;
  static constexpr std::size_t kMaxWatchers = 4096;

  // Events after `revision` are all kept from now on (start-up).
  void reset_history(std::uint64_t revision);
  // Starts a watch of `key` (or every key under it, if prefix) from
  // from_revision (0: from the next write; the stream then opens with a
  // progress event naming current_revision, so a client that drops before
  // any event knows where to resume). Fails if events it needs are no
  // longer kept (410), or too many watchers are open (503).
  enum class Start { Ok, Compacted, TooMany };
  Start add(std::shared_ptr<http::Exchange> stream, std::string key, bool prefix, std::uint64_t from_revision,
            std::uint64_t current_revision);
  void add_cluster_watcher(std::shared_ptr<http::Exchange> stream, const std::string& current_state_json);

  void publish(const WatchEvent& event);
  void publish_cluster(const std::string& state_json);
  void send_progress(std::uint64_t revision);  // to every key watcher
  std::uint64_t history_floor() const { return floor_; }
  std::size_t watchers() const { return watchers_.size() + cluster_watchers_.size(); }

 private:
  struct Watcher {
    std::shared_ptr<http::Exchange> stream;
    std::string key;
    bool prefix = false;
    // Events below this are not for this watcher: a node replaying its log
    // after a restart publishes old revisions again.
    std::uint64_t from_revision = 0;
  };
  bool matches(const Watcher& watcher, const std::string& key) const;
  void drop_closed();

  std::deque<WatchEvent> history_;
  std::uint64_t floor_ = 0;  // every event with a revision above this is in history_
  std::vector<Watcher> watchers_;
  std::vector<std::shared_ptr<http::Exchange>> cluster_watchers_;
};

}  // namespace confman::real
