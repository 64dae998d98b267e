// core/raft/progress.h: what a leader knows of one follower (§5.3) and its
// flow control. Each rule here keeps the leader from resending too much,
// too little, or from acting on an answer that crossed a newer one.

#include <gtest/gtest.h>

#include "core/raft/progress.h"

namespace confman::raft {
namespace {

TEST(Progress, AnAcceptedAppendMovesMatchAndNextAndClearsTheProbe) {
  Progress progress;
  progress.probe_sent = true;
  EXPECT_TRUE(progress.maybe_update(5));
  EXPECT_EQ(progress.match, 5u);
  EXPECT_EQ(progress.next, 6u);
  EXPECT_FALSE(progress.probe_sent);
  EXPECT_FALSE(progress.maybe_update(3));  // stale: an older answer arriving late
  EXPECT_EQ(progress.match, 5u);
}

TEST(Progress, ReplicateReleasesInflightAppendsUpToTheAcknowledgedIndex) {
  Progress progress;
  progress.become_replicate();
  for (LogIndex last : {3, 6, 9}) progress.inflight.push_back(last);
  EXPECT_TRUE(progress.paused(3));
  EXPECT_TRUE(progress.maybe_update(6));
  ASSERT_EQ(progress.inflight.size(), 1u);
  EXPECT_EQ(progress.inflight.front(), 9u);
  EXPECT_FALSE(progress.paused(3));
}

TEST(Progress, AProbeRejectionStepsBackToTheFollowersHint) {
  Progress progress;
  progress.next = 10;
  progress.probe_sent = true;
  // §5.3: the follower lacks entry 9; it says its log ends at 4.
  EXPECT_TRUE(progress.maybe_decrease_to(9, 4));
  EXPECT_EQ(progress.next, 5u);
  EXPECT_FALSE(progress.probe_sent);
  // A rejection of an older probe (prev 9 again) says nothing new now.
  EXPECT_FALSE(progress.maybe_decrease_to(9, 2));
  EXPECT_EQ(progress.next, 5u);
}

TEST(Progress, NextNeverFallsBelowOne) {
  Progress progress;
  progress.next = 2;
  EXPECT_TRUE(progress.maybe_decrease_to(1, 0));
  EXPECT_EQ(progress.next, 1u);
}

TEST(Progress, AReplicateRejectionAtOrBelowMatchIsStale) {
  Progress progress;
  progress.maybe_update(7);
  progress.become_replicate();
  EXPECT_FALSE(progress.maybe_decrease_to(7, 0));
  EXPECT_TRUE(progress.maybe_decrease_to(8, 0));
  EXPECT_EQ(progress.next, 8u);  // back to match + 1, then probe
}

TEST(Progress, ARejectionThatCrossedTheSnapshotIsIgnored) {
  Progress progress;
  progress.become_snapshot(100, 3);
  EXPECT_FALSE(progress.maybe_decrease_to(50, 10));
  EXPECT_EQ(progress.pending_snapshot, 100u);
  EXPECT_EQ(progress.state, Progress::State::Snapshot);
}

TEST(Progress, ChangingStateForgetsWhatTheOldStateTracked) {
  Progress progress;
  progress.maybe_update(4);
  progress.become_snapshot(20, 2);
  progress.snapshot_offset = 4096;
  progress.probe_sent = true;
  progress.become_probe();
  EXPECT_EQ(progress.next, 5u);
  EXPECT_EQ(progress.pending_snapshot, 0u);
  EXPECT_EQ(progress.snapshot_offset, 0u);
  EXPECT_FALSE(progress.probe_sent);
  EXPECT_TRUE(progress.inflight.empty());
}

}  // namespace
}  // namespace confman::raft
