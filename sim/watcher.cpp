#include "sim/watcher.h"

#include <algorithm>

#include "core/util/assert.h"
#include "sim/workload.h"

namespace confman::sim {

namespace {
constexpr TimeUs kRetryBackoffUs = 50'000;
constexpr TimeUs kVoluntaryReconnectMinUs = 1'000'000;
constexpr TimeUs kVoluntaryReconnectMaxUs = 5'000'000;
}  // namespace

Watcher::Watcher(int index, int node_count, const WorkloadOptions& options, TimeUs progress_interval_us,
                 std::uint64_t seed, EventQueue& queue, Trace& trace, OpenFn open, CloseFn close)
    : index_(index),
      node_count_(node_count),
      random_(seed),
      queue_(queue),
      trace_(trace),
      open_(std::move(open)),
      close_(std::move(close)),
      idle_timeout_us_(3 * progress_interval_us) {
  // Mostly the whole namespace; now and then one key.
  prefix_ = !random_.chance(1, 3);
  key_ = prefix_ ? "/k/" : "/k/" + std::to_string(random_.below(static_cast<std::uint64_t>(options.keys)));
}

void Watcher::start() {
  open_stream();
  schedule_check();
}

void Watcher::open_stream() {
  if (stopped_) return;
  connections_ += 1;
  watch_id_ = Client::request_id(kFirstClientIndex + index_, connections_, 1);
  stream_open_requested_ = true;
  stream_open_ = false;
  last_heard_us_ = queue_.now_us();
  next_voluntary_reconnect_us_ = queue_.now_us() + random_.between(kVoluntaryReconnectMinUs, kVoluntaryReconnectMaxUs);
  service::Request request;
  request.id = watch_id_;
  request.operation = service::Operation::Watch;
  request.key = key_;
  request.watch_prefix = prefix_;
  request.from_revision = position_ ? *position_ + 1 : 0;
  const NodeId node = 1 + random_.below(static_cast<std::uint64_t>(node_count_));
  trace_.event(queue_.now_us(), TraceKind::Watch, node)
      .field("watcher", index_)
      .field("action", position_ ? "resume" : "open")
      .field("from", static_cast<std::int64_t>(request.from_revision));
  open_(index_, node, request);
}

void Watcher::on_response(const service::Response& response) {
  if (!current(response.id)) return;
  last_heard_us_ = queue_.now_us();
  switch (response.code) {
    case service::Code::Ok:
      stream_open_ = true;
      if (!position_) {
        position_ = response.revision;
        segments_.push_back(check::WatchSegment{.watcher = index_,
                                                .key = key_,
                                                .prefix = prefix_,
                                                .start_revision = response.revision + 1,
                                                .through_revision = response.revision,
                                                .received = {}});
      }
      return;
    case service::Code::Compacted:
      // The history it needs is gone: start over from now, a new segment.
      trace_.event(queue_.now_us(), TraceKind::Watch, 0).field("watcher", index_).field("action", "compacted");
      position_.reset();
      abandon_and_resume(0);
      return;
    case service::Code::TooManyWatches:
    case service::Code::Stopped:
    case service::Code::Busy: abandon_and_resume(kRetryBackoffUs); return;
    default:
      CONFMAN_ASSERT(false, std::string("a watch was refused as ") + service::code_name(response.code) + ": " +
                                response.detail);
  }
}

void Watcher::on_batch(const service::WatchBatch& batch) {
  if (!current(batch.watch_id) || !stream_open_) return;
  last_heard_us_ = queue_.now_us();
  check::WatchSegment& segment = segments_.back();
  for (const kv::Event& event : batch.events) {
    segment.received.push_back(check::CommittedChange{.revision = event.revision,
                                                      .key = event.key_value.key,
                                                      .deleted = event.type == kv::EventType::Delete,
                                                      .value = event.type == kv::EventType::Put ? event.key_value.value
                                                                                                : std::string(),
                                                      .create_revision = event.key_value.create_revision,
                                                      .version = event.key_value.version});
  }
  events_received_ += batch.events.size();
  position_ = std::max(*position_, batch.through_revision);
  segment.through_revision = *position_;
}

void Watcher::on_ended(std::uint64_t watch_id, service::Code code) {
  if (!current(watch_id)) return;
  trace_.event(queue_.now_us(), TraceKind::Watch, 0).field("watcher", index_).field("action", service::code_name(code));
  if (code == service::Code::Compacted) position_.reset();
  abandon_and_resume(kRetryBackoffUs);
}

void Watcher::abandon_and_resume(TimeUs after_us) {
  if (stream_open_requested_) close_(watch_id_);
  stream_open_requested_ = false;
  stream_open_ = false;
  if (stopped_) return;
  resumptions_ += 1;
  queue_.schedule_after(after_us, [this, connection = connections_] {
    if (connections_ == connection && !stream_open_requested_) open_stream();
  });
}

void Watcher::schedule_check() {
  queue_.schedule_after(idle_timeout_us_ / 3, [this] { check_stream(); });
}

// A stream that has gone quiet for longer than the progress notices allow
// is broken; a healthy one is dropped now and then all the same, so that
// resumption is exercised everywhere.
void Watcher::check_stream() {
  if (stopped_) return;
  const TimeUs now_us = queue_.now_us();
  if (stream_open_requested_ && now_us - last_heard_us_ > idle_timeout_us_) {
    abandon_and_resume(0);
  } else if (stream_open_ && now_us >= next_voluntary_reconnect_us_) {
    abandon_and_resume(0);
  }
  schedule_check();
}

}  // namespace confman::sim
