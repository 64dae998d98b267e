#include "tools/nemesis/fault_executor.h"

#include <algorithm>

namespace confman::nemesis {

namespace {

bool is_disk_fault(FaultKind kind) { return kind == FaultKind::DiskFull || kind == FaultKind::DiskError; }

// A lossy-links fault of `max_delay_ms`: each message waits a quarter to
// all of it, and one in ten is lost (and retransmitted: link_proxy.h).
LinkConditions lossy(std::int64_t max_delay_ms) {
  const auto max_ms = static_cast<std::uint32_t>(std::max<std::int64_t>(max_delay_ms, 1));
  return {max_ms / 4, max_ms, 100'000};
}

}  // namespace

FaultExecutor::FaultExecutor(ClusterParts parts, const std::vector<PlannedFault>& faults, std::uint64_t seed,
                             std::int64_t clock_offset_max_s)
    : parts_(parts),
      faults_(faults),
      targets_(faults.size(), 0),
      links_(faults.size()),
      active_(faults.size(), false),
      clock_random_(derive_seed(seed, 0x636c6f6b)),  // "clok"
      clock_offset_max_s_(clock_offset_max_s) {}

bool FaultExecutor::start(std::size_t id) {
  if (parts_.servers.running(id)) return true;
  if (clock_offset_max_s_ > 0) {
    parts_.controls.set_clock_base(id, clock_random_.between(-clock_offset_max_s_, clock_offset_max_s_));
  }
  if (parts_.servers.start(id)) return true;
  errors_.push_back(parts_.servers.last_error());
  return false;
}

ClusterCondition FaultExecutor::condition() const {
  ClusterCondition now;
  for (std::size_t id = 1; id <= parts_.servers.size(); ++id) {
    now.down.push_back(!parts_.servers.running(id) || parts_.servers.paused(id));
  }
  now.cut = parts_.net.cuts();
  return now;
}

void FaultExecutor::begin(std::size_t index) {
  const PlannedFault& fault = faults_[index];
  const std::uint64_t leader = parts_.probe.leader();
  const std::size_t target = fault.at_leader && leader != 0 ? leader : fault.node;
  targets_[index] = target;
  active_[index] = true;
  const ClusterCondition before = condition();
  switch (fault.kind) {
    case FaultKind::Crash: parts_.servers.crash(target); break;
    case FaultKind::Pause: parts_.servers.pause(target); break;
    // A leader with a full or failing disk serves on until a write needs
    // the disk, then fail-stops at a moment the tool cannot see; such a
    // fault is never measured for failover (the condition shows no change).
    case FaultKind::DiskFull: note(parts_.disks.fill(target)); break;
    case FaultKind::DiskError: parts_.controls.set_fsync(target, "fail"); break;
    case FaultKind::SlowDisk: parts_.controls.set_fsync(target, "slow " + std::to_string(fault.amount)); break;
    case FaultKind::ClockJump: parts_.controls.set_clock_offset(target, fault.amount); break;
    case FaultKind::LossyLinks: parts_.controls.set_links(target, lossy(fault.amount)); break;
    case FaultKind::TransferLeader:
      // Refused when the target is the leader already, or not caught up:
      // an operator's request, which may fail; not a fault of the tool.
      if (const std::string refused = parts_.probe.transfer_leadership(target); !refused.empty()) {
        log_ << "transfer to " << target << " refused: " << refused << "\n";
      }
      break;
    case FaultKind::IsolateLeader:
    case FaultKind::Partition:
    case FaultKind::OneWay:
    case FaultKind::Bridge: cut_links(index, leader); break;
  }
  // Measured once the fault is complete: each `ip route` takes a few
  // milliseconds, and writes invoked before the last one may still commit.
  const std::int64_t at_us = parts_.history.now_us();
  const bool measured = leader != 0 && !leader_struck(before, leader) && clean_leader_fault(condition(), leader);
  if (measured) leader_faults_us_.push_back(at_us);
  log_ << at_us / 1000 << "ms " << fault.describe() << " leader=" << leader
       << (fault.on_a_node() ? " target=" + std::to_string(target) : "") << (measured ? " struck-leader" : "") << "\n";
}

void FaultExecutor::end(std::size_t index) {
  const PlannedFault& fault = faults_[index];
  const std::size_t target = targets_[index];
  active_[index] = false;
  switch (fault.kind) {
    case FaultKind::Crash: start(target); break;
    case FaultKind::Pause: parts_.servers.resume(target); break;
    case FaultKind::DiskFull:
      note(parts_.disks.drain(target));
      restart_after_disk_fault(target);
      break;
    case FaultKind::DiskError:
      parts_.controls.set_fsync(target, "ok");
      restart_after_disk_fault(target);
      break;
    case FaultKind::SlowDisk: parts_.controls.set_fsync(target, "ok"); break;
    case FaultKind::ClockJump: parts_.controls.set_clock_offset(target, 0); break;
    case FaultKind::LossyLinks: parts_.controls.set_links(target, parts_.controls.baseline_links()); break;
    case FaultKind::TransferLeader: break;
    case FaultKind::IsolateLeader:
    case FaultKind::Partition:
    case FaultKind::OneWay:
    case FaultKind::Bridge: restore_links(index); break;
  }
  log_ << parts_.history.now_us() / 1000 << "ms end " << fault_kind_name(fault.kind) << "@" << fault.at_ms << "ms\n";
}

void FaultExecutor::heal_everything() {
  std::vector<bool> disk_faulted;
  for (std::size_t id = 1; id <= parts_.servers.size(); ++id) disk_faulted.push_back(disk_fault_active(id));
  std::fill(active_.begin(), active_.end(), false);
  note(parts_.net.heal());
  for (std::size_t id = 1; id <= parts_.servers.size(); ++id) {
    note(parts_.disks.drain(id));
    parts_.controls.reset(id);
  }
  for (std::size_t id = 1; id <= parts_.servers.size(); ++id) {
    parts_.servers.resume(id);
    if (parts_.servers.reap(id)) (disk_faulted[id - 1] ? disk_stops_ : unexpected_exits_) += 1;
    start(id);
  }
}

void FaultExecutor::reap_unexpected_exits() {
  for (std::size_t id = 1; id <= parts_.servers.size(); ++id) {
    if (disk_fault_active(id) || !parts_.servers.reap(id)) continue;
    unexpected_exits_ += 1;  // a server must never exit on its own
    start(id);
  }
}

void FaultExecutor::cut_links(std::size_t index, std::size_t leader) {
  links_[index] = links_cut(faults_[index], parts_.servers.size(), leader);
  for (const auto& [from, to] : links_[index]) note(parts_.net.cut(from, to));
}

void FaultExecutor::restore_links(std::size_t index) {
  for (const auto& link : links_[index]) {
    // A link another fault still cuts stays cut.
    bool still_cut = false;
    for (std::size_t other = 0; other < faults_.size() && !still_cut; ++other) {
      still_cut = active_[other] && std::count(links_[other].begin(), links_[other].end(), link) != 0;
    }
    if (!still_cut) note(parts_.net.restore(link.first, link.second));
  }
  links_[index].clear();
}

bool FaultExecutor::disk_fault_active(std::size_t id) const {
  for (std::size_t i = 0; i < faults_.size(); ++i) {
    if (active_[i] && targets_[i] == id && is_disk_fault(faults_[i].kind)) return true;
  }
  return false;
}

// A node whose disk filled or failed may have stopped (fail-stop on a
// failed write); that exit is the fault's, not a bug.
void FaultExecutor::restart_after_disk_fault(std::size_t id) {
  if (disk_fault_active(id)) return;
  if (parts_.servers.reap(id)) disk_stops_ += 1;
  start(id);
}

void FaultExecutor::note(const Result<Done, CommandFailure>& done) {
  if (!done) errors_.push_back(done.error().message);
}

}  // namespace confman::nemesis
