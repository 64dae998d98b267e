// confman-nemesis's pure parts: the fault plan drawn from a seed, and the
// judgments a run is held to besides linearizability (failover windows,
// lost acknowledged writes), fed hand-made records.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "tools/nemesis/fault_plan.h"
#include "tools/nemesis/run_judgment.h"

namespace confman::nemesis {
namespace {

PlanSettings settings_for(std::uint64_t seed) {
  PlanSettings settings;
  settings.seed = seed;
  settings.duration_ms = 120'000;
  settings.nodes = 5;
  return settings;
}

TEST(FaultPlan, TheSameSeedGivesTheSamePlan) {
  const auto a = plan_faults(settings_for(7));
  const auto b = plan_faults(settings_for(7));
  const auto c = plan_faults(settings_for(8));
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].describe(), b[i].describe());
  std::string text_a, text_c;
  for (const auto& fault : a) text_a += fault.describe() + "\n";
  for (const auto& fault : c) text_c += fault.describe() + "\n";
  EXPECT_NE(text_a, text_c);
}

TEST(FaultPlan, FaultsNeverOverlapAndLeaveAMajorityTogether) {
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    const PlanSettings settings = settings_for(seed);
    const auto plan = plan_faults(settings);
    ASSERT_FALSE(plan.empty());
    std::uint64_t free_from = settings.first_fault_ms;
    for (const PlannedFault& fault : plan) {
      EXPECT_GE(fault.at_ms, free_from) << fault.describe();
      EXPECT_LT(fault.at_ms + settings.quiet_tail_ms, settings.duration_ms) << fault.describe();
      EXPECT_GE(fault.duration_ms, settings.min_fault_ms);
      EXPECT_LE(fault.duration_ms, settings.max_fault_ms);
      free_from = fault.at_ms + fault.duration_ms + settings.min_gap_ms;
      EXPECT_GE(fault.node, 1u);
      EXPECT_LE(fault.node, settings.nodes);
      if (fault.kind == FaultKind::SlowDisk) {
        EXPECT_GE(fault.amount, 20);
        EXPECT_LE(fault.amount, 400);
      }
      if (fault.kind == FaultKind::ClockJump) {
        EXPECT_GE(std::abs(fault.amount), 30);
        EXPECT_LE(std::abs(fault.amount), 3600);
      }
      if (fault.kind == FaultKind::Partition || fault.kind == FaultKind::OneWay) {
        ASSERT_EQ(fault.groups.size(), 2u);
        EXPECT_FALSE(fault.groups[0].empty());
        EXPECT_LT(fault.groups[0].size() * 2, settings.nodes) << "the cut-off side is a minority";
        EXPECT_EQ(fault.groups[0].size() + fault.groups[1].size(), settings.nodes);
      }
      if (fault.kind == FaultKind::Bridge) {
        ASSERT_EQ(fault.groups.size(), 3u);
        EXPECT_FALSE(fault.groups[0].empty());
        EXPECT_FALSE(fault.groups[1].empty());
        EXPECT_EQ(fault.groups[2].size(), 1u);
        EXPECT_EQ(fault.groups[0].size() + fault.groups[1].size() + 1, settings.nodes);
      }
      if (fault.kind == FaultKind::LossyLinks) {
        EXPECT_GE(fault.amount, 20);
        EXPECT_LE(fault.amount, 200);
      }
    }
  }
}

TEST(FaultPlan, OnlyTheAskedKindsAreDrawn) {
  PlanSettings settings = settings_for(3);
  settings.kinds = {FaultKind::Pause};
  for (const PlannedFault& fault : plan_faults(settings)) EXPECT_EQ(fault.kind, FaultKind::Pause);
  EXPECT_EQ(fault_kind_from_name("isolate-leader"), FaultKind::IsolateLeader);
  for (const FaultKind kind : kAllFaultKinds) EXPECT_EQ(fault_kind_from_name(fault_kind_name(kind)), kind);
  EXPECT_FALSE(fault_kind_from_name("meteor").has_value());
}

WriteRecord put(const std::string& key, std::uint64_t revision, std::int64_t invoked_us, std::int64_t completed_us) {
  return WriteRecord{key, false, true, revision, invoked_us, completed_us};
}

TEST(RunJudgment, FailoverRunsFromTheFaultToTheFirstWriteInvokedAfterIt) {
  const std::vector<WriteRecord> writes{
      put("/k", 1, 100, 900),     // invoked before the fault: the old leader's, not counted
      put("/k", 2, 600, 1'700),   // the first invoked after it
      put("/k", 3, 650, 1'400),   // invoked later, acknowledged sooner: this one ends the window
      WriteRecord{"/k", false, false, 0, 520, 2'000},  // unknown outcome: not acknowledged
  };
  const auto windows = failover_windows({500}, writes, 10'000);
  ASSERT_EQ(windows.size(), 1u);
  EXPECT_TRUE(windows[0].recovered);
  EXPECT_EQ(windows[0].window_us, 900);
  const auto never = failover_windows({5'000}, writes, 10'000);
  EXPECT_FALSE(never[0].recovered);
  EXPECT_EQ(never[0].window_us, 5'000);
  EXPECT_EQ(nearest_rank({5, 1, 3, 2, 4}, 0.5), 3);
  EXPECT_EQ(nearest_rank({5, 1, 3, 2, 4}, 1.0), 5);
  EXPECT_EQ(nearest_rank({}, 0.95), 0);
}

TEST(RunJudgment, AnAcknowledgedWriteNewerThanTheFinalStateIsLost) {
  const std::vector<WriteRecord> writes{put("/a", 4, 0, 1), put("/a", 9, 2, 3), put("/b", 5, 0, 1)};
  EXPECT_TRUE(lost_acknowledged_writes(writes, {{"/a", 9}, {"/b", 5}}).empty());
  const auto lost = lost_acknowledged_writes(writes, {{"/a", 4}, {"/b", 5}});
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_EQ(lost[0].revision, 9u);
}

TEST(RunJudgment, AnAbsentKeyLosesAPutNoDeleteCanExplain) {
  std::vector<WriteRecord> writes{put("/a", 4, 0, 1)};
  EXPECT_EQ(lost_acknowledged_writes(writes, {{"/a", std::nullopt}}).size(), 1u);
  // An acknowledged delete after it explains the absence; one before does not.
  writes.push_back(WriteRecord{"/a", true, true, 3, 0, 1});
  EXPECT_EQ(lost_acknowledged_writes(writes, {{"/a", std::nullopt}}).size(), 1u);
  writes.push_back(WriteRecord{"/a", true, true, 6, 2, 3});
  EXPECT_TRUE(lost_acknowledged_writes(writes, {{"/a", std::nullopt}}).empty());
  // So does any delete of unknown outcome.
  std::vector<WriteRecord> unknown{put("/a", 4, 0, 1), WriteRecord{"/a", true, false, 0, 0, 5}};
  EXPECT_TRUE(lost_acknowledged_writes(unknown, {{"/a", std::nullopt}}).empty());
}

}  // namespace
}  // namespace confman::nemesis
