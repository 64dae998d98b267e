#include "sim/swarm.h"

#include "core/util/codec.h"
#include "core/util/random.h"

namespace confman::sim {

namespace {

constexpr std::uint64_t kStreamSwarm = 77;

// Off half the time; otherwise anywhere up to max (a swarm leaves features out).
std::uint32_t maybe(Random& random, std::uint32_t max) {
  return random.chance(1, 2) ? 0 : static_cast<std::uint32_t>(random.between(1, max));
}

void draw_network(Random& random, NetworkOptions& network) {
  network.delay_min_us = random.between(100, 2'000);
  network.delay_max_us = network.delay_min_us + random.between(0, 20'000);
  network.loss_ppm = maybe(random, 100'000);
  network.duplicate_ppm = maybe(random, 50'000);
  network.corrupt_ppm = maybe(random, 20'000);
  network.tail_ppm = maybe(random, 20'000);
  network.tail_base_us = random.between(1'000, 50'000);
  network.tail_max_us = network.tail_base_us + random.between(0, 3'000'000);
}

void draw_workload(Random& random, WorkloadOptions& workload) {
  workload.clients = static_cast<int>(random.between(1, 16));
  workload.keys = static_cast<int>(random.between(1, 8));
  workload.think_min_us = random.between(0, 20'000);
  workload.think_max_us = workload.think_min_us + random.between(0, 200'000);
  workload.get_weight = static_cast<std::uint32_t>(random.between(0, 10));
  workload.put_weight = static_cast<std::uint32_t>(random.between(1, 10));
  workload.delete_weight = static_cast<std::uint32_t>(random.between(0, 5));
  workload.cas_weight = static_cast<std::uint32_t>(random.between(0, 10));
}

// How gets read, how often clients ask for redirects or reach a random
// node, and how many watchers there are (none, sometimes).
void draw_requests(Random& random, WorkloadOptions& workload) {
  if (workload.unsafe_local_reads) return;  // a canary keeps its reads
  workload.linearizable_read_weight = static_cast<std::uint32_t>(random.between(0, 10));
  workload.read_your_writes_weight = static_cast<std::uint32_t>(random.between(0, 10));
  workload.stale_read_weight = static_cast<std::uint32_t>(random.between(0, 10));
  if (workload.linearizable_read_weight + workload.read_your_writes_weight + workload.stale_read_weight == 0) {
    workload.linearizable_read_weight = 1;
  }
  workload.redirect_ppm = static_cast<std::uint32_t>(random.between(0, 1'000'000));
  workload.any_node_ppm = static_cast<std::uint32_t>(random.between(0, 1'000'000));
  workload.watchers = static_cast<int>(random.between(0, 4));
  workload.cluster_watchers = static_cast<int>(random.between(0, 2));
}

// The real server's snapshot schedule (snapshots only once the log outgrows
// them, and by bytes as well as entries) half the time; otherwise the
// scenario's, by entries alone.
void draw_snapshots(Random& random, RaftTiming& raft) {
  if (random.chance(1, 2)) raft.snapshot_log_ratio_percent = static_cast<std::uint32_t>(random.between(50, 300));
  if (random.chance(1, 2)) {
    raft.snapshot_threshold_bytes = static_cast<std::uint64_t>(random.between(2'000, 200'000));
    raft.snapshot_trailing_bytes = static_cast<std::uint64_t>(random.between(0, 20'000));
  }
}

void draw_faults(Random& random, Scenario& scenario) {
  NemesisOptions& nemesis = scenario.nemesis;
  nemesis.partitions_per_minute = maybe(random, 30);
  nemesis.crashes_per_minute = maybe(random, 30);
  nemesis.pauses_per_minute = maybe(random, 20);
  nemesis.clock_jumps_per_minute = maybe(random, 20);
  nemesis.disk_faults_per_minute = maybe(random, 20);
  nemesis.disk_fault_max_us = random.between(10'000, 3'000'000);
  nemesis.heal_after_min_us = random.between(100'000, 2'000'000);
  nemesis.heal_after_max_us = nemesis.heal_after_min_us + random.between(0, 4'000'000);
  nemesis.restart_after_min_us = random.between(50'000, 1'000'000);
  nemesis.restart_after_max_us = nemesis.restart_after_min_us + random.between(0, 3'000'000);
  nemesis.pause_max_us = random.between(10'000, 3'000'000);
  nemesis.clock_jump_max_us = random.between(1'000, 30'000'000);
  scenario.storage.sync_min_us = random.between(10, 1'000);
  scenario.storage.sync_max_us = scenario.storage.sync_min_us + random.between(0, 20'000);
  scenario.clock.max_offset_us = maybe(random, 60'000'000);
  scenario.clock.max_drift_ppm = maybe(random, 50'000);
  scenario.clock.timer_late_ppm = maybe(random, 100'000);
  scenario.clock.timer_late_max_us = random.between(0, 500'000);
}

}  // namespace

Scenario draw_swarm_scenario(const Scenario& base, std::uint64_t seed) {
  // The scenario's name joins the seed, so one seed draws different options
  // for different base scenarios.
  Random random(derive_seed(seed, hash_bytes(base.name, kStreamSwarm)));
  Scenario scenario = base;
  scenario.nodes = static_cast<int>(random.between(3, 7));
  scenario.timeline.clear();  // node ids of a fixed timeline may not exist in the drawn cluster
  draw_network(random, scenario.network);
  draw_workload(random, scenario.workload);
  draw_faults(random, scenario);
  // Drawn last, so the draws above are those of a swarm without membership.
  scenario.spare_nodes = static_cast<int>(random.between(0, 2));
  scenario.nemesis.membership_changes_per_minute = maybe(random, 30);
  // Drawn after those, for the same reason: the request layer's workload.
  draw_requests(random, scenario.workload);
  draw_snapshots(random, scenario.raft);
  return scenario;
}

}  // namespace confman::sim
