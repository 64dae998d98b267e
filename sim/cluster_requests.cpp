// How requests, answers and watch streams travel between clients and the
// cluster's request layers.
//
// A client's request crosses the network to the node it chose. A follower
// that forwards it to the leader sends it over the node-to-node network (a
// partition between them loses it), and the leader's answer goes back
// through the follower, whose request layer says whether to relay it to the
// client (it may have re-routed the request to a newer leader meanwhile), as
// the real server's HTTP forwarding does: if the follower crashed in
// between, the answer is lost with its connection. A forward that finds the
// leader down is refused, as a connection to a dead process is, and the
// follower hears so (ForwardFailure::NotSent); a paused leader takes the
// request and answers only when it runs again. Answers for the operator and the liveness probe
// are consumed where the node gives them (ClientSink::Path::Direct).
//
// A watch is a stream. Its messages (the answer to the watch request, event
// batches, the end) leave the node in order and arrive in order, each no
// earlier than the one before it, like the bytes of one TCP connection. If
// the network loses one, the stream is broken from then on: nothing more
// arrives, and the node drops the watch, as a server whose connection
// failed would. The watcher notices the silence and resumes on another
// node. Duplicates are delivered once.

#include "sim/cluster.h"
#include "sim/process/host.h"
#include "sim/workload.h"

namespace confman::sim {

void Cluster::add_client(int index, ClientSink sink) { sinks_[index] = std::move(sink); }

const ClientSink& Cluster::sink_of(std::uint64_t request_id) const {
  auto found = sinks_.find(Client::client_of(request_id));
  CONFMAN_ASSERT(found != sinks_.end(), "an answer for a client the cluster does not know");
  return found->second;
}

void Cluster::send_request(int index, NodeId node, const service::Request& request) {
  send_to(kClientEndpointBase + static_cast<EndpointId>(index), node,
          [this, node, request] { deliver_request(node, request); });
}

void Cluster::route_response(NodeId from, const service::Response& response) {
  auto forwarded = forwarded_.find({from, response.id});
  if (forwarded == forwarded_.end()) {
    deliver_response(from, response);
    return;
  }
  const Forwarded via = forwarded->second;
  forwarded_.erase(forwarded);
  // Back to the follower that forwarded it, which relays it if it is still
  // the process that held the client's connection.
  on_origin(from, via, [this, from, via, response](Host& origin) {
    const bool relay = origin.service->forward_answered(response.id, from, origin.local_now(now_us()));
    after_node_input(origin);
    if (relay) deliver_response(via.origin, response);
  });
}

void Cluster::deliver_response(NodeId from, const service::Response& response) {
  const int client = Client::client_of(response.id);
  const ClientSink& sink = sink_of(response.id);
  switch (sink.path) {
    case ClientSink::Path::Direct: sink.on_response(response); return;
    case ClientSink::Path::Stream:
      send_on_stream(response.id, [&sink, response] { sink.on_response(response); });
      return;
    case ClientSink::Path::Network:
      send_to(from, kClientEndpointBase + static_cast<EndpointId>(client),
              [&sink, response] { sink.on_response(response); });
      return;
  }
}

void Cluster::forward_request(NodeId from, NodeId leader, const service::Request& request) {
  forwards_ += 1;
  trace_.event(now_us(), TraceKind::Forward, from)
      .field("to", static_cast<std::int64_t>(leader))
      .field("op", service::operation_name(request.operation));
  const std::uint64_t origin_incarnation = sim_node(from).incarnation;
  send_to(from, leader, [this, from, origin_incarnation, leader, request] {
    Host& target = sim_node(leader);
    if (!target.up()) {
      refuse_forward(from, origin_incarnation, leader, request.id);
      return;
    }
    forwarded_[{leader, request.id}] = Forwarded{from, origin_incarnation};
    deliver_request(leader, request);
  });
}

// The connection to a down node is refused: the refusal travels back.
void Cluster::refuse_forward(NodeId origin_id, std::uint64_t origin_incarnation, NodeId leader,
                             std::uint64_t request_id) {
  on_origin(leader, Forwarded{origin_id, origin_incarnation}, [this, leader, request_id](Host& origin) {
    origin.service->forward_failed(request_id, leader, service::ForwardFailure::NotSent, "connection refused",
                                   origin.local_now(now_us()));
    after_node_input(origin);
  });
}

// Across the network from `from` to the follower that forwarded a request,
// then on it, if it is still the process that forwarded it (a restarted one
// holds no forwards).
void Cluster::on_origin(NodeId from, Forwarded via, std::function<void(Host&)> action) {
  send_to(from, via.origin, [this, via, action = std::move(action)] {
    Host& origin = sim_node(via.origin);
    if (!origin.up() || origin.incarnation != via.origin_incarnation) return;
    run_on_node(origin, [&origin, via, action] {
      if (origin.up() && origin.incarnation == via.origin_incarnation) action(origin);
    });
  });
}

void Cluster::open_watch(int index, NodeId node, const service::Request& request) {
  streams_[request.id] = Stream{.node = node};
  send_to(kClientEndpointBase + static_cast<EndpointId>(index), node, [this, node, request] {
    auto stream = streams_.find(request.id);
    // Closed by the watcher before it arrived, or a duplicate.
    if (stream == streams_.end() || stream->second.reached) return;
    Host& target = sim_node(node);
    if (!target.up()) return;
    stream->second.reached = true;
    stream->second.incarnation = target.incarnation;
    deliver_request(node, request);
  });
}

void Cluster::close_watch(std::uint64_t watch_id) {
  auto stream = streams_.find(watch_id);
  if (stream == streams_.end()) return;
  const Stream closed = stream->second;
  streams_.erase(stream);
  if (!closed.reached) return;
  // The node hears of it when it next runs (never from inside its own call).
  queue_.schedule_after(0, [this, closed, watch_id] {
    Host& target = sim_node(closed.node);
    if (!target.up() || target.incarnation != closed.incarnation) return;
    run_on_node(target, [&target, watch_id] {
      if (target.up()) target.service->cancel_watch(watch_id);
    });
  });
}

void Cluster::send_on_stream(std::uint64_t watch_id, std::function<void()> deliver) {
  auto found = streams_.find(watch_id);
  if (found == streams_.end() || found->second.broken) return;
  Stream& stream = found->second;
  const int client = Client::client_of(watch_id);
  const SimNetwork::Plan plan = network_.plan(stream.node, kClientEndpointBase + static_cast<EndpointId>(client));
  if (plan.copies == 0) {
    stream.broken = true;  // the connection is gone; the watcher will notice the silence
    trace_.event(now_us(), TraceKind::Watch, stream.node).field("action", "stream-broken");
    return;
  }
  const TimeUs at_us = std::max(now_us() + plan.delay_us[0], stream.last_delivery_us);
  stream.last_delivery_us = at_us;
  queue_.schedule_at(at_us, [this, watch_id, deliver = std::move(deliver)] {
    auto stream_now = streams_.find(watch_id);
    if (stream_now == streams_.end()) return;  // the watcher has moved on
    deliver();
  });
}

void Cluster::record_committed(NodeId node, const kv::WriteRequest& request, const kv::WriteResult& result) {
  if (request.client_id != 0 && result.status != kv::Status::StaleSequence) {
    applied_sessions_.emplace(std::make_pair(request.client_id, request.sequence), result);
  }
  if (result.status != kv::Status::Ok || !result.key_value) return;
  const bool deleted = request.command.type == kv::CommandType::Delete ||
                       request.command.type == kv::CommandType::CompareAndDelete;
  check::CommittedChange change{.revision = result.revision,
                                .key = result.key_value->key,
                                .deleted = deleted,
                                .value = deleted ? std::string() : result.key_value->value,
                                .create_revision = deleted ? 0 : result.key_value->create_revision,
                                .version = deleted ? 0 : result.key_value->version};
  const auto& changes = committed_.changes();
  auto known = changes.find(change.revision);
  if (known == changes.end()) {
    if (change.revision > committed_.last_revision()) committed_.add(std::move(change));
    return;
  }
  if (!(known->second == change)) {
    invariants_.fail(ViolationKind::StateMachineSafety, now_us(),
                     "node " + std::to_string(node) + " applied a different change at revision " +
                         std::to_string(change.revision) + " than an earlier replica");
  }
}

}  // namespace confman::sim
