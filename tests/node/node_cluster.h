#pragma once
// A small cluster of real Nodes for tests: each has storage whose writes
// complete only when the cluster (or the test) says so, frames travel
// through one queue the test can inspect, cut or reorder, and time moves in
// explicit steps. Everything is deterministic: no clocks, no threads.

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/node/node.h"
#include "core/node/stored_record.h"
#include "core/raft/message.h"

namespace confman::node::testing {

// Storage whose writes complete only when the test says so; a completed
// write is applied with the reference semantics of WriteBatch.
class ManualStorage final : public Storage {
 public:
  Result<StoredState, StorageError> load() override { return durable; }
  void write(WriteBatch batch, std::function<void(StorageStatus)> on_complete) override {
    pending.push_back({std::move(batch), std::move(on_complete)});
  }
  void complete_next(StorageStatus status = StorageStatus::Ok) {
    auto [batch, callback] = std::move(pending.front());
    pending.pop_front();
    if (status == StorageStatus::Ok) apply_write_batch(durable, batch);
    callback(status);
  }
  void complete_all() {
    while (!pending.empty()) complete_next(StorageStatus::Ok);
  }
  // A crash: writes not yet completed are lost, their callbacks never run.
  void crash() { pending.clear(); }
  StoredState durable;
  std::deque<std::pair<WriteBatch, std::function<void(StorageStatus)>>> pending;
};

struct Frame {
  NodeId from = kNoNode;
  NodeId to = kNoNode;
  Bytes bytes{};
  raft::Message decoded() const { return raft::decode_message(bytes).value(); }
};

class QueueTransport final : public Transport {
 public:
  QueueTransport(NodeId from, std::deque<Frame>& queue) : from_(from), queue_(queue) {}
  void send(NodeId to, Bytes frame) override { queue_.push_back(Frame{from_, to, std::move(frame)}); }

 private:
  NodeId from_;
  std::deque<Frame>& queue_;
};

class Responses final : public ClientResponder {
 public:
  void respond(ClientResponse response) override { received.push_back(std::move(response)); }
  std::vector<ClientResponse> received;
};

// Records the snapshot observer calls, in order.
class RecordingObserver final : public NodeObserver {
 public:
  void on_snapshot_installed(NodeId, LogIndex index, Term) override { events.push_back("installed " + std::to_string(index)); }
  void on_log_compacted(NodeId, LogIndex through) override { events.push_back("compacted " + std::to_string(through)); }
  void on_apply(NodeId, const raft::Entry& entry) override { last_applied = entry.index; }
  std::vector<std::string> events;
  LogIndex last_applied = 0;
};

class NodeCluster {
 public:
  struct Member {
    NodeId id = kNoNode;
    ManualStorage storage;
    std::unique_ptr<QueueTransport> transport;
    Responses responses;
    RecordingObserver observer;
    std::unique_ptr<Node> node;  // null while down
    bool auto_sync = true;       // the cluster completes its writes at every step
  };

  // tweak (optional) adjusts every node's configuration.
  explicit NodeCluster(int size, std::function<void(NodeConfig&)> tweak = {}) : tweak_(std::move(tweak)) {
    for (int i = 1; i <= size; ++i) {
      auto member = std::make_unique<Member>();
      member->id = static_cast<NodeId>(i);
      member->transport = std::make_unique<QueueTransport>(member->id, network);
      members_[member->id] = std::move(member);
    }
    for (auto& [id, member] : members_) {
      auto started = start(id);
      CONFMAN_ASSERT(started.ok(), "a fresh test node failed to start");
    }
  }

  NodeConfig config(NodeId id) const {
    NodeConfig config;
    config.raft.id = id;
    for (const auto& [voter, member] : members_) config.raft.voters.push_back(voter);
    config.raft.election_timeout_us = 10'000;
    config.raft.heartbeat_interval_us = 1'000;
    config.seed = 77 + id * 1000 + restarts_;
    if (tweak_) tweak_(config);
    return config;
  }

  Member& member(NodeId id) { return *members_.at(id); }
  Node& operator[](NodeId id) { return *members_.at(id)->node; }
  bool up(NodeId id) const { return members_.at(id)->node != nullptr; }

  Result<Done, StartError> start(NodeId id) {
    Member& m = member(id);
    m.node = std::make_unique<Node>(config(id), Env{&m.storage, m.transport.get(), &m.responses, &m.observer});
    auto started = m.node->start(now_us);
    if (!started) m.node.reset();
    return started;
  }

  void crash(NodeId id) {
    Member& m = member(id);
    m.node.reset();
    m.storage.crash();
    restarts_ += 1;
  }

  // One step: time moves by step_us, writes of auto-synced nodes complete,
  // queued frames are delivered (dropped if cut or down), due timers fire.
  void step(TimeUs step_us = 500) {
    now_us += step_us;
    for (auto& [id, m] : members_) {
      if (m->node && m->auto_sync) m->storage.complete_all();
    }
    std::deque<Frame> frames = std::move(network);
    network.clear();
    for (Frame& frame : frames) deliver(frame);
    for (auto& [id, m] : members_) {
      if (m->node && now_us >= m->node->next_deadline_us()) m->node->tick(now_us);
    }
  }

  void deliver(const Frame& frame) {
    if (cut.count(frame.from) != 0 || cut.count(frame.to) != 0) return;
    Member& target = member(frame.to);
    if (target.node) target.node->receive(frame.bytes, now_us);
  }

  void run_for(TimeUs duration_us, TimeUs step_us = 500) {
    const TimeUs until = now_us + duration_us;
    while (now_us < until) step(step_us);
  }

  NodeId leader() const {
    NodeId best = kNoNode;
    Term best_term = 0;
    for (const auto& [id, m] : members_) {
      if (!m->node) continue;
      const raft::RaftStatus status = m->node->status();
      if (status.role == raft::Role::Leader && status.term >= best_term) {
        best = id;
        best_term = status.term;
      }
    }
    return best;
  }

  NodeId await_leader(TimeUs limit_us = 1'000'000) {
    const TimeUs until = now_us + limit_us;
    while (leader() == kNoNode && now_us < until) step();
    return leader();
  }

  // Puts `count` keys through the leader, one at a time, each waiting for its
  // answer. Returns how many were acknowledged.
  int put_many(int count, const std::string& prefix = "/k/") {
    int acknowledged = 0;
    for (int i = 0; i < count; ++i) {
      if (put(prefix + std::to_string(i % 16), "v" + std::to_string(i))) acknowledged += 1;
    }
    return acknowledged;
  }

  // Puts one key through the leader and waits for its answer; true if it was
  // acknowledged.
  bool put(const std::string& key, const std::string& value) {
    const NodeId at = await_leader();
    if (at == kNoNode) return false;
    ClientRequest request;
    request.request_id = next_request_++;
    request.write.client_id = 1;
    request.write.sequence = request.request_id;
    request.write.command = kv::Command{kv::CommandType::Put, key, value, 0};
    Responses& responses = member(at).responses;
    const std::size_t before = responses.received.size();
    (*this)[at].submit(request, now_us);
    for (int s = 0; s < 200 && responses.received.size() == before; ++s) step();
    return responses.received.size() > before && responses.received.back().outcome == Outcome::Ok;
  }

  // True once every node is up, one leads, and all applied its commit index
  // with equal digests.
  bool converged() {
    const NodeId at = leader();
    if (at == kNoNode) return false;
    const LogIndex commit = (*this)[at].status().commit;
    const std::uint64_t digest = (*this)[at].store().digest();
    for (const auto& [id, m] : members_) {
      if (!m->node || m->node->applied_index() != commit || m->node->store().digest() != digest) return false;
    }
    return true;
  }

  bool run_until_converged(TimeUs limit_us = 2'000'000) {
    const TimeUs until = now_us + limit_us;
    while (!converged() && now_us < until) step();
    return converged();
  }

  std::deque<Frame> network;
  std::set<NodeId> cut;
  TimeUs now_us = 0;

 private:
  std::function<void(NodeConfig&)> tweak_;
  std::map<NodeId, std::unique_ptr<Member>> members_;
  std::uint64_t next_request_ = 1;
  std::uint64_t restarts_ = 0;
};

}  // namespace confman::node::testing
