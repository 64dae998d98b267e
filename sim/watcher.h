#pragma once
// Watch clients. Each keeps one watch open on a key or on the workload's
// namespace, at a random node, the way a real client holds an SSE stream:
// when the stream goes quiet for longer than the service's progress notices
// allow (the node crashed, a partition, a lost message broke the stream),
// and now and then for no reason at all, it drops it and resumes on another
// node from the revision after the last one it was told it had (SSE's
// Last-Event-ID). Only when that history is gone (Compacted) does it start
// over from the current revision, which begins a new segment.
//
// What it saw is kept per segment (check/watch_check.h): the watch checker
// requires every committed change to its keys in the segment's range,
// exactly once and in order, across all the crashes, leader changes,
// snapshots and resumptions in between.

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "core/service/request.h"
#include "core/util/random.h"
#include "check/watch_check.h"
#include "sim/event_queue.h"
#include "sim/scenario.h"
#include "sim/trace.h"

namespace confman::sim {

class Watcher {
 public:
  // Opens a watch at a node; the answer, the batches and the end come back
  // through on_response, on_batch and on_ended, in order (a stream).
  using OpenFn = std::function<void(int watcher, NodeId node, const service::Request& request)>;
  // The watcher abandons a stream: the node should forget it.
  using CloseFn = std::function<void(std::uint64_t watch_id)>;

  Watcher(int index, int node_count, const WorkloadOptions& options, TimeUs progress_interval_us, std::uint64_t seed,
          EventQueue& queue, Trace& trace, OpenFn open, CloseFn close);

  void start();
  // Stops reconnecting (the run is ending); what it has seen stays.
  void stop() { stopped_ = true; }
  void on_response(const service::Response& response);
  void on_batch(const service::WatchBatch& batch);
  void on_ended(std::uint64_t watch_id, service::Code code);

  const std::vector<check::WatchSegment>& segments() const { return segments_; }
  std::uint64_t events_received() const { return events_received_; }
  std::uint64_t resumptions() const { return resumptions_; }

  static constexpr int kFirstClientIndex = 0x4000;  // request ids: Client::request_id(kFirstClientIndex + index, ...)

 private:
  void open_stream();
  void abandon_and_resume(TimeUs after_us);
  void schedule_check();
  void check_stream();
  bool current(std::uint64_t watch_id) const { return stream_open_requested_ && watch_id == watch_id_; }

  int index_;
  int node_count_;
  Random random_;
  EventQueue& queue_;
  Trace& trace_;
  OpenFn open_;
  CloseFn close_;
  TimeUs idle_timeout_us_;
  std::string key_;
  bool prefix_ = false;
  bool stopped_ = false;
  std::uint64_t connections_ = 0;
  std::uint64_t watch_id_ = 0;
  bool stream_open_requested_ = false;
  bool stream_open_ = false;
  TimeUs last_heard_us_ = 0;
  TimeUs next_voluntary_reconnect_us_ = 0;
  std::vector<check::WatchSegment> segments_;  // the last is current, if position_ is set
  std::optional<std::uint64_t> position_;     // the last revision the current segment covers
  std::uint64_t events_received_ = 0;
  std::uint64_t resumptions_ = 0;
};

}  // namespace confman::sim
