#pragma once
// confman-server's runtime: the core's request layer (core/service, over the
// Node) driven by Boost.Asio on one thread. Raft messages arrive from the TCP
// transport, client requests from the HTTP API, and storage completions from
// the storage's writer thread; all of them are posted to the one io_context
// this server runs on, so the core never sees two inputs at once. After
// every input the server re-arms one timer for the core's next deadline.
//
// What a client sees is decided by the request layer; this class only
// carries requests in and effects out: answers to the HTTP exchange that
// asked, a forward to the leader's client address, watch events to SSE
// streams (watch_streams.h).

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/service/service.h"
#include "real/http/http_client.h"
#include "real/http/http_server.h"
#include "real/storage/map_usage.h"
#include "real/server/metrics.h"
#include "real/server/server_config.h"
#include "real/server/watch_streams.h"
#include "real/transport/tcp_transport.h"

namespace boost::asio {
class io_context;
}

namespace confman::real {

class ConfmanServer final : public service::ServiceOutput, public node::NodeObserver {
 public:
  using ResponseHandler = std::function<void(const service::Response&)>;
  // The request layer wants request `request_id` served by `leader`.
  using ForwardHandler = std::function<void(NodeId leader, std::uint64_t request_id)>;

  // Loads the node's durable state from `storage` and starts listening.
  static Result<std::unique_ptr<ConfmanServer>, std::string> start(boost::asio::io_context& io, ServerConfig config,
                                                                   std::unique_ptr<node::Storage> storage);
  ~ConfmanServer() override;

  // Stops listening and closes every connection (SIGTERM). The caller then
  // lets the io_context drain and destroys the server.
  void stop();

  std::uint16_t client_port() const;
  // The node stopped itself after a storage failure (fail-stop).
  bool failed() const { return failed_; }
  std::uint16_t peer_port() const;

  // --- used by the HTTP API (server_api.cpp) ---
  // Hands a request to the request layer; exactly one of done (its answer)
  // or forward (serve it at the leader) runs once, on the io_context thread.
  // request.id is assigned here.
  void submit(service::Request request, ResponseHandler done, ForwardHandler forward);
  // A forward (ForwardHandler) to leader ended: the request layer decides
  // whether the answer is relayed (relay is called) or what happens instead.
  void forward_ended(std::uint64_t request_id, NodeId leader, const http::ForwardReply& reply,
                     const std::function<void()>& relay);
  // Opens the watch's SSE stream once the request layer accepted it.
  void open_watch_stream(std::uint64_t watch_id, std::shared_ptr<http::Exchange> stream,
                         std::optional<std::uint64_t> starts_after);
  const node::Node& node() const { return service_->node(); }
  const service::Service& service() const { return *service_; }
  const ServerConfig& config() const { return config_; }
  // Addresses of a member, from the founding list or the member registry in
  // the replicated state (an added member's record); nullptr if unknown.
  const HostPort* client_address(NodeId id) const;
  const HostPort* peer_address(NodeId id) const;
  WatchStreams& watch_streams() { return watch_streams_; }
  Metrics& metrics() { return metrics_; }
  http::ServerStats http_stats() const { return http_ ? http_->stats() : http::ServerStats{}; }
  http::Limits http_limits() const { return http_ ? http_->limits() : http::Limits{}; }
  const TransportStats& transport_stats() const { return transport_->stats(); }
  // The storage's LMDB map, if it has one (real/storage/map_usage.h).
  std::optional<MapUsage> map_usage() const {
    return map_usage_ ? std::optional<MapUsage>(map_usage_->map_usage()) : std::nullopt;
  }
  boost::asio::io_context& io() { return io_; }
  void log(const std::string& event, const std::string& fields) const;

  // service::ServiceOutput
  void respond(service::Response response) override;
  void forward(NodeId leader, const service::Request& request) override;
  void watch_events(service::WatchBatch batch) override;
  void watch_ended(std::uint64_t watch_id, service::Code code, std::string detail) override;
  void cluster_event(std::uint64_t watch_id, const service::ClusterState& state) override;
  // node::NodeObserver
  void on_status_change(const raft::RaftStatus& status) override;
  void on_membership_change(NodeId node, const raft::Membership& membership, LogIndex index, bool committed) override;

  struct Runtime;  // Asio objects (server.cpp)

 private:
  ConfmanServer(boost::asio::io_context& io, ServerConfig config);
  TimeUs now_us() const;
  void after_input();
  void arm_timer();
  void arm_keep_alive_timer();
  void on_timer();
  void on_frame(Bytes frame);
  void learn_member_addresses(const raft::Membership& membership);

  boost::asio::io_context& io_;
  ServerConfig config_;
  std::chrono::steady_clock::time_point started_at_;
  // Destroyed in reverse: the HTTP server, then the storage (which finishes
  // its writes and delivers no completion after), then the node.
  std::unique_ptr<Runtime> runtime_;
  std::unique_ptr<TcpTransport> transport_;
  std::unique_ptr<service::Service> service_;
  std::unique_ptr<node::Storage> storage_;
  WatchStreams watch_streams_;
  std::unique_ptr<http::Server> http_;
  const ReportsMapUsage* map_usage_ = nullptr;  // the storage, seen as reporting its map
  struct Pending {
    ResponseHandler done;
    ForwardHandler forward;
  };
  std::map<std::uint64_t, Pending> pending_;  // by request id
  std::uint64_t next_request_id_ = 1;
  std::map<NodeId, MemberAddress> addresses_;
  Metrics metrics_;
  bool stopped_ = false;
  bool failed_ = false;
  raft::RaftStatus last_status_{};
};

}  // namespace confman::real
