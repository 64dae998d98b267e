#pragma once
// A small cluster of real Services (each driving a real Node) for tests, on
// the storage and transport of tests/node/node_cluster.h: writes complete
// when the cluster steps, frames travel through one queue, time moves in
// explicit steps. Each member records what its service output: answers,
// forwards (which the test may deliver with deliver_forwards), watch
// batches and ended watches.

#include <map>
#include <memory>
#include <vector>

#include "core/service/service.h"
#include "tests/node/node_cluster.h"

namespace confman::service::testing {

using node::testing::Frame;
using node::testing::ManualStorage;
using node::testing::QueueTransport;

class RecordingOutput final : public ServiceOutput {
 public:
  void respond(Response response) override { responses.push_back(std::move(response)); }
  void forward(NodeId leader, const Request& request) override { forwards.push_back({leader, request}); }
  void watch_events(WatchBatch batch) override { batches.push_back(std::move(batch)); }
  void watch_ended(std::uint64_t watch_id, Code code, std::string detail) override {
    ended.push_back({watch_id, code, std::move(detail)});
  }
  void cluster_event(std::uint64_t watch_id, const ClusterState& state) override {
    cluster_events.push_back({watch_id, state});
  }
  // The answer to request `id`, if any.
  const Response* answer(std::uint64_t id) const {
    for (const Response& response : responses) {
      if (response.id == id) return &response;
    }
    return nullptr;
  }
  // Every event delivered to a watch, in order.
  std::vector<kv::Event> events_of(std::uint64_t watch_id) const {
    std::vector<kv::Event> events;
    for (const WatchBatch& batch : batches) {
      if (batch.watch_id == watch_id) events.insert(events.end(), batch.events.begin(), batch.events.end());
    }
    return events;
  }
  struct Forward {
    NodeId leader;
    Request request;
  };
  struct Ended {
    std::uint64_t watch_id;
    Code code;
    std::string detail;
  };
  std::vector<Response> responses;
  std::vector<Forward> forwards;
  std::vector<WatchBatch> batches;
  std::vector<Ended> ended;
  std::vector<std::pair<std::uint64_t, ClusterState>> cluster_events;
};

class ServiceCluster {
 public:
  struct Member {
    NodeId id = kNoNode;
    ManualStorage storage;
    std::unique_ptr<QueueTransport> transport;
    RecordingOutput output;
    std::unique_ptr<Service> service;  // null while down
  };

  explicit ServiceCluster(int size, ServiceConfig service_config = {}) : service_config_(service_config) {
    for (int i = 1; i <= size; ++i) {
      auto member = std::make_unique<Member>();
      member->id = static_cast<NodeId>(i);
      member->transport = std::make_unique<QueueTransport>(member->id, network);
      members_[member->id] = std::move(member);
    }
    for (auto& [id, member] : members_) start(id);
  }

  node::NodeConfig config(NodeId id) const {
    node::NodeConfig config;
    config.raft.id = id;
    for (const auto& [voter, member] : members_) config.raft.voters.push_back(voter);
    config.raft.election_timeout_us = 10'000;
    config.raft.heartbeat_interval_us = 1'000;
    config.seed = 91 + id * 1000 + restarts_;
    config.snapshot_threshold_entries = snapshot_threshold_entries;
    return config;
  }

  Member& member(NodeId id) { return *members_.at(id); }
  Service& operator[](NodeId id) { return *members_.at(id)->service; }
  RecordingOutput& output(NodeId id) { return members_.at(id)->output; }

  void start(NodeId id) {
    Member& m = member(id);
    m.service = std::make_unique<Service>(service_config_, config(id),
                                          node::Env{&m.storage, m.transport.get(), nullptr, nullptr}, m.output);
    auto started = m.service->start(now_us);
    CONFMAN_ASSERT(started.ok(), "a test service failed to start");
  }

  void crash(NodeId id) {
    Member& m = member(id);
    m.service.reset();
    m.storage.crash();
    restarts_ += 1;
  }

  void step(TimeUs step_us = 500) {
    now_us += step_us;
    for (auto& [id, m] : members_) {
      if (m->service) m->storage.complete_all();
    }
    std::deque<Frame> frames = std::move(network);
    network.clear();
    for (Frame& frame : frames) {
      if (members_.count(frame.to) == 0) continue;  // a member added by a test, never started
      Member& target = member(frame.to);
      if (target.service && cut.count(frame.from) == 0 && cut.count(frame.to) == 0) {
        target.service->receive(frame.bytes, now_us);
      }
    }
    for (auto& [id, m] : members_) {
      if (m->service && now_us >= m->service->next_deadline_us()) m->service->tick(now_us);
    }
  }

  void run_for(TimeUs duration_us) {
    const TimeUs until = now_us + duration_us;
    while (now_us < until) step();
  }

  NodeId leader() const {
    NodeId best = kNoNode;
    Term best_term = 0;
    for (const auto& [id, m] : members_) {
      if (!m->service) continue;
      const raft::RaftStatus status = m->service->node().status();
      if (status.role == raft::Role::Leader && status.term >= best_term) {
        best = id;
        best_term = status.term;
      }
    }
    return best;
  }

  // A leader that has committed an entry of its term, known to every live
  // member.
  NodeId await_leader() {
    for (int i = 0; i < 4000; ++i) {
      const NodeId at = leader();
      if (at != kNoNode && everyone_knows(at) && (*this)[at].node().applied_index() > 0) return at;
      step();
    }
    return leader();
  }

  bool everyone_knows(NodeId at) {
    for (auto& [id, m] : members_) {
      if (m->service && m->service->node().status().leader != at) return false;
    }
    return true;
  }

  // Sends request to node `at` and steps until it is answered; nullopt if it
  // is not within `steps`.
  std::optional<Response> call(NodeId at, Request request, int steps = 400) {
    request.id = next_id_++;
    const std::uint64_t id = request.id;
    (*this)[at].handle(std::move(request), now_us);
    for (int i = 0; i < steps && output(at).answer(id) == nullptr; ++i) step();
    const Response* answer = output(at).answer(id);
    return answer == nullptr ? std::nullopt : std::optional<Response>(*answer);
  }

  std::optional<Response> put(NodeId at, const std::string& key, const std::string& value) {
    return call(at, Request{.operation = Operation::Put, .key = key, .value = value});
  }

  // Steps until every live member has applied the leader's commit index.
  void settle() {
    for (int i = 0; i < 400; ++i) {
      const NodeId at = leader();
      bool done = at != kNoNode;
      for (auto& [id, m] : members_) {
        if (done && m->service && m->service->node().applied_index() != (*this)[at].node().status().commit) done = false;
      }
      if (done) return;
      step();
    }
  }

  std::uint64_t next_id() { return next_id_++; }

  std::deque<Frame> network;
  std::set<NodeId> cut;
  TimeUs now_us = 0;
  std::uint64_t snapshot_threshold_entries = 1000;

 private:
  ServiceConfig service_config_;
  std::map<NodeId, std::unique_ptr<Member>> members_;
  std::uint64_t next_id_ = 1;
  std::uint64_t restarts_ = 0;
};

}  // namespace confman::service::testing
