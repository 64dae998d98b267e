#pragma once
// A tiny in-memory cluster of Raft state machines for unit tests: every Ready
// is "persisted" at once, its messages are collected, and tests deliver them
// explicitly, so each test spells out the exchange it pins down.

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "core/raft/raft.h"

namespace confman::raft::testing {

inline RaftConfig config_for(NodeId id, std::vector<NodeId> voters) {
  RaftConfig config;
  config.id = id;
  config.voters = std::move(voters);
  config.election_timeout_us = 1000;
  config.heartbeat_interval_us = 100;
  return config;
}

// Takes the Ready (as if persisted at once), advances, returns its messages.
inline std::vector<Message> drain(Raft& raft) {
  std::vector<Message> messages;
  while (raft.has_ready()) {
    Ready ready = raft.take_ready();
    for (auto& message : ready.messages) messages.push_back(std::move(message));
    for (auto& message : ready.messages_after_persist) messages.push_back(std::move(message));
    raft.advance(ready);
  }
  return messages;
}

inline std::vector<Message> of_type(const std::vector<Message>& messages, MessageType type) {
  std::vector<Message> result;
  for (const Message& message : messages) {
    if (message.type == type) result.push_back(message);
  }
  return result;
}

class Cluster {
 public:
  // tweak (optional) adjusts every node's configuration.
  explicit Cluster(int size, const std::function<void(RaftConfig&)>& tweak = {}) {
    for (int i = 1; i <= size; ++i) voters_.push_back(static_cast<NodeId>(i));
    for (NodeId id : voters_) {
      RaftConfig config = config_for(id, voters_);
      if (tweak) tweak(config);
      configs_[id] = config;
      nodes_[id] = std::make_unique<Raft>(config, 1000 + id);
    }
  }
  // A node started to join the cluster: it knows no membership until a
  // leader's log tells it.
  void add_joining(NodeId id) {
    RaftConfig config = config_for(id, {});
    configs_[id] = config;
    nodes_[id] = std::make_unique<Raft>(config, 1000 + id);
  }
  Raft& operator[](NodeId id) { return *nodes_.at(id); }
  const std::vector<NodeId>& voters() const { return voters_; }

  // A crash and restart of a node whose every Ready was persisted (drained):
  // it comes back with its hard state, snapshot and log, and nothing that
  // lived only in memory (e.g. a snapshot being assembled).
  void restart(NodeId id) {
    const Raft& old = *nodes_.at(id);
    const RaftStatus status = old.status();
    const HardState hard_state{status.term, status.vote, status.commit};
    std::optional<Snapshot> snapshot = old.snapshot();
    std::vector<Entry> entries;
    const LogIndex from = std::max(old.log().first_index(), old.snapshot_index() + 1);
    for (LogIndex index = from; index <= old.log().last_index(); ++index) entries.push_back(old.log().at(index));
    auto fresh = std::make_unique<Raft>(configs_.at(id), 2000 + id);
    fresh->restore(hard_state, std::move(snapshot), std::move(entries), now_us);
    nodes_[id] = std::move(fresh);
  }

  // As restart, after a repair cut the node's log from `cut_from` on
  // (core/node/stored_state_check.h): it comes back recovering (or, to show
  // what the mark prevents, with the cut log and no mark).
  void restart_repaired(NodeId id, LogIndex cut_from, bool mark_recovering = true) {
    const Raft& old = *nodes_.at(id);
    const RaftStatus status = old.status();
    std::vector<Entry> entries;
    const LogIndex from = std::max(old.log().first_index(), old.snapshot_index() + 1);
    for (LogIndex index = from; index < cut_from && index <= old.log().last_index(); ++index) {
      entries.push_back(old.log().at(index));
    }
    const LogIndex last = old.snapshot_index() + entries.size();
    const HardState hard_state{status.term, status.vote, std::min(status.commit, last), mark_recovering};
    std::optional<Snapshot> snapshot = old.snapshot();
    auto fresh = std::make_unique<Raft>(configs_.at(id), 3000 + id);
    fresh->restore(hard_state, std::move(snapshot), std::move(entries), now_us);
    nodes_[id] = std::move(fresh);
  }

  // Delivers messages (and every answer they cause) until none are left,
  // dropping those to or from nodes in `cut`.
  void deliver(std::vector<Message> messages, const std::vector<NodeId>& cut = {}) {
    while (!messages.empty()) {
      std::vector<Message> next;
      for (const Message& message : messages) {
        if (is_cut(message.from, cut) || is_cut(message.to, cut)) continue;
        Raft& target = *nodes_.at(message.to);
        target.step(message, now_us);
        for (auto& out : drain(target)) next.push_back(std::move(out));
      }
      messages = std::move(next);
    }
  }

  // Makes `id` campaign (its election timer fires) and runs the election.
  void elect(NodeId id, const std::vector<NodeId>& cut = {}) {
    now_us += 10'000;
    Raft& raft = *nodes_.at(id);
    raft.tick(now_us);
    deliver(drain(raft), cut);
  }

  TimeUs now_us = 0;

 private:
  static bool is_cut(NodeId id, const std::vector<NodeId>& cut) {
    for (NodeId c : cut) {
      if (c == id) return true;
    }
    return false;
  }
  std::vector<NodeId> voters_;
  std::map<NodeId, RaftConfig> configs_;
  std::map<NodeId, std::unique_ptr<Raft>> nodes_;
};

}  // namespace confman::raft::testing
