#pragma once
// A simulated node's clock.
//
// Fault model. Every node has its own monotonic clock, read as the `now_us`
// that each input carries into the core. It runs at (1 + drift) of true
// (virtual) time from an offset: local = global + offset + global * drift.
//   - offset: each clock starts somewhere else (up to max_offset);
//   - drift: each runs fast or slow, by up to max_drift_ppm, for the whole run;
//   - jumps: the nemesis moves a clock by up to ±clock_jump_max at once,
//     forwards or backwards (an NTP step, a VM migration);
//   - late timers: a wakeup fires late with probability timer_late, by up to
//     timer_late_max (a loaded machine, a GC pause).
// A paused process (sim/process/host.h) reads no clock at all while it sleeps,
// and wakes up to find its timers overdue.
//
// What the cluster must survive: all of it. Raft measures only intervals
// on one node's clock: offsets are harmless, drift stretches or shrinks its
// timeouts, and a clock that jumps backwards is treated as if no time had
// passed (core/raft/raft.cpp, advance_clock). Safety never depends on time;
// liveness needs only that timeouts stay well above message delays.
// Anything that will one day depend on time across nodes (leases, TTLs)
// must be stamped by the leader into the log, never read from a replica's
// clock.

#include "core/types.h"

namespace confman::sim {

struct NodeClock {
  TimeUs offset_us = 0;
  std::int64_t drift_ppm = 0;
  TimeUs local_us(TimeUs global_us) const { return global_us + offset_us + global_us * drift_ppm / 1'000'000; }
  // Earliest global time at which the local clock reads at least local_us.
  TimeUs global_us(TimeUs local_us) const;
};

}  // namespace confman::sim
