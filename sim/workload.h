#pragma once
// Workload clients. Each client runs one operation at a time on a small key
// set: get, put, delete or compare-and-set, as service requests
// (core/service/request.h) sent over the simulated network to a node's
// request layer. A get reads in one of the three modes the service offers
// (linearizable, read-your-writes with the client's revision, stale); a
// request that needs the leader goes to the last leader the client heard of,
// or to a random node that forwards it (or answers with a redirect, for the
// clients that ask for one).
//
// An attempt that times out or comes back with an unknown outcome is retried
// with the same session sequence number, so a write is applied at most once
// (§6.3); after op_timeout the client gives up and the outcome is recorded
// as unknown ("info"). Only answers that prove the operation did not take
// effect are recorded as "fail".

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/service/request.h"
#include "core/util/random.h"
#include "sim/event_queue.h"
#include "sim/history.h"
#include "sim/scenario.h"
#include "sim/trace.h"

namespace confman::sim {

struct ClientStats {
  std::uint64_t ok = 0;
  std::uint64_t fail = 0;
  std::uint64_t info = 0;
  std::uint64_t writes_ok = 0;
  // Gets answered, by how they read.
  std::uint64_t reads_linearizable = 0;
  std::uint64_t reads_read_your_writes = 0;
  std::uint64_t reads_stale = 0;
  std::uint64_t redirects = 0;  // answers that sent the client to the leader
  ClientStats& operator+=(const ClientStats& other);
};

class Client {
 public:
  using SendFn = std::function<void(int client, NodeId node, const service::Request& request)>;

  Client(int index, int node_count, const WorkloadOptions& options, std::uint64_t seed, EventQueue& queue,
         History& history, Trace& trace, SendFn send);

  void start();
  // Stops issuing new operations (the run is ending); an operation in flight
  // still completes or times out.
  void stop_issuing() { issuing_ = false; }
  void on_response(const service::Response& response);
  bool idle() const { return !op_.has_value(); }
  const ClientStats& stats() const { return stats_; }

  static std::uint64_t request_id(int client, std::uint64_t op_number, std::uint32_t attempt);
  static int client_of(std::uint64_t request_id);
  static std::uint64_t op_number_of(std::uint64_t request_id) { return (request_id >> 16) & 0xFFFFFFFFULL; }

 private:
  struct Op {
    OpKind kind = OpKind::Get;
    ReadConsistency consistency = ReadConsistency::Linearizable;  // gets
    std::string key;
    std::string value;
    std::uint64_t expected_mod_revision = 0;
    std::uint64_t op_number = 0;
    std::uint64_t sequence = 0;  // session sequence, writes only
    std::uint32_t attempt = 0;
    TimeUs deadline_us = 0;
    bool maybe_applied = false;
    bool redirect = false;  // this op asks for redirects rather than forwarding
  };

  void schedule_next_op();
  void begin_op();
  ReadConsistency draw_consistency();
  void send_attempt();
  NodeId choose_target();
  void on_attempt_timeout(std::uint64_t op_number, std::uint32_t attempt);
  void retry_or_give_up(TimeUs backoff_us);
  void on_refusal(const service::Response& response);
  void complete(EventType type, HistoryEvent event);
  HistoryEvent base_event(EventType type) const;
  service::Request make_request() const;
  void complete_ok(const service::Response& response);
  void complete_get(const service::Response& response);
  void complete_write(const service::Response& response);

  int index_;
  int node_count_;
  WorkloadOptions options_;
  Random random_;
  EventQueue& queue_;
  History& history_;
  Trace& trace_;
  SendFn send_;
  bool issuing_ = true;
  std::optional<Op> op_;
  std::uint64_t next_op_number_ = 1;
  std::uint64_t next_sequence_ = 1;
  NodeId leader_hint_ = kNoNode;
  NodeId last_target_ = kNoNode;
  // The node whose attempt timed out last: the next attempts go elsewhere,
  // as a client library marks an endpoint that did not answer (a frozen
  // leader keeps accepting connections and answers nothing).
  NodeId silent_node_ = kNoNode;
  // The highest revision this client has seen (its writes, its reads): the
  // token of its read-your-writes reads.
  std::uint64_t seen_revision_ = 0;
  std::map<std::string, std::uint64_t> last_seen_mod_revision_;
  ClientStats stats_;
};

}  // namespace confman::sim
