#include "real/server/watch_hub.h"

#include <boost/json.hpp>

#include <algorithm>

namespace confman::real {

std::string sse_event(const std::string& event, const std::string& data, std::uint64_t id) {
  std::string text;
  if (id != 0) text += "id: " + std::to_string(id) + "\n";
  text += "event: " + event + "\ndata: " + data + "\n\n";
  return text;
}

std::string watch_event_json(const WatchEvent& event) {
  boost::json::object object{{"type", event.deleted ? "delete" : "put"},
                             {"key", event.key_value.key},
                             {"revision", event.revision},
                             {"modRevision", event.key_value.mod_revision},
                             {"createRevision", event.key_value.create_revision},
                             {"version", event.key_value.version}};
  if (!event.deleted) {
    boost::system::error_code error;
    boost::json::value value = boost::json::parse(event.key_value.value, error);
    object["value"] = error ? boost::json::value(event.key_value.value) : std::move(value);
  }
  return boost::json::serialize(object);
}

void WatchHub::reset_history(std::uint64_t revision) {
  history_.clear();
  floor_ = revision;
}

bool WatchHub::matches(const Watcher& watcher, const std::string& key) const {
  if (!watcher.prefix) return key == watcher.key;
  return key.compare(0, watcher.key.size(), watcher.key) == 0;
}

void WatchHub::drop_closed() {
  std::erase_if(watchers_, [](const Watcher& watcher) { return !watcher.stream->open(); });
  std::erase_if(cluster_watchers_, [](const auto& stream) { return !stream->open(); });
}

WatchHub::Start WatchHub::add(std::shared_ptr<http::Exchange> stream, std::string key, bool prefix,
                              std::uint64_t from_revision, std::uint64_t current_revision) {
  drop_closed();
  if (from_revision != 0 && from_revision <= floor_) return Start::Compacted;
  if (watchers() >= kMaxWatchers) return Start::TooMany;
  stream->start_stream({});
  const std::uint64_t first_wanted = from_revision != 0 ? from_revision : current_revision + 1;
  Watcher watcher{std::move(stream), std::move(key), prefix, first_wanted};
  if (from_revision == 0) {
    watcher.stream->send(sse_event("progress", "{\"revision\":" + std::to_string(current_revision) + "}"));
  }
  for (const WatchEvent& event : history_) {
    if (event.revision >= first_wanted && matches(watcher, event.key_value.key)) {
      watcher.stream->send(sse_event(event.deleted ? "delete" : "put", watch_event_json(event), event.revision));
    }
  }
  watchers_.push_back(std::move(watcher));
  return Start::Ok;
}

void WatchHub::add_cluster_watcher(std::shared_ptr<http::Exchange> stream, const std::string& current_state_json) {
  drop_closed();
  stream->start_stream({});
  stream->send(sse_event("cluster", current_state_json));
  cluster_watchers_.push_back(std::move(stream));
}

void WatchHub::publish(const WatchEvent& event) {
  history_.push_back(event);
  if (history_.size() > kMaxHistory) {
    floor_ = history_.front().revision;
    history_.pop_front();
  }
  drop_closed();
  const std::string text = sse_event(event.deleted ? "delete" : "put", watch_event_json(event), event.revision);
  for (Watcher& watcher : watchers_) {
    if (event.revision >= watcher.from_revision && matches(watcher, event.key_value.key)) {
      watcher.stream->send(text);
      watcher.from_revision = event.revision + 1;  // a replayed event is sent once
    }
  }
}

void WatchHub::publish_cluster(const std::string& state_json) {
  drop_closed();
  const std::string text = sse_event("cluster", state_json);
  for (auto& stream : cluster_watchers_) stream->send(text);
}

void WatchHub::send_progress(std::uint64_t revision) {
  drop_closed();
  const std::string text = sse_event("progress", "{\"revision\":" + std::to_string(revision) + "}");
  for (Watcher& watcher : watchers_) watcher.stream->send(text);
  for (auto& stream : cluster_watchers_) stream->send(": keep-alive\n\n");
}

}  // namespace confman::real
