#pragma once
// The open Server-Sent Events streams of this server: key watches, whose
// events come from the request layer (core/service/watch_registry.h: the
// replicated event log, so a watch resumes after a restart or on another
// node with Last-Event-ID), and cluster watches, fed by the node's status
// and membership changes. This class only formats and sends: which events a
// watch gets is decided in core/, where the simulator runs it.
//
// A stream whose client has gone, or reads so slowly that the HTTP server's
// stream buffer (http::Limits::max_stream_buffer_bytes) fills, is closed;
// the key watch it carried is then cancelled in the request layer (posted,
// never from inside the layer's own call).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/service/request.h"
#include "real/http/http_server.h"

namespace confman::real {

// One SSE event: "id: ..\nevent: ..\ndata: ..\n\n".
std::string sse_event(const std::string& event, const std::string& data, std::uint64_t id = 0);
std::string watch_event_json(const kv::Event& event);

class WatchStreams {
 public:
  // Cancels a key watch in the request layer, later (cancel_later).
  using CancelFn = std::function<void(std::uint64_t watch_id)>;
  explicit WatchStreams(CancelFn cancel_later) : cancel_later_(std::move(cancel_later)) {}

  // The watch's stream opens. A watch from the next change on (no start
  // revision) first gets a progress event naming the revision it starts
  // after, so a client that drops before any event knows where to resume.
  void open(std::uint64_t watch_id, std::shared_ptr<http::Exchange> stream, std::optional<std::uint64_t> starts_after);
  void send(const service::WatchBatch& batch);
  void end(std::uint64_t watch_id, const std::string& reason);
  // A cluster watch's stream opens; its events come from the request layer
  // too (the first one at once: the node's view now).
  void open_cluster(std::uint64_t watch_id, std::shared_ptr<http::Exchange> stream);
  void send_cluster(std::uint64_t watch_id, const std::string& state_json);
  void keep_cluster_streams_alive();
  std::size_t key_watches() const { return streams_.size(); }
  std::size_t cluster_watches() const { return cluster_streams_.size(); }

 private:
  void watch_close(std::uint64_t watch_id, const std::shared_ptr<http::Exchange>& stream);
  // Both kinds share one id space (the request ids of the watches).
  std::map<std::uint64_t, std::shared_ptr<http::Exchange>> streams_;
  std::map<std::uint64_t, std::shared_ptr<http::Exchange>> cluster_streams_;
  CancelFn cancel_later_;
  // Close callbacks may run after this object is gone (connections close
  // while the server shuts down): they hold this weakly.
  std::shared_ptr<WatchStreams*> self_ = std::make_shared<WatchStreams*>(this);
};

}  // namespace confman::real
