#include "sim/cluster.h"

#include <algorithm>

#include "core/node/stored_record.h"
#include "core/raft/message.h"
#include "sim/process/host.h"

namespace confman::sim {

namespace {
// Stream labels for derive_seed: each consumer draws from its own sequence,
// so adding a draw in one place does not shift every other one.
constexpr std::uint64_t kStreamNetwork = 1;
constexpr std::uint64_t kStreamClocks = 3;
constexpr std::uint64_t kStreamTimers = 4;
constexpr std::uint64_t kStreamNodeBase = 100;
constexpr std::uint64_t kStreamStorageBase = 200;
constexpr std::size_t kMaxDeferredPerNode = 100'000;  // input queued for a paused node

// The request layer as the simulator runs it: progress notices often
// enough that a watcher notices a broken stream within a second.
service::ServiceConfig service_config() {
  service::ServiceConfig config;
  config.watch_progress_interval_us = kSimWatchProgressIntervalUs;
  config.read_wait_timeout_us = 200'000;
  return config;
}
}  // namespace

std::string describe_groups(const std::vector<std::vector<NodeId>>& groups) {
  std::string text;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (g > 0) text += "|";
    for (std::size_t i = 0; i < groups[g].size(); ++i) {
      if (i > 0) text += ",";
      text += std::to_string(groups[g][i]);
    }
  }
  return text;
}

// Connects one node to the cluster: its transport, the output of its
// request layer and its observer (feeding the invariant checker and the
// trace).
class NodeEnv final : public node::Transport, public service::ServiceOutput, public node::NodeObserver {
 public:
  NodeEnv(Cluster& cluster, NodeId id) : cluster_(cluster), id_(id) {}

  void send(NodeId to, Bytes frame) override {
    const auto type = raft::peek_message_type(frame);
    cluster_.trace_.event(cluster_.now_us(), TraceKind::Send, id_)
        .field("to", static_cast<std::int64_t>(to))
        .field("type", type ? raft::message_type_name(*type) : "?")
        .field("bytes", static_cast<std::int64_t>(frame.size()));
    const SimNetwork::Plan plan = cluster_.network_.plan(id_, to);
    for (std::uint8_t copy = 0; copy < plan.copies; ++copy) {
      auto shared = std::make_shared<Bytes>(copy + 1 < plan.copies ? frame : std::move(frame));
      if (cluster_.network_.maybe_corrupt(*shared)) {
        cluster_.trace_.event(cluster_.now_us(), TraceKind::Corrupt, id_).field("to", static_cast<std::int64_t>(to));
      }
      Cluster& cluster = cluster_;
      cluster_.queue_.schedule_after(plan.delay_us[copy], [&cluster, to, shared] { cluster.deliver_frame(to, *shared); });
    }
  }

  void respond(service::Response response) override { cluster_.route_response(id_, response); }
  void forward(NodeId leader, const service::Request& request) override {
    cluster_.forward_request(id_, leader, request);
  }
  void watch_events(service::WatchBatch batch) override {
    const std::uint64_t watch_id = batch.watch_id;
    const ClientSink& sink = cluster_.sink_of(watch_id);
    cluster_.send_on_stream(watch_id, [&sink, batch = std::move(batch)] { sink.on_batch(batch); });
  }
  void watch_ended(std::uint64_t watch_id, service::Code code, std::string) override {
    const ClientSink& sink = cluster_.sink_of(watch_id);
    cluster_.send_on_stream(watch_id, [&sink, watch_id, code] { sink.on_ended(watch_id, code); });
  }
  void cluster_event(std::uint64_t watch_id, const service::ClusterState& state) override {
    const ClientSink& sink = cluster_.sink_of(watch_id);
    cluster_.send_on_stream(watch_id, [&sink, watch_id, state] { sink.on_cluster(watch_id, state); });
  }

  void on_status_change(const raft::RaftStatus& status) override {
    cluster_.note_leadership();
    cluster_.trace_.event(cluster_.now_us(), TraceKind::Status, id_)
        .field("role", raft::role_name(status.role))
        .field("term", static_cast<std::int64_t>(status.term))
        .field("leader", static_cast<std::int64_t>(status.leader))
        .field("commit", static_cast<std::int64_t>(status.commit));
    const node::Node* node = cluster_.node(id_);
    if (node != nullptr) cluster_.invariants_.on_status(*node, status, cluster_.now_us());
    cluster_.note_recovery(id_, status);
  }

  void on_entries_persisted(NodeId node, const std::vector<raft::Entry>& entries) override {
    cluster_.invariants_.on_persisted(node, entries, cluster_.now_us());
  }

  void on_write_applied(NodeId node, LogIndex, const kv::WriteRequest& request,
                        const kv::WriteResult& result) override {
    cluster_.record_committed(node, request, result);
  }

  void on_apply(NodeId node, const raft::Entry& entry) override {
    cluster_.trace_.event(cluster_.now_us(), TraceKind::Apply, node)
        .field("index", static_cast<std::int64_t>(entry.index))
        .field("term", static_cast<std::int64_t>(entry.term));
    cluster_.invariants_.on_apply(node, entry, cluster_.now_us());
  }

  void on_snapshot_installed(NodeId node, LogIndex index, Term term) override {
    cluster_.trace_.event(cluster_.now_us(), TraceKind::Snapshot, node)
        .field("index", static_cast<std::int64_t>(index))
        .field("term", static_cast<std::int64_t>(term));
    cluster_.invariants_.on_snapshot_installed(node, index, term, cluster_.now_us());
  }

  void on_membership_change(NodeId node, const raft::Membership& membership, LogIndex index, bool committed) override {
    cluster_.trace_.event(cluster_.now_us(), TraceKind::MembershipView, node)
        .field("index", static_cast<std::int64_t>(index))
        .field("committed", committed ? 1 : 0)
        .field("membership", membership.describe());
    cluster_.sim_node(node).last_membership = membership;
    // A change already on its way when the operator stopped (say, to a
    // paused leader) can move the quorum during the liveness phase.
    if (cluster_.membership_view_) cluster_.membership_view_();
  }

  void on_log_compacted(NodeId node, LogIndex through) override {
    cluster_.trace_.event(cluster_.now_us(), TraceKind::Compact, node).field("through", static_cast<std::int64_t>(through));
    cluster_.invariants_.on_log_compacted(node, through, cluster_.now_us());
  }

 private:
  Cluster& cluster_;
  NodeId id_;
};

// The disk completes writes on its own schedule, but a paused process runs
// no code: completions reach the node through the same gate as messages.
class GatedStorage final : public node::Storage {
 public:
  GatedStorage(Cluster& cluster, Host& sim_node) : cluster_(cluster), sim_node_(sim_node) {}
  Result<node::StoredState, node::StorageError> load() override { return sim_node_.storage->load(); }
  void write(node::WriteBatch batch, std::function<void(node::StorageStatus)> on_complete) override {
    Cluster& cluster = cluster_;
    Host& sim_node = sim_node_;
    sim_node_.storage->write(std::move(batch), [&cluster, &sim_node, on_complete = std::move(on_complete)](
                                                   node::StorageStatus status) {
      cluster.run_on_node(sim_node, [&cluster, &sim_node, on_complete, status] {
        on_complete(status);
        cluster.after_node_input(sim_node);  // the write may have stopped the node (fail-stop)
      });
    });
  }

 private:
  Cluster& cluster_;
  Host& sim_node_;
};

Cluster::Cluster(const Scenario& scenario, std::uint64_t seed, EventQueue& queue, Trace& trace, Invariants& invariants)
    : scenario_(scenario),
      seed_(seed),
      queue_(queue),
      trace_(trace),
      invariants_(invariants),
      network_(scenario.network, derive_seed(seed, kStreamNetwork)),
      clock_random_(derive_seed(seed, kStreamTimers)) {
  Random clock_random(derive_seed(seed, kStreamClocks));
  for (int i = 0; i < scenario.total_nodes(); ++i) {
    auto sim_node = std::make_unique<Host>();
    sim_node->id = static_cast<NodeId>(i + 1);
    sim_node->storage = std::make_unique<SimStorage>(queue_, scenario.storage,
                                                     derive_seed(seed, kStreamStorageBase + sim_node->id));
    sim_node->env = std::make_unique<NodeEnv>(*this, sim_node->id);
    sim_node->gated_storage = std::make_unique<GatedStorage>(*this, *sim_node);
    sim_node->clock.offset_us = clock_random.between(0, scenario.clock.max_offset_us);
    sim_node->clock.drift_ppm = clock_random.between(-scenario.clock.max_drift_ppm, scenario.clock.max_drift_ppm);
    nodes_.push_back(std::move(sim_node));
  }
}

Cluster::~Cluster() = default;

Host& Cluster::sim_node(NodeId id) {
  CONFMAN_ASSERT(id >= 1 && id <= nodes_.size(), "node id out of range");
  return *nodes_[id - 1];
}

bool Cluster::node_up(NodeId id) const { return nodes_[id - 1]->up(); }

bool Cluster::disk_lost(NodeId id) const { return nodes_[id - 1]->disk_lost; }

bool Cluster::node_healthy(NodeId id) const {
  const Host& host = *nodes_[id - 1];
  return host.up() && !host.paused && !host.disk_full && !host.disk_lost;
}

std::uint64_t Cluster::highest_applied_revision() const {
  std::uint64_t highest = 0;
  for (const auto& host : nodes_) {
    if (host->up()) highest = std::max(highest, host->node().store().revision());
  }
  return highest;
}

void Cluster::note_recovery(NodeId id, const raft::RaftStatus& status) {
  Host& host = *nodes_[id - 1];
  if (!host.repaired || status.recovering) return;
  host.repaired = false;
  trace_.event(now_us(), TraceKind::Recovered, id).field("last_index", static_cast<std::int64_t>(status.last_index));
}

bool Cluster::corrupted(NodeId id) const {
  const Host& target = *nodes_[id - 1];
  // A repaired node counts until it has re-fetched the log: until then it
  // cannot vote, so it is no more use to a quorum than a lost disk.
  const bool recovering = target.up() ? target.node().status().recovering : target.repaired;
  return target.disk_lost || target.storage->corrupted() || recovering;
}

const node::Node* Cluster::node(NodeId id) const {
  const Host& sim_node = *nodes_[id - 1];
  return sim_node.up() ? &sim_node.node() : nullptr;
}

void Cluster::start_nodes() {
  for (auto& sim_node : nodes_) start_node(*sim_node);
}

void Cluster::start_node(Host& sim_node) {
  node::NodeConfig config;
  config.raft.id = sim_node.id;
  // Founding voters know the founding membership; a spare node starts empty
  // and waits for a leader to add it.
  if (sim_node.id <= static_cast<NodeId>(scenario_.nodes)) {
    for (int i = 1; i <= scenario_.nodes; ++i) config.raft.voters.push_back(static_cast<NodeId>(i));
  }
  config.raft.election_timeout_us = scenario_.raft.election_timeout_us;
  config.raft.heartbeat_interval_us = scenario_.raft.heartbeat_interval_us;
  config.snapshot_threshold_entries = scenario_.raft.snapshot_threshold_entries;
  config.snapshot_trailing_entries = scenario_.raft.snapshot_trailing_entries;
  config.snapshot_log_ratio_percent = scenario_.raft.snapshot_log_ratio_percent;
  config.snapshot_threshold_bytes = scenario_.raft.snapshot_threshold_bytes;
  config.snapshot_trailing_bytes = scenario_.raft.snapshot_trailing_bytes;
  // Each incarnation draws fresh election timeouts.
  config.seed = derive_seed(seed_, kStreamNodeBase + sim_node.id * 1000 + sim_node.incarnation);
  node::Env env{sim_node.gated_storage.get(), sim_node.env.get(), nullptr, sim_node.env.get()};
  sim_node.service = std::make_unique<service::Service>(service_config(), std::move(config), env, *sim_node.env);
  sim_node.wakeup_at_us = -1;
  auto started = sim_node.service->start(sim_node.local_now(now_us()));
  if (!started) {
    on_start_failed(sim_node, started.error().detail);
    return;
  }
  if (sim_node.incarnation > 0) invariants_.on_restart(sim_node.node(), now_us());
  after_node_input(sim_node);
}

void Cluster::after_node_input(Host& sim_node) {
  if (!sim_node.up()) return;
  if (sim_node.node().stopped()) {
    on_node_stopped(sim_node);
    return;
  }
  if (sim_node.node().disk_full() != sim_node.disk_full) {
    sim_node.disk_full = sim_node.node().disk_full();
    trace_.event(now_us(), sim_node.disk_full ? TraceKind::DiskFull : TraceKind::DiskSpaceBack, sim_node.id);
  }
  schedule_wakeup(sim_node);
}

void Cluster::on_node_stopped(Host& sim_node) {
  // Fail-stop after a storage failure: the process exits, and an operator
  // (here: after a restart delay) starts it again from its disk.
  trace_.event(now_us(), TraceKind::Stopped, sim_node.id).field("reason", sim_node.node().stop_reason());
  const NodeId id = sim_node.id;
  crash_quietly(sim_node);
  if (restart_needed_) restart_needed_(id);
}

void Cluster::on_start_failed(Host& sim_node, const std::string& detail) {
  sim_node.service.reset();
  trace_.event(now_us(), TraceKind::StartFailed, sim_node.id).field("detail", detail);
  if (sim_node.storage->corrupted()) {
    // Detected and refused: the corrupted disk is never served from. The
    // operator repairs it (cuts the log at the damage) and starts the node
    // again, recovering; a damaged hard state cannot be repaired, and the
    // node stays down (replacing a disk is an operator's job).
    auto repaired = sim_node.storage->repair();
    if (!repaired) {
      sim_node.disk_lost = true;
      return;
    }
    trace_.event(now_us(), TraceKind::Repaired, sim_node.id).field("cut", *repaired);
    sim_node.repaired = true;
    if (restart_needed_) restart_needed_(sim_node.id);
    return;
  }
  if (sim_node.read_error_injected) {
    sim_node.read_error_injected = false;
    if (restart_needed_) restart_needed_(sim_node.id);  // a transient read error: try again later
    return;
  }
  invariants_.fail(ViolationKind::StartFailure, now_us(),
                   "node " + std::to_string(sim_node.id) + " failed to start: " + detail);
}

void Cluster::schedule_wakeup(Host& sim_node) {
  TimeUs deadline_us = std::max(now_us(), sim_node.clock.global_us(sim_node.service->next_deadline_us()));
  if (sim_node.wakeup_at_us >= 0 && sim_node.wakeup_at_us <= deadline_us) return;
  // Clock fault model: a timer may fire late (a loaded machine, a GC pause).
  if (scenario_.clock.timer_late_ppm > 0 && clock_random_.chance(scenario_.clock.timer_late_ppm, kPpm)) {
    deadline_us += clock_random_.between(0, scenario_.clock.timer_late_max_us);
  }
  sim_node.wakeup_at_us = deadline_us;
  queue_.schedule_at(deadline_us, [this, &sim_node, incarnation = sim_node.incarnation, deadline_us] {
    if (!sim_node.up() || sim_node.incarnation != incarnation || sim_node.wakeup_at_us != deadline_us) return;
    if (sim_node.paused) return;  // resume() ticks and reschedules
    sim_node.wakeup_at_us = -1;
    sim_node.service->tick(sim_node.local_now(now_us()));
    after_node_input(sim_node);
  });
}

void Cluster::send_to(EndpointId from, EndpointId to, const std::function<void()>& deliver) {
  const SimNetwork::Plan plan = network_.plan(from, to);
  for (std::uint8_t copy = 0; copy < plan.copies; ++copy) queue_.schedule_after(plan.delay_us[copy], deliver);
}

void Cluster::run_on_node(Host& sim_node, std::function<void()> action) {
  if (!sim_node.up()) return;
  if (!sim_node.paused) {
    action();
    return;
  }
  if (sim_node.deferred.size() < kMaxDeferredPerNode) {
    sim_node.deferred.push_back(std::move(action));
  } else {
    trace_.event(now_us(), TraceKind::Drop, sim_node.id).field("reason", "paused input queue full");
  }
}

void Cluster::deliver_frame(NodeId to, const Bytes& frame) {
  Host& target = sim_node(to);
  if (!target.up()) return;  // a crashed node receives nothing
  if (target.paused) {
    run_on_node(target, [this, to, frame] { deliver_frame(to, frame); });
    return;
  }
  target.service->receive(frame, target.local_now(now_us()));
  if (target.up()) invariants_.on_peer_message(target.node(), now_us());
  after_node_input(target);
}

void Cluster::deliver_request(NodeId to, const service::Request& request) {
  Host& target = sim_node(to);
  if (!target.up()) return;
  if (target.paused) {
    run_on_node(target, [this, to, request] { deliver_request(to, request); });
    return;
  }
  target.service->handle(request, target.local_now(now_us()));
  after_node_input(target);
}

// --- what faults do ---

bool Cluster::crash(NodeId id) {
  Host& target = sim_node(id);
  if (!target.up()) return false;
  trace_.event(now_us(), TraceKind::Fault, id).field("fault", "crash");
  crash_quietly(target);
  return true;
}

void Cluster::note_leadership() {
  const TimeUs now = now_us();
  if (had_leader_) leader_time_us_ += now - leadership_noted_at_us_;
  leadership_noted_at_us_ = now;
  had_leader_ = leader() != kNoNode;
}

TimeUs Cluster::leader_time_us() {
  note_leadership();
  return leader_time_us_;
}

void Cluster::crash_quietly(Host& target) {
  LogIndex durable_commit = 0;
  if (const auto& record = target.storage->durable().hard_state) {
    if (auto hard_state = node::decode_hard_state_record(*record)) durable_commit = hard_state->commit;
  }
  target.service.reset();
  target.paused = false;
  target.deferred.clear();  // input queued for the dead process dies with it
  // Requests forwarded to it die with it: their clients time out.
  forwarded_.erase(forwarded_.lower_bound({target.id, 0}), forwarded_.lower_bound({target.id + 1, 0}));
  target.storage->crash();
  target.incarnation += 1;
  target.disk_full = false;
  invariants_.on_crash(target.id, durable_commit);
  note_leadership();  // the leader may be gone
}

bool Cluster::restart(NodeId id) {
  Host& target = sim_node(id);
  if (target.up() || target.disk_lost) return false;
  trace_.event(now_us(), TraceKind::Fault, id).field("fault", "restart");
  target.restarts += 1;
  start_node(target);
  return true;
}

void Cluster::partition(const std::vector<std::vector<NodeId>>& groups) {
  network_generation_ += 1;
  trace_.event(now_us(), TraceKind::Fault, 0).field("fault", "partition").field("groups", describe_groups(groups));
  network_.partition(groups, scenario_.total_nodes());
}

void Cluster::one_way(const std::vector<NodeId>& from, const std::vector<NodeId>& to) {
  network_generation_ += 1;
  trace_.event(now_us(), TraceKind::Fault, 0).field("fault", "one-way").field("groups", describe_groups({from, to}));
  network_.one_way(from, to);
}

void Cluster::bridge(const std::vector<NodeId>& side_a, const std::vector<NodeId>& side_b, NodeId bridge_node) {
  network_generation_ += 1;
  trace_.event(now_us(), TraceKind::Fault, 0)
      .field("fault", "bridge")
      .field("groups", describe_groups({side_a, side_b, {bridge_node}}));
  network_.bridge(side_a, side_b);
}

void Cluster::flap(NodeId a, NodeId b, TimeUs period_us) {
  network_generation_ += 1;
  trace_.event(now_us(), TraceKind::Fault, 0)
      .field("fault", "flap")
      .field("groups", describe_groups({{a}, {b}}))
      .field("period_us", period_us);
  network_.heal();
  flap_step(a, b, period_us, network_generation_, false);
}

void Cluster::flap_step(NodeId a, NodeId b, TimeUs period_us, std::uint64_t generation, bool up) {
  if (generation != network_generation_) return;  // healed or replaced by another partition
  network_.set_link(a, b, up);
  queue_.schedule_after(period_us, [this, a, b, period_us, generation, up] { flap_step(a, b, period_us, generation, !up); });
}

void Cluster::heal() {
  membership_view_ = nullptr;  // every node is connected: no phase is watching the quorum
  network_generation_ += 1;
  trace_.event(now_us(), TraceKind::Fault, 0).field("fault", "heal");
  network_.heal();
}

void Cluster::trace_fault(NodeId node, std::string_view fault) {
  trace_.event(now_us(), TraceKind::Fault, node).field("fault", fault);
}

void Cluster::connect_only(const std::vector<NodeId>& quorum) {
  network_generation_ += 1;
  network_.partition({quorum}, scenario_.total_nodes());
}

bool Cluster::pause(NodeId id, TimeUs duration_us) {
  Host& target = sim_node(id);
  if (!target.up() || target.paused) return false;
  trace_.event(now_us(), TraceKind::Fault, id).field("fault", "pause").field("duration_us", duration_us);
  target.paused = true;
  queue_.schedule_after(duration_us, [this, id, incarnation = target.incarnation] { resume(id, incarnation); });
  return true;
}

void Cluster::resume(NodeId id, std::uint64_t incarnation) {
  Host& target = sim_node(id);
  if (!target.up() || target.incarnation != incarnation || !target.paused) return;
  trace_.event(now_us(), TraceKind::Fault, id).field("fault", "resume");
  target.paused = false;
  // The stalled process wakes up: first its overdue timers (it may still
  // believe it leads), then everything that queued up while it slept.
  target.wakeup_at_us = -1;
  target.service->tick(target.local_now(now_us()));
  auto deferred = std::move(target.deferred);
  target.deferred.clear();
  for (auto& action : deferred) {
    if (!target.up() || target.incarnation != incarnation || target.paused) break;
    action();
  }
  if (target.up() && target.incarnation == incarnation) after_node_input(target);
}

bool Cluster::disk_fault(TimelineAction action, NodeId id, TimeUs duration_us, Random& random) {
  Host& target = sim_node(id);
  if (target.disk_lost) return false;
  trace_.event(now_us(), TraceKind::Fault, id)
      .field("fault", timeline_action_name(action))
      .field("duration_us", duration_us);
  switch (action) {
    case TimelineAction::DiskError: target.storage->fail_next_write(); break;
    case TimelineAction::DiskFull:
      target.storage->set_full(true);
      queue_.schedule_after(duration_us, [&target] { target.storage->set_full(false); });
      break;
    case TimelineAction::SlowDisk:
      target.storage->set_extra_sync_latency(50'000);
      queue_.schedule_after(duration_us, [&target] { target.storage->set_extra_sync_latency(0); });
      break;
    case TimelineAction::ReadError:
      // The read happens at start-up: crash the node, fail its next load.
      target.storage->fail_next_load();
      target.read_error_injected = true;
      if (target.up()) crash_quietly(target);
      if (restart_needed_) restart_needed_(id);
      break;
    case TimelineAction::Corrupt:
    case TimelineAction::DamageTail: {
      const std::string record = action == TimelineAction::Corrupt ? target.storage->corrupt_random_record(random)
                                                                   : target.storage->corrupt_newest_entry(random);
      trace_.event(now_us(), TraceKind::Corrupted, id).field("record", record);
      // Restart so that start-up reads (and must reject) the record.
      if (target.up()) crash_quietly(target);
      if (restart_needed_) restart_needed_(id);
      break;
    }
    default: CONFMAN_ASSERT(false, "disk_fault called with a non-disk action");
  }
  return true;
}

void Cluster::clock_jump(NodeId id, TimeUs delta_us) {
  Host& target = sim_node(id);
  trace_.event(now_us(), TraceKind::Fault, id).field("fault", "clock-jump").field("delta_us", delta_us);
  target.clock.offset_us += delta_us;
  if (target.up() && !target.paused) {
    target.wakeup_at_us = -1;  // the old wakeup was computed on the old clock
    schedule_wakeup(target);
  }
}

// --- observations ---

NodeId Cluster::leader() const {
  NodeId best = kNoNode;
  Term best_term = 0;
  for (const auto& sim_node : nodes_) {
    if (!sim_node->up()) continue;
    const raft::RaftStatus status = sim_node->node().status();
    if (status.role == raft::Role::Leader && status.term >= best_term) {
      best = status.id;
      best_term = status.term;
    }
  }
  return best;
}

raft::Membership Cluster::current_membership() const {
  const node::Node* newest = nullptr;
  for (NodeId id = 1; id <= static_cast<NodeId>(node_count()); ++id) {
    const node::Node* candidate = node(id);
    if (candidate == nullptr) continue;
    if (newest == nullptr || candidate->raft().membership_index() > newest->raft().membership_index()) {
      newest = candidate;
    }
  }
  if (newest != nullptr && !newest->membership().empty()) return newest->membership();
  raft::Membership founding;
  for (int i = 1; i <= scenario_.nodes; ++i) founding.voters.push_back(static_cast<NodeId>(i));
  return founding;
}

// A corrupted node's membership counts as it last reported it: it will
// never start again.
std::vector<raft::Membership> Cluster::memberships_held() const {
  std::vector<raft::Membership> memberships;
  for (const auto& sim_node : nodes_) {
    if (sim_node->last_membership.empty()) continue;
    const raft::Membership& held = sim_node->last_membership;
    if (std::find(memberships.begin(), memberships.end(), held) == memberships.end()) memberships.push_back(held);
  }
  if (memberships.empty()) memberships.push_back(current_membership());
  return memberships;
}

}  // namespace confman::sim
