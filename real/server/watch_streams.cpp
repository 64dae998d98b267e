#include "real/server/watch_streams.h"

#include <boost/json.hpp>

#include <algorithm>

namespace confman::real {

std::string sse_event(const std::string& event, const std::string& data, std::uint64_t id) {
  std::string text;
  if (id != 0) text += "id: " + std::to_string(id) + "\n";
  text += "event: " + event + "\ndata: " + data + "\n\n";
  return text;
}

std::string watch_event_json(const kv::Event& event) {
  const kv::KeyValue& item = event.key_value;
  boost::json::object object{{"type", kv::event_type_name(event.type)},
                             {"key", item.key},
                             {"revision", event.revision},
                             {"modRevision", item.mod_revision},
                             {"createRevision", item.create_revision},
                             {"version", item.version}};
  if (event.type == kv::EventType::Put) {
    boost::system::error_code error;
    boost::json::value value = boost::json::parse(item.value, error);
    object["value"] = error ? boost::json::value(item.value) : std::move(value);
  }
  return boost::json::serialize(object);
}

namespace {
std::string progress_json(std::uint64_t revision) { return "{\"revision\":" + std::to_string(revision) + "}"; }
}  // namespace

void WatchStreams::watch_close(std::uint64_t watch_id, const std::shared_ptr<http::Exchange>& stream) {
  // The client leaving ends the watch in the request layer.
  stream->on_close([self = std::weak_ptr<WatchStreams*>(self_), watch_id] {
    auto alive = self.lock();
    if (!alive) return;
    WatchStreams& streams = **alive;
    const bool known = streams.streams_.erase(watch_id) + streams.cluster_streams_.erase(watch_id) != 0;
    if (known) streams.cancel_later_(watch_id);
  });
}

void WatchStreams::open(std::uint64_t watch_id, std::shared_ptr<http::Exchange> stream,
                        std::optional<std::uint64_t> starts_after) {
  stream->start_stream({});
  if (starts_after) stream->send(sse_event("progress", progress_json(*starts_after)));
  watch_close(watch_id, stream);
  streams_[watch_id] = std::move(stream);
}

void WatchStreams::send(const service::WatchBatch& batch) {
  auto found = streams_.find(batch.watch_id);
  if (found == streams_.end()) return;
  http::Exchange& stream = *found->second;
  if (!stream.open()) {
    streams_.erase(found);
    cancel_later_(batch.watch_id);
    return;
  }
  if (batch.events.empty()) {
    stream.send(sse_event("progress", progress_json(batch.through_revision)));
    return;
  }
  std::string text;
  for (const kv::Event& event : batch.events) {
    text += sse_event(kv::event_type_name(event.type), watch_event_json(event), event.revision);
  }
  stream.send(std::move(text));
}

void WatchStreams::end(std::uint64_t watch_id, const std::string& reason) {
  auto found = streams_.find(watch_id);
  if (found == streams_.end()) return;
  auto stream = std::move(found->second);
  streams_.erase(found);
  boost::json::object body{{"reason", reason}};
  stream->send(sse_event("end", boost::json::serialize(body)));
  stream->end();
}

void WatchStreams::open_cluster(std::uint64_t watch_id, std::shared_ptr<http::Exchange> stream) {
  stream->start_stream({});
  watch_close(watch_id, stream);
  cluster_streams_[watch_id] = std::move(stream);
}

void WatchStreams::send_cluster(std::uint64_t watch_id, const std::string& state_json) {
  auto found = cluster_streams_.find(watch_id);
  if (found == cluster_streams_.end()) return;
  if (!found->second->open()) {
    cluster_streams_.erase(found);
    cancel_later_(watch_id);
    return;
  }
  found->second->send(sse_event("cluster", state_json));
}

void WatchStreams::keep_cluster_streams_alive() {
  for (auto& [watch_id, stream] : cluster_streams_) {
    if (stream->open()) stream->send(": keep-alive\n\n");
  }
}

}  // namespace confman::real
