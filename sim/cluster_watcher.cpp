#include "sim/cluster_watcher.h"

#include "core/util/assert.h"
#include "sim/workload.h"

namespace confman::sim {

namespace {
constexpr TimeUs kMoveMinUs = 1'000'000;
constexpr TimeUs kMoveMaxUs = 5'000'000;
constexpr TimeUs kRetryUs = 50'000;
}  // namespace

ClusterWatcher::ClusterWatcher(int index, int node_count, std::uint64_t seed, EventQueue& queue, OpenFn open,
                               CloseFn close)
    : index_(index), node_count_(node_count), random_(seed), queue_(queue), open_(std::move(open)), close_(std::move(close)) {}

void ClusterWatcher::open_stream() {
  if (stopped_) return;
  streams_ += 1;
  watch_id_ = Client::request_id(kFirstClientIndex + index_, streams_, 1);
  service::Request request;
  request.id = watch_id_;
  request.operation = service::Operation::WatchCluster;
  open_(kFirstClientIndex + index_, 1 + random_.below(static_cast<std::uint64_t>(node_count_)), request);
  // Now and then it moves to another node, whatever happened to this one.
  move_later(random_.between(kMoveMinUs, kMoveMaxUs));
}

void ClusterWatcher::move_later(TimeUs after_us) {
  queue_.schedule_after(after_us, [this, stream = streams_] {
    if (stream != streams_ || stopped_) return;
    close_(watch_id_);
    open_stream();
  });
}

void ClusterWatcher::on_response(const service::Response& response) {
  if (response.id != watch_id_ || response.code == service::Code::Ok) return;
  CONFMAN_ASSERT(response.code == service::Code::TooManyWatches || response.code == service::Code::Stopped,
                 std::string("a cluster watch was refused as ") + service::code_name(response.code));
  close_(watch_id_);
  streams_ += 1;  // the scheduled move is void; retry soon
  queue_.schedule_after(kRetryUs, [this, stream = streams_] {
    if (stream == streams_) open_stream();
  });
}

void ClusterWatcher::on_event(std::uint64_t watch_id, const service::ClusterState& state) {
  if (watch_id != watch_id_) return;
  observations_.push_back(check::ClusterObservation{.watcher = index_,
                                                    .stream = streams_,
                                                    .node = state.node,
                                                    .leader_role = state.role == raft::Role::Leader,
                                                    .term = state.term,
                                                    .leader = state.leader,
                                                    .time_us = queue_.now_us()});
}

void ClusterWatcher::on_ended(std::uint64_t watch_id, service::Code) {
  if (watch_id != watch_id_) return;
  close_(watch_id_);
  streams_ += 1;
  queue_.schedule_after(kRetryUs, [this, stream = streams_] {
    if (stream == streams_) open_stream();
  });
}

}  // namespace confman::sim
