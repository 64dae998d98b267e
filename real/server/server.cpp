#include "real/server/server.h"

#include <boost/asio.hpp>
#include <boost/json.hpp>

#include <cstdio>

#include "core/util/assert.h"
#include "real/server/fd_budget.h"
#include "real/server/member_record.h"
#include "real/server/server_api.h"

namespace confman::real {

namespace asio = boost::asio;

namespace {
constexpr auto kKeepAliveInterval = std::chrono::seconds(10);
constexpr TimeUs kWatchProgressIntervalUs = 10'000'000;

// Times every storage write for the fsync histogram.
class TimedStorage final : public node::Storage {
 public:
  TimedStorage(std::unique_ptr<node::Storage> inner, Histogram& histogram)
      : inner_(std::move(inner)), histogram_(histogram) {}
  Result<node::StoredState, node::StorageError> load() override { return inner_->load(); }
  void write(node::WriteBatch batch, std::function<void(node::StorageStatus)> on_complete) override {
    const auto started = std::chrono::steady_clock::now();
    inner_->write(std::move(batch), [this, started, on_complete = std::move(on_complete)](node::StorageStatus status) {
      histogram_.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      on_complete(status);
    });
  }

 private:
  std::unique_ptr<node::Storage> inner_;
  Histogram& histogram_;
};
}  // namespace

struct ConfmanServer::Runtime {
  explicit Runtime(asio::io_context& io) : core_timer(io), keep_alive_timer(io) {}
  asio::steady_timer core_timer;
  asio::steady_timer keep_alive_timer;
  TimeUs armed_for_us = -1;
};

ConfmanServer::ConfmanServer(asio::io_context& io, ServerConfig config)
    : io_(io),
      config_(std::move(config)),
      started_at_(std::chrono::steady_clock::now()),
      watch_streams_([this](std::uint64_t watch_id) {
        // Never from inside the request layer's own call.
        asio::post(io_, [this, watch_id] {
          if (stopped_) return;
          service_->cancel_watch(watch_id);
        });
      }) {
  runtime_ = std::make_unique<Runtime>(io);
}

ConfmanServer::~ConfmanServer() { stop(); }

TimeUs ConfmanServer::now_us() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started_at_).count();
}

void ConfmanServer::log(const std::string& event, const std::string& fields) const {
  // One line per event, logfmt, to stderr.
  std::fprintf(stderr, "t_ms=%lld node=%llu event=%s %s\n", static_cast<long long>(now_us() / 1000),
               static_cast<unsigned long long>(config_.id), event.c_str(), fields.c_str());
}

Result<std::unique_ptr<ConfmanServer>, std::string> ConfmanServer::start(asio::io_context& io, ServerConfig config,
                                                                         std::unique_ptr<node::Storage> storage) {
  if (auto valid = validate(config); !valid) return unexpected(valid.error());
  std::unique_ptr<ConfmanServer> server(new ConfmanServer(io, std::move(config)));
  ConfmanServer& self = *server;
  const ServerConfig& cfg = self.config_;
  for (const MemberAddress& member : cfg.members) self.addresses_[member.id] = member;
  if (cfg.members.empty()) self.addresses_[cfg.id] = MemberAddress{cfg.id, cfg.peer_listen, cfg.client_listen};

  self.map_usage_ = dynamic_cast<const ReportsMapUsage*>(storage.get());
  self.storage_ = std::make_unique<TimedStorage>(std::move(storage), self.metrics_.fsync_seconds);
  auto transport = TcpTransport::start(io, cfg.peer_listen, [&self](Bytes frame) { self.on_frame(std::move(frame)); });
  if (!transport) return unexpected(transport.error());
  self.transport_ = std::move(transport).value();

  node::NodeConfig node_config;
  node_config.raft.id = cfg.id;
  if (!cfg.join) {
    for (const auto& [id, member] : self.addresses_) node_config.raft.voters.push_back(id);
  }
  node_config.raft.election_timeout_us = static_cast<TimeUs>(cfg.election_timeout_ms) * 1000;
  node_config.raft.heartbeat_interval_us = static_cast<TimeUs>(cfg.heartbeat_interval_ms) * 1000;
  node_config.snapshot_threshold_entries = cfg.snapshot_threshold_entries;
  node_config.snapshot_threshold_bytes = cfg.snapshot_threshold_bytes;
  node_config.snapshot_trailing_bytes = cfg.snapshot_trailing_bytes;
  node_config.snapshot_log_ratio_percent = cfg.snapshot_log_ratio_percent;
  node_config.seed = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^ cfg.id;
  service::ServiceConfig service_config;
  service_config.read_wait_timeout_us = static_cast<TimeUs>(cfg.read_wait_timeout_ms) * 1000;
  service_config.watch_progress_interval_us = kWatchProgressIntervalUs;
  self.service_ = std::make_unique<service::Service>(
      service_config, node_config, node::Env{self.storage_.get(), self.transport_.get(), nullptr, &self}, self);
  auto started = self.service_->start(self.now_us());
  if (!started) return unexpected("cannot start from the data in " + cfg.data_dir + ": " + started.error().detail);
  self.learn_member_addresses(self.node().membership());
  if (self.node().status().recovering) {
    self.log("recovering", "detail=\"a repair cut this node's log: it neither votes nor campaigns until it holds the "
                           "leader's log again\"");
  }
  // A lone voter's first election is due now (Raft::set_first_election_deadline):
  // hold it before the client port opens, so the first request finds a leader.
  self.service_->tick(self.now_us());

  const DescriptorBudget descriptors = plan_descriptors(cfg.max_connections);
  if (descriptors.max_connections <= cfg.reserved_connections) {
    return unexpected("the file descriptor limit (" + std::to_string(descriptors.soft_limit) +
                      ") leaves room for " + std::to_string(descriptors.max_connections) +
                      " client connections, not more than --reserved-connections (" +
                      std::to_string(cfg.reserved_connections) + "); raise it (ulimit -n) to at least " +
                      std::to_string(kReservedDescriptors + cfg.reserved_connections + 16));
  }
  self.log("connections", descriptors.describe() + " requested_max_connections=" + std::to_string(cfg.max_connections) +
                              " reserved_connections=" + std::to_string(cfg.reserved_connections) +
                              " max_connections_per_address=" + std::to_string(cfg.max_connections_per_address));
  auto http = http::Server::start(io, cfg.client_listen, make_api_handler(self),
                                  http::Limits{.max_body_bytes = cfg.max_body_bytes,
                                               .request_timeout_ms = cfg.request_timeout_ms,
                                               .idle_timeout_ms = cfg.idle_timeout_ms,
                                               .max_connections = descriptors.max_connections,
                                               .reserved_connections = cfg.reserved_connections,
                                               .max_connections_per_address = cfg.max_connections_per_address},
                                  is_priority_request);
  if (!http) return unexpected(http.error());
  self.http_ = std::move(http).value();
  // Listening on port 0 picks a free port: record the one bound.
  MemberAddress& own = self.addresses_[cfg.id];
  own.id = cfg.id;
  if (own.peer.host.empty()) own.peer = cfg.peer_listen;
  if (own.client.host.empty()) own.client = cfg.client_listen;
  if (own.peer.port == 0) own.peer.port = self.peer_port();
  if (own.client.port == 0) own.client.port = self.client_port();
  self.log("started", "peer_port=" + std::to_string(self.peer_port()) + " client_port=" +
                          std::to_string(self.client_port()) + " data_dir=" + cfg.data_dir + " revision=" +
                          std::to_string(self.node().store().revision()) + " membership=\"" +
                          self.node().membership().describe() + "\"");
  self.after_input();
  self.arm_keep_alive_timer();
  return server;
}

// Key watches get progress events from the request layer; cluster watches
// get a comment now and then, so that an idle stream is seen to be alive.
void ConfmanServer::arm_keep_alive_timer() {
  runtime_->keep_alive_timer.expires_after(kKeepAliveInterval);
  runtime_->keep_alive_timer.async_wait([this](const boost::system::error_code& error) {
    if (error || stopped_) return;
    watch_streams_.keep_cluster_streams_alive();
    arm_keep_alive_timer();
  });
}

void ConfmanServer::stop() {
  if (stopped_) return;
  stopped_ = true;
  runtime_->core_timer.cancel();
  runtime_->keep_alive_timer.cancel();
  if (http_) http_->close();
  if (transport_) transport_->close();
  log("stopped", "");
}

std::uint16_t ConfmanServer::client_port() const { return http_ ? http_->port() : 0; }
std::uint16_t ConfmanServer::peer_port() const { return transport_ ? transport_->listening_port() : 0; }

const HostPort* ConfmanServer::client_address(NodeId id) const {
  auto found = addresses_.find(id);
  return found == addresses_.end() ? nullptr : &found->second.client;
}

const HostPort* ConfmanServer::peer_address(NodeId id) const {
  auto found = addresses_.find(id);
  return found == addresses_.end() ? nullptr : &found->second.peer;
}

void ConfmanServer::submit(service::Request request, ResponseHandler done, ForwardHandler forward) {
  if (stopped_) return;
  request.id = next_request_id_++;
  pending_.emplace(request.id, Pending{std::move(done), std::move(forward)});
  service_->handle(std::move(request), now_us());
  after_input();
}

void ConfmanServer::respond(service::Response response) {
  auto found = pending_.find(response.id);
  if (found == pending_.end()) return;
  ResponseHandler done = std::move(found->second.done);
  pending_.erase(found);
  done(response);
}

// The request stays pending: the request layer may re-route it, or answer
// it itself, before the leader does. Posted, because a forward that fails at
// once reports back to the request layer, never from inside its own call.
void ConfmanServer::forward(NodeId leader, const service::Request& request) {
  auto found = pending_.find(request.id);
  if (found == pending_.end()) return;
  ForwardHandler forward_to = found->second.forward;
  asio::post(io_, [forward_to = std::move(forward_to), leader, id = request.id] { forward_to(leader, id); });
}

void ConfmanServer::forward_ended(std::uint64_t request_id, NodeId leader, const http::ForwardReply& reply,
                                  const std::function<void()>& relay) {
  if (stopped_) return;
  switch (reply.kind) {
    case http::ForwardReply::Kind::Answered:
      if (service_->forward_answered(request_id, leader, now_us())) {
        pending_.erase(request_id);
        relay();
      }
      break;
    case http::ForwardReply::Kind::NotSent:
      service_->forward_failed(request_id, leader, service::ForwardFailure::NotSent, reply.detail, now_us());
      break;
    case http::ForwardReply::Kind::NoAnswer:
      service_->forward_failed(request_id, leader, service::ForwardFailure::NoAnswer, reply.detail, now_us());
      break;
  }
  after_input();
}

void ConfmanServer::open_watch_stream(std::uint64_t watch_id, std::shared_ptr<http::Exchange> stream,
                                      std::optional<std::uint64_t> starts_after) {
  watch_streams_.open(watch_id, std::move(stream), starts_after);
}

void ConfmanServer::watch_events(service::WatchBatch batch) { watch_streams_.send(batch); }

void ConfmanServer::cluster_event(std::uint64_t watch_id, const service::ClusterState& state) {
  watch_streams_.send_cluster(watch_id, cluster_state_json(*this, state));
}

void ConfmanServer::watch_ended(std::uint64_t watch_id, service::Code code, std::string detail) {
  watch_streams_.end(watch_id, std::string(service::code_name(code)) + ": " + detail);
}

void ConfmanServer::on_frame(Bytes frame) {
  if (stopped_) return;
  service_->receive(frame, now_us());
  after_input();
}

void ConfmanServer::after_input() {
  if (stopped_) return;
  if (node().stopped()) {
    log("fail-stop", "reason=\"" + node().stop_reason() + "\"");
    failed_ = true;
    stop();
    io_.stop();  // the process exits; an operator (or supervisor) restarts it from its disk
    return;
  }
  arm_timer();
}

void ConfmanServer::arm_timer() {
  const TimeUs deadline_us = service_->next_deadline_us();
  if (runtime_->armed_for_us == deadline_us) return;
  runtime_->armed_for_us = deadline_us;
  runtime_->core_timer.expires_after(std::chrono::microseconds(std::max<TimeUs>(0, deadline_us - now_us())));
  runtime_->core_timer.async_wait([this](const boost::system::error_code& error) {
    if (error || stopped_) return;
    on_timer();
  });
}

void ConfmanServer::on_timer() {
  runtime_->armed_for_us = -1;
  service_->tick(now_us());
  after_input();
}

void ConfmanServer::on_status_change(const raft::RaftStatus& status) {
  const bool role_changed = status.role != last_status_.role || status.term != last_status_.term ||
                            status.leader != last_status_.leader;
  last_status_ = status;
  if (!role_changed) return;
  log("status", std::string("role=") + raft::role_name(status.role) + " term=" + std::to_string(status.term) +
                    " leader=" + std::to_string(status.leader));
}

void ConfmanServer::on_membership_change(NodeId, const raft::Membership& membership, LogIndex index, bool committed) {
  log("membership", "members=\"" + membership.describe() + "\" index=" + std::to_string(index) +
                        " committed=" + (committed ? "true" : "false"));
  if (!service_) return;  // start-up: learned once the node has loaded
  learn_member_addresses(membership);
}

// A member added by a membership change brought its addresses with it, as
// its record in the replicated state (node.h, member_record): Raft sends to
// it as soon as the change is in the log, so the record is read from there.
void ConfmanServer::learn_member_addresses(const raft::Membership& membership) {
  for (NodeId id : membership.members()) {
    const std::optional<std::string> record = service_->node().member_record(id);
    if (!record) continue;
    auto addresses = parse_member_record(*record);
    if (!addresses) {
      log("member-record", "id=" + std::to_string(id) + " error=\"" + addresses.error() + "\"");
      continue;
    }
    addresses_[id] = MemberAddress{id, addresses->peer, addresses->client};
  }
  for (const auto& [id, member] : addresses_) {
    if (id != config_.id) transport_->set_peer_address(id, member.peer);
  }
}

}  // namespace confman::real
