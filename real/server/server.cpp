#include "real/server/server.h"

#include <boost/asio.hpp>
#include <boost/json.hpp>

#include <cstdio>

#include "core/util/assert.h"
#include "real/server/server_api.h"

namespace confman::real {

namespace asio = boost::asio;

namespace {
constexpr const char* kMembersPrefix = "/_confman/members/";
constexpr auto kProgressInterval = std::chrono::seconds(10);

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
  explicit Runtime(asio::io_context& io) : core_timer(io), progress_timer(io) {}
  asio::steady_timer core_timer;
  asio::steady_timer progress_timer;
  TimeUs armed_for_us = -1;
};

ConfmanServer::ConfmanServer(asio::io_context& io, ServerConfig config)
    : io_(io), config_(std::move(config)), started_at_(std::chrono::steady_clock::now()) {
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
  node_config.seed = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^ cfg.id;
  self.node_ = std::make_unique<node::Node>(
      node_config, node::Env{self.storage_.get(), self.transport_.get(), &self, &self});
  auto started = self.node_->start(self.now_us());
  if (!started) return unexpected("cannot start from the data in " + cfg.data_dir + ": " + started.error().detail);
  self.watches_.reset_history(self.node_->store().revision());
  self.learn_member_addresses();

  auto http = http::Server::start(io, cfg.client_listen, make_api_handler(self),
                                  http::Limits{.max_body_bytes = cfg.max_body_bytes,
                                               .request_timeout_ms = cfg.request_timeout_ms});
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
                          std::to_string(self.node_->store().revision()) + " membership=\"" +
                          self.node_->membership().describe() + "\"");
  self.after_input();
  self.arm_progress_timer();
  return server;
}

// Progress events keep idle watch streams alive and tell clients how far the
// store has come.
void ConfmanServer::arm_progress_timer() {
  runtime_->progress_timer.expires_after(kProgressInterval);
  runtime_->progress_timer.async_wait([this](const boost::system::error_code& error) {
    if (error || stopped_) return;
    watches_.send_progress(node_->store().revision());
    arm_progress_timer();
  });
}

void ConfmanServer::stop() {
  if (stopped_) return;
  stopped_ = true;
  runtime_->core_timer.cancel();
  runtime_->progress_timer.cancel();
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

void ConfmanServer::submit(node::ClientRequest request, ResponseHandler done) {
  if (stopped_) return;
  request.request_id = next_request_id_++;
  pending_.emplace(request.request_id, std::move(done));
  node_->submit(std::move(request), now_us());
  after_input();
}

void ConfmanServer::respond(node::ClientResponse response) {
  auto found = pending_.find(response.request_id);
  if (found == pending_.end()) return;
  ResponseHandler done = std::move(found->second);
  pending_.erase(found);
  done(response);
}

void ConfmanServer::on_frame(Bytes frame) {
  if (stopped_) return;
  node_->receive(frame, now_us());
  after_input();
}

void ConfmanServer::after_input() {
  if (stopped_) return;
  if (node_->stopped()) {
    log("fail-stop", "reason=\"" + node_->stop_reason() + "\"");
    failed_ = true;
    stop();
    io_.stop();  // the process exits; an operator (or supervisor) restarts it from its disk
    return;
  }
  check_applied_waiters();
  arm_timer();
}

void ConfmanServer::arm_timer() {
  const TimeUs deadline_us = node_->next_deadline_us();
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
  node_->tick(now_us());
  after_input();
}

void ConfmanServer::on_status_change(const raft::RaftStatus& status) {
  const bool role_changed = status.role != last_status_.role || status.term != last_status_.term ||
                            status.leader != last_status_.leader;
  last_status_ = status;
  if (!role_changed) return;
  log("status", std::string("role=") + raft::role_name(status.role) + " term=" + std::to_string(status.term) +
                    " leader=" + std::to_string(status.leader));
  if (node_) watches_.publish_cluster(cluster_state_json(*this));
}

void ConfmanServer::on_membership_change(NodeId, const raft::Membership& membership, LogIndex index, bool committed) {
  log("membership", "members=\"" + membership.describe() + "\" index=" + std::to_string(index) +
                        " committed=" + (committed ? "true" : "false"));
  if (node_) watches_.publish_cluster(cluster_state_json(*this));
}

void ConfmanServer::on_write_applied(NodeId, LogIndex, const kv::WriteRequest& request, const kv::WriteResult& result) {
  if (result.status != kv::Status::Ok || !result.key_value) return;
  const bool deleted = request.command.type == kv::CommandType::Delete ||
                       request.command.type == kv::CommandType::CompareAndDelete;
  watches_.publish(WatchEvent{result.revision, deleted, *result.key_value});
  if (request.command.key.rfind(kMembersPrefix, 0) == 0 && !deleted) {
    learn_member_address(request.command.key, request.command.value);
  }
}

// The cluster keeps every member's addresses under /_confman/members/ID, so
// that a node added later is known to all (server_api.cpp writes them).
void ConfmanServer::learn_member_addresses() {
  std::string after;
  for (;;) {
    const kv::ListPage page = node_->store().list_prefix(kMembersPrefix, after, 1000);
    for (const kv::KeyValue& item : page.items) learn_member_address(item.key, item.value);
    if (!page.next_after) break;
    after = *page.next_after;
  }
  for (const auto& [id, member] : addresses_) {
    if (id != config_.id) transport_->set_peer_address(id, member.peer);
  }
}

void ConfmanServer::learn_member_address(const std::string& key, const std::string& value) {
  boost::system::error_code error;
  const boost::json::value json = boost::json::parse(value, error);
  if (error || !json.is_object()) return;
  const auto* peer = json.as_object().if_contains("peerUrl");
  const auto* client = json.as_object().if_contains("clientUrl");
  if (peer == nullptr || client == nullptr || !peer->is_string() || !client->is_string()) return;
  const std::string id_text = key.substr(std::string(kMembersPrefix).size());
  if (id_text.empty() || id_text.find_first_not_of("0123456789") != std::string::npos || id_text.size() > 9) return;
  auto peer_address = parse_host_port(std::string(peer->as_string()));
  auto client_address = parse_host_port(std::string(client->as_string()));
  if (!peer_address || !client_address) return;
  const NodeId id = std::stoull(id_text);
  addresses_[id] = MemberAddress{id, *peer_address, *client_address};
  if (id != config_.id && transport_) transport_->set_peer_address(id, *peer_address);
}

void ConfmanServer::when_applied(std::uint64_t revision, std::uint32_t timeout_ms, std::function<void()> ready,
                                 std::function<void()> timed_out) {
  if (node_->store().revision() >= revision) {
    ready();
    return;
  }
  auto waiter = std::make_shared<AppliedWaiter>(AppliedWaiter{revision, std::move(ready)});
  applied_waiters_.emplace(revision, waiter);
  auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(timeout_ms));
  timer->async_wait([this, timer, waiter, timed_out = std::move(timed_out)](const boost::system::error_code& error) {
    if (error || stopped_ || !waiter->ready) return;  // served already
    waiter->ready = nullptr;
    timed_out();
  });
}

void ConfmanServer::check_applied_waiters() {
  const std::uint64_t revision = node_->store().revision();
  while (!applied_waiters_.empty() && applied_waiters_.begin()->first <= revision) {
    auto waiter = applied_waiters_.begin()->second;
    applied_waiters_.erase(applied_waiters_.begin());
    if (!waiter->ready) continue;  // timed out
    auto ready = std::move(waiter->ready);
    waiter->ready = nullptr;
    ready();
  }
}

}  // namespace confman::real
