#pragma once
// confman-server's runtime: the core Node driven by Boost.Asio on one thread.
// Raft messages arrive from the TCP transport, client requests from the HTTP
// API, and storage completions from the LMDB writer thread; all of them are
// posted to the one io_context this server runs on, so the core never sees
// two inputs at once. After every input the server re-arms one timer for the
// core's next deadline.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/node/node.h"
#include "real/http/http_server.h"
#include "real/server/metrics.h"
#include "real/server/server_config.h"
#include "real/server/watch_hub.h"
#include "real/transport/tcp_transport.h"

namespace boost::asio {
class io_context;
}

namespace confman::real {

class ConfmanServer final : public node::ClientResponder, public node::NodeObserver {
 public:
  using ResponseHandler = std::function<void(const node::ClientResponse&)>;

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
  // Submits a request to the core; done runs once with its answer, on the
  // io_context thread.
  void submit(node::ClientRequest request, ResponseHandler done);
  const node::Node& node() const { return *node_; }
  const ServerConfig& config() const { return config_; }
  // Client address of a member, from the founding list or the cluster's own
  // records (/_confman/members/ID); nullptr if unknown.
  const HostPort* client_address(NodeId id) const;
  const HostPort* peer_address(NodeId id) const;
  WatchHub& watches() { return watches_; }
  Metrics& metrics() { return metrics_; }
  boost::asio::io_context& io() { return io_; }
  // Runs `ready` once the store has applied revision (read-your-writes), or
  // `timed_out` after timeout_ms.
  void when_applied(std::uint64_t revision, std::uint32_t timeout_ms, std::function<void()> ready,
                    std::function<void()> timed_out);
  void log(const std::string& event, const std::string& fields) const;

  // node::ClientResponder / node::NodeObserver
  void respond(node::ClientResponse response) override;
  void on_status_change(const raft::RaftStatus& status) override;
  void on_write_applied(NodeId node, LogIndex index, const kv::WriteRequest& request,
                        const kv::WriteResult& result) override;
  void on_membership_change(NodeId node, const raft::Membership& membership, LogIndex index, bool committed) override;

  struct Runtime;  // Asio objects (server.cpp)

 private:
  ConfmanServer(boost::asio::io_context& io, ServerConfig config);
  TimeUs now_us() const;
  void after_input();
  void arm_timer();
  void arm_progress_timer();
  void on_timer();
  void on_frame(Bytes frame);
  void learn_member_addresses();
  void learn_member_address(const std::string& key, const std::string& value);
  void check_applied_waiters();

  boost::asio::io_context& io_;
  ServerConfig config_;
  std::chrono::steady_clock::time_point started_at_;
  // Destroyed in reverse: the HTTP server, then the storage (which finishes
  // its writes and delivers no completion after), then the node.
  std::unique_ptr<Runtime> runtime_;
  std::unique_ptr<TcpTransport> transport_;
  std::unique_ptr<node::Node> node_;
  std::unique_ptr<node::Storage> storage_;
  std::unique_ptr<http::Server> http_;
  std::map<std::uint64_t, ResponseHandler> pending_;  // by request id
  std::uint64_t next_request_id_ = 1;
  std::map<NodeId, MemberAddress> addresses_;
  struct AppliedWaiter {
    std::uint64_t revision;
    std::function<void()> ready;
  };
  std::multimap<std::uint64_t, std::shared_ptr<AppliedWaiter>> applied_waiters_;  // by revision
  WatchHub watches_;
  Metrics metrics_;
  bool stopped_ = false;
  bool failed_ = false;
  raft::RaftStatus last_status_{};
};

}  // namespace confman::real
