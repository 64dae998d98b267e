#pragma once
// A Confman node: Raft + the configuration store + the environment. Still
// sans-IO: it calls the abstract Storage and Transport and is driven by
// receive / tick / submit, each carrying the current time.
//
// It follows Raft's I/O ordering contract (raft.h) with one write in flight
// at a time: messages and acknowledgements of a Ready leave only after its
// write is durable. A failed write stops the node (fail-stop): it never
// acknowledges what is not durable.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/kv/store.h"
#include "core/node/client.h"
#include "core/node/env.h"
#include "core/node/observer.h"
#include "core/raft/raft.h"

namespace confman::node {

struct NodeConfig {
  raft::RaftConfig raft;
  std::uint64_t seed = 0;  // for election timeouts; the sim derives it from the run seed
};

struct Env {
  Storage* storage = nullptr;
  Transport* transport = nullptr;
  ClientResponder* responder = nullptr;
  NodeObserver* observer = nullptr;  // optional
};

struct StartError {
  std::string detail;  // e.g. "entry record 17: checksum mismatch (at byte 0)"
};

class Node {
 public:
  Node(NodeConfig config, Env env);
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Loads and verifies durable state. A record that fails its checksum stops
  // start-up with a StartError: it is never used as if it were valid.
  Result<Done, StartError> start(TimeUs now_us);

  void receive(ByteView frame, TimeUs now_us);
  void tick(TimeUs now_us);
  void submit(ClientRequest request, TimeUs now_us);

  TimeUs next_deadline_us() const { return raft_.next_deadline_us(); }
  bool stopped() const { return stopped_; }
  const std::string& stop_reason() const { return stop_reason_; }
  NodeId id() const { return raft_.id(); }
  raft::RaftStatus status() const { return raft_.status(); }
  const raft::Raft& raft() const { return raft_; }
  const kv::Store& store() const { return store_; }
  LogIndex applied_index() const { return applied_index_; }
  std::uint64_t messages_dropped_corrupt() const { return messages_dropped_corrupt_; }

 private:
  struct PendingWrite {
    std::uint64_t request_id;
    Term term;
  };
  struct PendingRead {
    std::uint64_t request_id;
    std::string key;
  };

  void after_input();
  void pump();
  void on_write_complete(StorageStatus status);
  void finish_ready(raft::Ready& ready);
  void apply_committed();
  void serve_ready_reads();
  void answer_read(std::uint64_t request_id, const std::string& key);
  void fail_pending_writes(Outcome outcome);
  void fail_stop(std::string reason);
  void respond(ClientResponse response);
  void notify_status_if_changed();
  void submit_write(ClientRequest& request);
  void submit_get(ClientRequest& request);
  static WriteBatch make_batch(const raft::Ready& ready);

  Env env_;
  raft::Raft raft_;
  kv::Store store_;
  TimeUs now_us_ = 0;
  LogIndex applied_index_ = 0;
  bool started_ = false;
  bool stopped_ = false;
  std::string stop_reason_;
  bool write_in_flight_ = false;
  bool pumping_ = false;
  bool pump_again_ = false;
  std::optional<raft::Ready> in_flight_ready_;
  std::map<LogIndex, PendingWrite> pending_writes_;  // by log index
  std::map<std::uint64_t, std::string> reads_awaiting_confirmation_;  // request id -> key
  std::multimap<LogIndex, PendingRead> reads_awaiting_apply_;
  raft::RaftStatus last_status_;
  std::uint64_t messages_dropped_corrupt_ = 0;
};

}  // namespace confman::node
