#pragma once
// Performs a schedule's faults on the real cluster and undoes them, one
// step at a time (fault_plan.h: ScheduleStep), faults possibly overlapping
// (a scenario's timeline). It notes each clean leader fault (run_judgment.h)
// for the failover windows, counts servers that exited on their own, and
// gives every node a fresh wall-clock offset each time it starts when the
// run offsets clocks (a host whose clock was set wrong at boot).

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "core/util/random.h"
#include "tools/nemesis/cluster_probe.h"
#include "tools/nemesis/data_disks.h"
#include "tools/nemesis/fault_plan.h"
#include "tools/nemesis/net_namespaces.h"
#include "tools/nemesis/node_controls.h"
#include "tools/nemesis/recorded_workload.h"
#include "tools/nemesis/run_judgment.h"
#include "tools/nemesis/server_nodes.h"

namespace confman::nemesis {

struct ClusterParts {
  NetNamespaces& net;
  ServerNodes& servers;
  DataDisks& disks;
  NodeControls& controls;
  const ClusterProbe& probe;
  const SharedHistory& history;
};

class FaultExecutor {
 public:
  // clock_offset_max_s: each start draws the node's clock offset in
  // [-max, max] seconds from `seed` (0: clocks are true).
  FaultExecutor(ClusterParts parts, const std::vector<PlannedFault>& faults, std::uint64_t seed,
                std::int64_t clock_offset_max_s);

  bool start(std::size_t id);  // a node's (re)start, with a fresh clock offset
  void begin(std::size_t index);
  void end(std::size_t index);
  void heal_everything();
  // Servers that exited on their own (outside a disk fault, whose fail-stop
  // is expected) are counted and restarted.
  void reap_unexpected_exits();

  const std::vector<std::int64_t>& leader_faults_us() const { return leader_faults_us_; }
  // One line per fault: when, what, the leader it found, whom it struck.
  std::string log() const { return log_.str(); }
  const std::vector<std::string>& errors() const { return errors_; }
  std::size_t disk_stops() const { return disk_stops_; }
  std::size_t unexpected_exits() const { return unexpected_exits_; }

 private:
  ClusterCondition condition() const;
  void cut_links(std::size_t index, std::size_t leader);
  void restore_links(std::size_t index);
  bool disk_fault_active(std::size_t id) const;
  void restart_after_disk_fault(std::size_t id);
  void note(const Result<Done, CommandFailure>& done);

  ClusterParts parts_;
  const std::vector<PlannedFault>& faults_;
  std::vector<std::size_t> targets_;  // per fault: the node it struck
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> links_;  // per fault: the links it cut
  std::vector<bool> active_;
  Random clock_random_;
  std::int64_t clock_offset_max_s_ = 0;
  std::vector<std::int64_t> leader_faults_us_;
  std::vector<std::string> errors_;
  std::ostringstream log_;
  std::size_t disk_stops_ = 0;
  std::size_t unexpected_exits_ = 0;
};

}  // namespace confman::nemesis
