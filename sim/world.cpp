#include "sim/world.h"
#include "sim/world_node.h"

#include <algorithm>

#include "core/node/stored_record.h"
#include "core/raft/message.h"

namespace confman::sim {

namespace {
// Stream labels for derive_seed: each consumer draws from its own sequence,
// so adding a draw in one place does not shift every other one.
constexpr std::uint64_t kStreamNetwork = 1;
constexpr std::uint64_t kStreamNemesis = 2;
constexpr std::uint64_t kStreamClocks = 3;
constexpr std::uint64_t kStreamTimers = 4;
constexpr std::uint64_t kStreamLiveness = 5;
constexpr std::uint64_t kStreamMembership = 6;
constexpr std::size_t kMaxDeferredPerNode = 100'000;  // input queued for a paused node
constexpr std::uint64_t kStreamNodeBase = 100;
constexpr std::uint64_t kStreamStorageBase = 200;
constexpr std::uint64_t kStreamClientBase = 1000;
constexpr std::uint64_t kStreamWatcherBase = 2000;
constexpr TimeUs kNemesisTickUs = 100'000;
constexpr std::uint64_t kNemesisTicksPerMinute = 600;

// The request layer as the simulator runs it: progress notices often
// enough that a watcher notices a broken stream within a second.
service::ServiceConfig service_config(const Scenario&) {
  service::ServiceConfig config;
  config.watch_progress_interval_us = 200'000;
  config.read_wait_timeout_us = 200'000;
  return config;
}
}  // namespace

TimeUs NodeClock::global_us(TimeUs local) const {
  // Invert local = g + offset + g * drift / 1e6, then step up to the first
  // global microsecond whose local reading reaches `local`.
  TimeUs guess = (local - offset_us) * 1'000'000 / (1'000'000 + drift_ppm);
  if (guess < 0) guess = 0;
  while (local_us(guess) < local) guess += 1;
  while (guess > 0 && local_us(guess - 1) >= local) guess -= 1;
  return guess;
}

// Connects one node to the world: its transport, the output of its request
// layer and its observer (feeding the invariant checker and the trace).
class World::NodeEnv final : public node::Transport, public service::ServiceOutput, public node::NodeObserver {
 public:
  NodeEnv(World& world, NodeId id) : world_(world), id_(id) {}

  void send(NodeId to, Bytes frame) override {
    const auto type = raft::peek_message_type(frame);
    world_.trace_.event(world_.now_us(), TraceKind::Send, id_)
        .field("to", static_cast<std::int64_t>(to))
        .field("type", type ? raft::message_type_name(*type) : "?")
        .field("bytes", static_cast<std::int64_t>(frame.size()));
    const SimNetwork::Plan plan = world_.network_.plan(id_, to);
    for (std::uint8_t copy = 0; copy < plan.copies; ++copy) {
      auto shared = std::make_shared<Bytes>(copy + 1 < plan.copies ? frame : std::move(frame));
      if (world_.network_.maybe_corrupt(*shared)) {
        world_.trace_.event(world_.now_us(), TraceKind::Corrupt, id_).field("to", static_cast<std::int64_t>(to));
      }
      World& world = world_;
      world_.queue_.schedule_after(plan.delay_us[copy], [&world, to, shared] { world.deliver_frame(to, *shared); });
    }
  }

  void respond(service::Response response) override { world_.route_response(id_, response); }
  void forward(NodeId leader, const service::Request& request) override { world_.forward_request(id_, leader, request); }
  void watch_events(service::WatchBatch batch) override {
    const std::uint64_t watch_id = batch.watch_id;
    World& world = world_;
    world_.send_on_stream(watch_id, [&world, batch = std::move(batch)] {
      const int watcher = Client::client_of(batch.watch_id) - Watcher::kFirstClientIndex;
      world.watchers_[static_cast<std::size_t>(watcher)]->on_batch(batch);
    });
  }
  void watch_ended(std::uint64_t watch_id, service::Code code, std::string) override {
    World& world = world_;
    world_.send_on_stream(watch_id, [&world, watch_id, code] {
      const int watcher = Client::client_of(watch_id) - Watcher::kFirstClientIndex;
      world.watchers_[static_cast<std::size_t>(watcher)]->on_ended(watch_id, code);
    });
  }

  void on_status_change(const raft::RaftStatus& status) override {
    world_.trace_.event(world_.now_us(), TraceKind::Status, id_)
        .field("role", raft::role_name(status.role))
        .field("term", static_cast<std::int64_t>(status.term))
        .field("leader", static_cast<std::int64_t>(status.leader))
        .field("commit", static_cast<std::int64_t>(status.commit));
    const node::Node* node = world_.node(id_);
    if (node != nullptr) world_.invariants_.on_status(*node, status, world_.now_us());
  }

  void on_entries_persisted(NodeId node, const std::vector<raft::Entry>& entries) override {
    world_.invariants_.on_persisted(node, entries, world_.now_us());
  }

  void on_write_applied(NodeId node, LogIndex, const kv::WriteRequest& request,
                        const kv::WriteResult& result) override {
    world_.record_committed(node, request, result);
  }

  void on_apply(NodeId node, const raft::Entry& entry) override {
    world_.trace_.event(world_.now_us(), TraceKind::Apply, node)
        .field("index", static_cast<std::int64_t>(entry.index))
        .field("term", static_cast<std::int64_t>(entry.term));
    world_.invariants_.on_apply(node, entry, world_.now_us());
  }

  void on_snapshot_installed(NodeId node, LogIndex index, Term term) override {
    world_.trace_.event(world_.now_us(), TraceKind::Snapshot, node)
        .field("index", static_cast<std::int64_t>(index))
        .field("term", static_cast<std::int64_t>(term));
    world_.invariants_.on_snapshot_installed(node, index, term, world_.now_us());
  }

  void on_membership_change(NodeId node, const raft::Membership& membership, LogIndex index, bool committed) override {
    world_.trace_.event(world_.now_us(), TraceKind::MembershipView, node)
        .field("index", static_cast<std::int64_t>(index))
        .field("committed", committed ? 1 : 0)
        .field("membership", membership.describe());
    world_.sim_node(node).last_membership = membership;
    // A change already on its way when the operator stopped (say, to a
    // paused leader) can move the quorum during the liveness phase.
    if (world_.liveness_phase_) world_.grow_liveness_quorum();
  }

  void on_log_compacted(NodeId node, LogIndex through) override {
    world_.trace_.event(world_.now_us(), TraceKind::Compact, node).field("through", static_cast<std::int64_t>(through));
    world_.invariants_.on_log_compacted(node, through, world_.now_us());
  }

 private:
  World& world_;
  NodeId id_;
};

// The disk completes writes on its own schedule, but a paused process runs
// no code: completions reach the node through the same gate as messages.
class World::GatedStorage final : public node::Storage {
 public:
  GatedStorage(World& world, SimNode& sim_node) : world_(world), sim_node_(sim_node) {}
  Result<node::StoredState, node::StorageError> load() override { return sim_node_.storage->load(); }
  void write(node::WriteBatch batch, std::function<void(node::StorageStatus)> on_complete) override {
    World& world = world_;
    SimNode& sim_node = sim_node_;
    sim_node_.storage->write(std::move(batch), [&world, &sim_node, on_complete = std::move(on_complete)](
                                                   node::StorageStatus status) {
      world.run_on_node(sim_node, [&world, &sim_node, on_complete, status] {
        on_complete(status);
        world.after_node_input(sim_node);  // the write may have stopped the node (fail-stop)
      });
    });
  }

 private:
  World& world_;
  SimNode& sim_node_;
};

World::World(const Scenario& scenario, std::uint64_t seed, Trace& trace)
    : scenario_(scenario),
      seed_(seed),
      trace_(trace),
      network_(scenario.network, derive_seed(seed, kStreamNetwork)),
      clock_random_(derive_seed(seed, kStreamTimers)),
      nemesis_random_(derive_seed(seed, kStreamNemesis)),
      liveness_random_(derive_seed(seed, kStreamLiveness)),
      membership_random_(derive_seed(seed, kStreamMembership)),
      invariants_(scenario.total_nodes()) {
  Random clock_random(derive_seed(seed, kStreamClocks));
  for (int i = 0; i < scenario.total_nodes(); ++i) {
    auto sim_node = std::make_unique<SimNode>();
    sim_node->id = static_cast<NodeId>(i + 1);
    sim_node->storage = std::make_unique<SimStorage>(queue_, scenario.storage,
                                                     derive_seed(seed, kStreamStorageBase + sim_node->id));
    sim_node->env = std::make_unique<NodeEnv>(*this, sim_node->id);
    sim_node->gated_storage = std::make_unique<GatedStorage>(*this, *sim_node);
    sim_node->clock.offset_us = clock_random.between(0, scenario.clock.max_offset_us);
    sim_node->clock.drift_ppm = clock_random.between(-scenario.clock.max_drift_ppm, scenario.clock.max_drift_ppm);
    nodes_.push_back(std::move(sim_node));
  }
  for (int i = 0; i < scenario.workload.clients; ++i) {
    clients_.push_back(std::make_unique<Client>(
        i, scenario.total_nodes(), scenario.workload, derive_seed(seed, kStreamClientBase + static_cast<std::uint64_t>(i)),
        queue_, history_, trace_, [this](int client, NodeId node, const service::Request& request) {
          send_to(kClientEndpointBase + static_cast<EndpointId>(client), node,
                  [this, node, request] { deliver_request(node, request); });
        }));
  }
  for (int i = 0; i < scenario.workload.watchers; ++i) {
    watchers_.push_back(std::make_unique<Watcher>(
        i, scenario.total_nodes(), scenario.workload, service_config(scenario).watch_progress_interval_us,
        derive_seed(seed, kStreamWatcherBase + static_cast<std::uint64_t>(i)), queue_, trace_,
        [this](int watcher, NodeId node, const service::Request& request) { open_watch(watcher, node, request); },
        [this](std::uint64_t watch_id) { close_watch(watch_id); }));
  }
}

World::~World() = default;

World::SimNode& World::sim_node(NodeId id) {
  CONFMAN_ASSERT(id >= 1 && id <= nodes_.size(), "node id out of range");
  return *nodes_[id - 1];
}

bool World::node_up(NodeId id) const { return nodes_[id - 1]->up(); }

bool World::disk_lost(NodeId id) const { return nodes_[id - 1]->disk_lost; }

bool World::corrupted(NodeId id) const {
  const SimNode& target = *nodes_[id - 1];
  return target.disk_lost || target.storage->corrupted();
}

const node::Node* World::node(NodeId id) const {
  const SimNode& sim_node = *nodes_[id - 1];
  return sim_node.up() ? &sim_node.node() : nullptr;
}

void World::start() {
  for (auto& sim_node : nodes_) start_node(*sim_node);
  for (auto& client : clients_) client->start();
  for (auto& watcher : watchers_) watcher->start();
  schedule_timeline();
  schedule_nemesis();
}

void World::start_node(SimNode& sim_node) {
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
  // Each incarnation draws fresh election timeouts.
  config.seed = derive_seed(seed_, kStreamNodeBase + sim_node.id * 1000 + sim_node.incarnation);
  node::Env env{sim_node.gated_storage.get(), sim_node.env.get(), nullptr, sim_node.env.get()};
  sim_node.service = std::make_unique<service::Service>(service_config(scenario_), std::move(config), env, *sim_node.env);
  sim_node.wakeup_at_us = -1;
  auto started = sim_node.service->start(sim_node.local_now(now_us()));
  if (!started) {
    on_start_failed(sim_node, started.error().detail);
    return;
  }
  if (sim_node.incarnation > 0) invariants_.on_restart(sim_node.node(), now_us());
  after_node_input(sim_node);
}

void World::after_node_input(SimNode& sim_node) {
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

void World::on_node_stopped(SimNode& sim_node) {
  // Fail-stop after a storage failure: the process exits, and an operator
  // (here: after a restart delay) starts it again from its disk.
  trace_.event(now_us(), TraceKind::Stopped, sim_node.id).field("reason", sim_node.node().stop_reason());
  const NodeId id = sim_node.id;
  crash_quietly(sim_node);
  schedule_restart(id);
}

void World::schedule_restart(NodeId id) {
  const NemesisOptions& options = scenario_.nemesis;
  const TimeUs restart_after_us = nemesis_random_.between(options.restart_after_min_us, options.restart_after_max_us);
  queue_.schedule_after(restart_after_us, [this, id] { restart(id); });
}

void World::on_start_failed(SimNode& sim_node, const std::string& detail) {
  sim_node.service.reset();
  trace_.event(now_us(), TraceKind::StartFailed, sim_node.id).field("detail", detail);
  if (sim_node.storage->corrupted()) {
    // Detected and refused: the corrupted disk is never served from. The
    // node stays down (replacing a disk is an operator's job).
    sim_node.disk_lost = true;
    return;
  }
  if (sim_node.read_error_injected) {
    sim_node.read_error_injected = false;
    schedule_restart(sim_node.id);  // a transient read error: try again later
    return;
  }
  invariants_.fail(ViolationKind::StartFailure, now_us(), "node " + std::to_string(sim_node.id) + " failed to start: " + detail);
}

void World::schedule_wakeup(SimNode& sim_node) {
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

void World::send_to(EndpointId from, EndpointId to, const std::function<void()>& deliver) {
  const SimNetwork::Plan plan = network_.plan(from, to);
  for (std::uint8_t copy = 0; copy < plan.copies; ++copy) queue_.schedule_after(plan.delay_us[copy], deliver);
}

void World::run_on_node(SimNode& sim_node, std::function<void()> action) {
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

void World::deliver_frame(NodeId to, const Bytes& frame) {
  SimNode& target = sim_node(to);
  if (!target.up()) return;  // a crashed node receives nothing
  if (target.paused) {
    run_on_node(target, [this, to, frame] { deliver_frame(to, frame); });
    return;
  }
  target.service->receive(frame, target.local_now(now_us()));
  after_node_input(target);
}

void World::deliver_request(NodeId to, const service::Request& request) {
  SimNode& target = sim_node(to);
  if (!target.up()) return;
  if (target.paused) {
    run_on_node(target, [this, to, request] { deliver_request(to, request); });
    return;
  }
  target.service->handle(request, target.local_now(now_us()));
  after_node_input(target);
}

void World::run_until(TimeUs until_us) {
  while (!queue_.empty() && queue_.next_time_us() <= until_us && !invariants_.violated()) {
    queue_.run_next();
  }
  if (!invariants_.violated()) queue_.advance_to(until_us);
}

void World::crash(NodeId id) {
  SimNode& target = sim_node(id);
  if (!target.up()) return;
  faults_ += 1;
  trace_.event(now_us(), TraceKind::Fault, id).field("fault", "crash");
  record_fault(TimelineEvent{.action = TimelineAction::Crash, .node = id});
  crash_quietly(target);
}

void World::crash_quietly(SimNode& target) {
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
}

void World::restart(NodeId id) {
  SimNode& target = sim_node(id);
  if (target.up() || target.disk_lost) return;
  trace_.event(now_us(), TraceKind::Fault, id).field("fault", "restart");
  record_fault(TimelineEvent{.action = TimelineAction::Restart, .node = id});
  target.restarts += 1;
  start_node(target);
}

void World::record_fault(TimelineEvent event) {
  event.at_us = now_us();
  if (fault_log_.size() < kMaxFaultLog) fault_log_.push_back(std::move(event));
}

void World::partition(const std::vector<std::vector<NodeId>>& groups) {
  faults_ += 1;
  flap_generation_ += 1;
  trace_.event(now_us(), TraceKind::Fault, 0).field("fault", "partition").field("groups", describe_groups(groups));
  network_.partition(groups, scenario_.total_nodes());
  record_fault(TimelineEvent{.action = TimelineAction::Partition, .groups = groups});
}

void World::one_way(const std::vector<NodeId>& from, const std::vector<NodeId>& to) {
  faults_ += 1;
  flap_generation_ += 1;
  trace_.event(now_us(), TraceKind::Fault, 0).field("fault", "one-way").field("groups", describe_groups({from, to}));
  network_.one_way(from, to);
  record_fault(TimelineEvent{.action = TimelineAction::OneWay, .groups = {from, to}});
}

void World::bridge(const std::vector<NodeId>& side_a, const std::vector<NodeId>& side_b, NodeId bridge_node) {
  faults_ += 1;
  flap_generation_ += 1;
  trace_.event(now_us(), TraceKind::Fault, 0)
      .field("fault", "bridge")
      .field("groups", describe_groups({side_a, side_b, {bridge_node}}));
  network_.bridge(side_a, side_b);
  record_fault(TimelineEvent{.action = TimelineAction::Bridge, .groups = {side_a, side_b, {bridge_node}}});
}

void World::flap(NodeId a, NodeId b, TimeUs period_us) {
  faults_ += 1;
  flap_generation_ += 1;
  trace_.event(now_us(), TraceKind::Fault, 0)
      .field("fault", "flap")
      .field("groups", describe_groups({{a}, {b}}))
      .field("period_us", period_us);
  network_.heal();
  record_fault(TimelineEvent{.action = TimelineAction::Flap, .groups = {{a}, {b}}, .period_us = period_us});
  flap_step(a, b, period_us, flap_generation_, false);
}

void World::flap_step(NodeId a, NodeId b, TimeUs period_us, std::uint64_t generation, bool up) {
  if (generation != flap_generation_) return;  // healed or replaced by another partition
  network_.set_link(a, b, up);
  queue_.schedule_after(period_us, [this, a, b, period_us, generation, up] { flap_step(a, b, period_us, generation, !up); });
}

void World::heal() {
  liveness_phase_ = false;  // every node is connected: nothing left to grow
  flap_generation_ += 1;
  trace_.event(now_us(), TraceKind::Fault, 0).field("fault", "heal");
  network_.heal();
  record_fault(TimelineEvent{.action = TimelineAction::Heal});
}

void World::pause(NodeId id, TimeUs duration_us) {
  SimNode& target = sim_node(id);
  if (!target.up() || target.paused) return;
  faults_ += 1;
  trace_.event(now_us(), TraceKind::Fault, id).field("fault", "pause").field("duration_us", duration_us);
  record_fault(TimelineEvent{.action = TimelineAction::Pause, .node = id, .duration_us = duration_us});
  target.paused = true;
  queue_.schedule_after(duration_us, [this, id, incarnation = target.incarnation] { resume(id, incarnation); });
}

void World::resume(NodeId id, std::uint64_t incarnation) {
  SimNode& target = sim_node(id);
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

void World::disk_fault(TimelineAction action, NodeId id, TimeUs duration_us) {
  SimNode& target = sim_node(id);
  if (target.disk_lost) return;
  faults_ += 1;
  trace_.event(now_us(), TraceKind::Fault, id)
      .field("fault", timeline_action_name(action))
      .field("duration_us", duration_us);
  record_fault(TimelineEvent{.action = action, .node = id, .duration_us = duration_us});
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
      schedule_restart(id);
      break;
    case TimelineAction::Corrupt: {
      const std::string record = target.storage->corrupt_random_record(nemesis_random_);
      trace_.event(now_us(), TraceKind::Corrupted, id).field("record", record);
      // Restart so that start-up reads (and must reject) the record.
      if (target.up()) crash_quietly(target);
      schedule_restart(id);
      break;
    }
    default: CONFMAN_ASSERT(false, "disk_fault called with a non-disk action");
  }
}

void World::clock_jump(NodeId id, TimeUs delta_us) {
  SimNode& target = sim_node(id);
  faults_ += 1;
  trace_.event(now_us(), TraceKind::Fault, id).field("fault", "clock-jump").field("delta_us", delta_us);
  record_fault(TimelineEvent{.action = TimelineAction::ClockJump, .node = id, .delta_us = delta_us});
  target.clock.offset_us += delta_us;
  if (target.up() && !target.paused) {
    target.wakeup_at_us = -1;  // the old wakeup was computed on the old clock
    schedule_wakeup(target);
  }
}

void World::isolate_leader() {
  const NodeId isolated = leader() != kNoNode ? leader() : 1 + nemesis_random_.below(nodes_.size());
  std::vector<NodeId> rest;
  for (auto& sim_node : nodes_) {
    if (sim_node->id != isolated) rest.push_back(sim_node->id);
  }
  partition({{isolated}, rest});
}

NodeId World::leader() const {
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

// Every membership a node holds now (a corrupted node's as it last reported
// it: it will never start again).
std::vector<raft::Membership> World::memberships_held() const {
  std::vector<raft::Membership> memberships;
  for (const auto& sim_node : nodes_) {
    if (sim_node->last_membership.empty()) continue;
    const raft::Membership& held = sim_node->last_membership;
    if (std::find(memberships.begin(), memberships.end(), held) == memberships.end()) memberships.push_back(held);
  }
  if (memberships.empty()) memberships.push_back(current_membership());
  return memberships;
}

// Adds nodes, in a random order, to liveness_quorum_ until it holds a
// majority of every membership a node holds: during a change, nodes
// disagree on the membership by one server, and a set that is a quorum of
// only one of them may be stuck for good.
void World::grow_liveness_quorum() {
  const std::vector<raft::Membership> memberships = memberships_held();
  std::vector<NodeId>& quorum = liveness_quorum_;
  auto has_majority_of_all = [&] {
    return std::all_of(memberships.begin(), memberships.end(), [&](const raft::Membership& m) {
      const auto in = std::count_if(quorum.begin(), quorum.end(), [&](NodeId id) { return m.is_voter(id); });
      return static_cast<std::size_t>(in) >= m.quorum();
    });
  };
  if (has_majority_of_all()) return;
  std::vector<NodeId> candidates;
  for (auto& sim_node : nodes_) {
    const NodeId id = sim_node->id;
    const bool votes_somewhere = std::any_of(memberships.begin(), memberships.end(),
                                             [&](const raft::Membership& m) { return m.is_voter(id); });
    const bool in_quorum = std::find(quorum.begin(), quorum.end(), id) != quorum.end();
    // A corrupted disk cannot be healed (the node will refuse to start).
    if (votes_somewhere && !in_quorum && !corrupted(id)) candidates.push_back(id);
  }
  for (std::size_t i = candidates.size(); i > 1; --i) std::swap(candidates[i - 1], candidates[liveness_random_.below(i)]);
  for (NodeId id : candidates) {
    if (has_majority_of_all()) break;
    quorum.push_back(id);
  }
  std::sort(quorum.begin(), quorum.end());
  // The harness's own healing, not a fault: traced, not counted.
  flap_generation_ += 1;
  trace_.event(now_us(), TraceKind::Phase, 0).field("phase", "liveness").field("quorum", describe_groups({quorum}));
  network_.partition({quorum}, scenario_.total_nodes());
}

void World::heal_random_quorum() {
  // A crashed node holds, once restarted, the membership on its disk: not
  // the one it reported before the crash if a configuration entry it had
  // appended was not yet durable. So every crashed node restarts first (a
  // quorum chosen from its old view could be stuck for good; found by
  // fuzz_membership: "add-voter 3; crash 1" with entry 3 lost on node 1).
  for (auto& sim_node : nodes_) {
    if (!corrupted(sim_node->id)) restart(sim_node->id);
  }
  liveness_phase_ = true;
  liveness_quorum_.clear();
  grow_liveness_quorum();
}

void World::send_probe_write(NodeId leader) {
  probe_writes_ += 1;
  service::Request request;
  request.id = Client::request_id(kProbeClient, probe_writes_, 1);
  request.operation = service::Operation::Put;
  request.key = "/liveness/probe";
  request.value = std::to_string(probe_writes_);
  send_to(kClientEndpointBase + kProbeClient, leader, [this, leader, request] { deliver_request(leader, request); });
}

void World::stop_clients() {
  for (auto& client : clients_) client->stop_issuing();
  for (auto& watcher : watchers_) watcher->stop();
  // The operator stops too: a membership change retried into the liveness
  // phase could move the quorum away from the nodes it connects.
  admin_ops_.clear();
}

bool World::clients_idle() const {
  return std::all_of(clients_.begin(), clients_.end(), [](const auto& client) { return client->idle(); });
}

ClientStats World::client_stats() const {
  ClientStats total;
  for (const auto& client : clients_) total += client->stats();
  return total;
}

std::vector<check::WatchSegment> World::watch_segments() const {
  std::vector<check::WatchSegment> segments;
  for (const auto& watcher : watchers_) {
    segments.insert(segments.end(), watcher->segments().begin(), watcher->segments().end());
  }
  return segments;
}

std::uint64_t World::watch_events() const {
  std::uint64_t events = 0;
  for (const auto& watcher : watchers_) events += watcher->events_received();
  return events;
}

std::uint64_t World::watch_resumptions() const {
  std::uint64_t resumptions = 0;
  for (const auto& watcher : watchers_) resumptions += watcher->resumptions();
  return resumptions;
}

std::uint64_t World::writes_acknowledged() const { return client_stats().writes_ok; }

std::vector<std::vector<NodeId>> World::random_halves() {
  std::vector<NodeId> shuffled;
  for (auto& sim_node : nodes_) shuffled.push_back(sim_node->id);
  for (std::size_t i = shuffled.size(); i > 1; --i) std::swap(shuffled[i - 1], shuffled[nemesis_random_.below(i)]);
  const std::size_t cut = 1 + nemesis_random_.below(shuffled.size() - 1);
  std::vector<NodeId> a(shuffled.begin(), shuffled.begin() + static_cast<std::ptrdiff_t>(cut));
  std::vector<NodeId> b(shuffled.begin() + static_cast<std::ptrdiff_t>(cut), shuffled.end());
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return {a, b};
}

std::string World::describe_groups(const std::vector<std::vector<NodeId>>& groups) {
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

void World::schedule_nemesis() {
  const NemesisOptions& options = scenario_.nemesis;
  if (options.partitions_per_minute == 0 && options.crashes_per_minute == 0 && options.pauses_per_minute == 0 &&
      options.clock_jumps_per_minute == 0 && options.disk_faults_per_minute == 0 &&
      options.membership_changes_per_minute == 0) {
    return;
  }
  queue_.schedule_after(kNemesisTickUs, [this] {
    if (now_us() >= scenario_.duration_us) return;  // the safety phase is over
    nemesis_step();
    schedule_nemesis();
  });
}

void World::nemesis_step() {
  const NemesisOptions& options = scenario_.nemesis;
  if (!network_.partitioned() && nemesis_random_.chance(options.partitions_per_minute, kNemesisTicksPerMinute)) {
    random_network_fault();
    const TimeUs heal_after_us = nemesis_random_.between(options.heal_after_min_us, options.heal_after_max_us);
    queue_.schedule_after(heal_after_us, [this, generation = flap_generation_] {
      if (generation == flap_generation_) heal();  // not already healed or replaced
    });
  }
  if (nemesis_random_.chance(options.crashes_per_minute, kNemesisTicksPerMinute)) random_crash();
  if (nemesis_random_.chance(options.pauses_per_minute, kNemesisTicksPerMinute)) {
    const NodeId victim = 1 + nemesis_random_.below(nodes_.size());
    pause(victim, nemesis_random_.between(1, options.pause_max_us));
  }
  if (nemesis_random_.chance(options.disk_faults_per_minute, kNemesisTicksPerMinute)) random_disk_fault();
  if (nemesis_random_.chance(options.clock_jumps_per_minute, kNemesisTicksPerMinute)) {
    const NodeId victim = 1 + nemesis_random_.below(nodes_.size());
    clock_jump(victim, nemesis_random_.between(-options.clock_jump_max_us, options.clock_jump_max_us));
  }
  // Its own stream: scenarios without membership changes draw as before.
  if (options.membership_changes_per_minute > 0 &&
      membership_random_.chance(options.membership_changes_per_minute, kNemesisTicksPerMinute)) {
    random_membership_change();
  }
}

void World::random_network_fault() {
  const std::vector<std::vector<NodeId>> halves = random_halves();
  switch (nemesis_random_.below(5)) {
    case 0: partition(halves); break;
    case 1: isolate_leader(); break;
    case 2: one_way(halves[0], halves[1]); break;
    case 3: {
      // A bridge needs a node on each side besides the bridge itself.
      if (nodes_.size() < 3) {
        partition(halves);
        break;
      }
      std::vector<NodeId> side_a = halves[0];
      std::vector<NodeId> side_b = halves[1];
      std::vector<NodeId>& larger = side_a.size() >= side_b.size() ? side_a : side_b;
      const NodeId bridge_node = larger.back();
      larger.pop_back();
      bridge(side_a, side_b, bridge_node);
      break;
    }
    default: {
      const NodeId a = 1 + nemesis_random_.below(nodes_.size());
      const NodeId b = 1 + (a + nemesis_random_.below(nodes_.size() - 1)) % nodes_.size();
      flap(a, b, nemesis_random_.between(20'000, 500'000));
      break;
    }
  }
}

void World::random_disk_fault() {
  const NodeId victim = 1 + nemesis_random_.below(nodes_.size());
  const TimeUs duration_us = nemesis_random_.between(1, scenario_.nemesis.disk_fault_max_us);
  switch (nemesis_random_.below(5)) {
    case 0: disk_fault(TimelineAction::DiskError, victim, 0); break;
    case 1: disk_fault(TimelineAction::DiskFull, victim, duration_us); break;
    case 2: disk_fault(TimelineAction::SlowDisk, victim, duration_us); break;
    case 3: disk_fault(TimelineAction::ReadError, victim, 0); break;
    default: {
      // Corrupt at most a minority of the voters' disks, leaving room for
      // one more failure: the cluster must keep a quorum of intact replicas
      // to survive at all. A non-voter's disk does not count.
      const raft::Membership membership = current_membership();
      std::size_t corrupted_voters = 0;
      for (NodeId voter : membership.voters) corrupted_voters += corrupted(voter) ? 1 : 0;
      const bool harmless = corrupted(victim) || !membership.is_voter(victim);
      if (harmless || corrupted_voters + 1 <= (membership.voters.size() - 1) / 2) {
        disk_fault(TimelineAction::Corrupt, victim, 0);
      }
      break;
    }
  }
}

void World::random_crash() {
  const NemesisOptions& options = scenario_.nemesis;
  // Crash at most a minority of the voters at once, so the cluster can
  // still make progress.
  const raft::Membership membership = current_membership();
  std::vector<NodeId> up;
  for (auto& sim_node : nodes_) {
    if (sim_node->up()) up.push_back(sim_node->id);
  }
  std::size_t voters_down = 0;
  for (NodeId voter : membership.voters) voters_down += sim_node(voter).up() ? 0 : 1;
  if (up.empty()) return;
  const NodeId victim = up[nemesis_random_.below(up.size())];
  if (membership.is_voter(victim) && voters_down + 1 > (membership.voters.size() - 1) / 2) return;
  crash(victim);
  const TimeUs restart_after_us = nemesis_random_.between(options.restart_after_min_us, options.restart_after_max_us);
  queue_.schedule_after(restart_after_us, [this, victim] { restart(victim); });
}

void World::schedule_timeline() {
  for (const TimelineEvent& event : scenario_.timeline) {
    queue_.schedule_at(event.at_us, [this, event] { apply_timeline_event(event); });
  }
}

void World::apply_timeline_event(const TimelineEvent& event) {
  switch (event.action) {
    case TimelineAction::Partition: partition(event.groups); break;
    case TimelineAction::Heal: heal(); break;
    case TimelineAction::Crash: crash(event.node); break;
    case TimelineAction::Restart: restart(event.node); break;
    case TimelineAction::IsolateLeader: isolate_leader(); break;
    case TimelineAction::OneWay: one_way(event.groups[0], event.groups[1]); break;
    case TimelineAction::Bridge: bridge(event.groups[0], event.groups[1], event.groups[2][0]); break;
    case TimelineAction::Flap: flap(event.groups[0][0], event.groups[1][0], event.period_us); break;
    case TimelineAction::Pause: pause(event.node, event.duration_us); break;
    case TimelineAction::ClockJump: clock_jump(event.node, event.delta_us); break;
    case TimelineAction::DiskError:
    case TimelineAction::DiskFull:
    case TimelineAction::Corrupt:
    case TimelineAction::SlowDisk:
    case TimelineAction::ReadError: disk_fault(event.action, event.node, event.duration_us); break;
    case TimelineAction::AddLearner:
    case TimelineAction::AddVoter:
    case TimelineAction::Promote:
    case TimelineAction::Remove:
    case TimelineAction::TransferLeader: membership_change(event.action, event.node); break;
  }
}

}  // namespace confman::sim
