// Limits: a search that runs out of steps, memory or time says "unknown",
// never "linearizable", and says which limit it hit.

#include <gtest/gtest.h>

#include "tests/check/test_support.h"

namespace confman::check::testing {
namespace {

// n overlapping writes of distinct values, then a read of a value nobody
// wrote: not linearizable, but the search must try about n * 2^n orders of
// writes before it can say so.
std::string hard_history(int writers) {
  std::vector<std::string> events;
  for (int p = 0; p < writers; ++p) events.push_back(std::to_string(p) + " invoke write " + std::to_string(p));
  events.push_back("999 invoke read nil");
  for (int p = 0; p < writers; ++p) events.push_back(std::to_string(p) + " ok write " + std::to_string(p));
  events.push_back("999 ok read 12345");
  return jepsen(events);
}

CheckReport check_with(const std::string& text, CheckOptions options) {
  return check_history(parse_or_fail(text, Format::Auto), options);
}

TEST(Limits, StepBudgetGivesUnknown) {
  CheckOptions options;
  options.max_steps_per_partition = 1000;
  const CheckReport report = check_with(hard_history(40), options);
  EXPECT_EQ(report.verdict, Verdict::Unknown);
  EXPECT_NE(report.summary.find("step limit reached: more than 1000 search steps while checking the register"),
            std::string::npos)
      << report.summary;
  ASSERT_EQ(report.partitions.size(), 1U);
  EXPECT_NE(report.partitions[0].unknown_reason.find("step limit"), std::string::npos);
  EXPECT_NE(report.explanation_json.find("\"verdict\":\"unknown\""), std::string::npos);
}

TEST(Limits, MemoryLimitGivesUnknown) {
  CheckOptions options;
  options.memory_limit_bytes = 1 << 20;
  const CheckReport report = check_with(hard_history(40), options);
  EXPECT_EQ(report.verdict, Verdict::Unknown);
  EXPECT_NE(report.summary.find("memory limit reached"), std::string::npos) << report.summary;
}

TEST(Limits, TimeLimitGivesUnknown) {
  CheckOptions options;
  options.timeout_ms = 20;
  options.max_steps_per_partition = 0;
  const CheckReport report = check_with(hard_history(60), options);
  EXPECT_EQ(report.verdict, Verdict::Unknown);
  EXPECT_NE(report.summary.find("time limit reached: 20 ms passed"), std::string::npos) << report.summary;
}

TEST(Limits, SmallHardHistoryIsDecided) {
  const CheckReport report = check_with(hard_history(10), CheckOptions{});
  EXPECT_EQ(report.verdict, Verdict::NotLinearizable);
}

// On real histories, every budget gives the right verdict or Unknown: a
// search cut short never claims "linearizable".
TEST(Limits, TinyBudgetsNeverClaimLinearizable) {
  for (const char* file : {"etcd_000.log", "etcd_002.log", "etcd_010.log", "etcd_100.log"}) {
    const std::string text = read_text(testdata_path(std::string("conformance/jepsen-etcd/") + file));
    const Verdict full = check_with(text, CheckOptions{}).verdict;
    for (const std::uint64_t steps : {1, 10, 100, 1000, 10000}) {
      CheckOptions options;
      options.max_steps_per_partition = steps;
      const Verdict limited = check_with(text, options).verdict;
      EXPECT_TRUE(limited == full || limited == Verdict::Unknown) << file << " with " << steps << " steps";
    }
  }
}

TEST(Limits, EtcdSlowestHistoryIsUnknownWithATinyBudget) {
  CheckOptions options;
  options.max_steps_per_partition = 5;
  const CheckReport report =
      check_with(read_text(testdata_path("conformance/jepsen-etcd/etcd_002.log")), options);
  EXPECT_EQ(report.verdict, Verdict::Unknown);
}

TEST(Limits, VerdictAndExplanationAreDeterministic) {
  const std::string text = read_text(testdata_path("conformance/kv/c10-bad.txt"));
  const CheckReport a = check_with(text, CheckOptions{});
  const CheckReport b = check_with(text, CheckOptions{});
  EXPECT_EQ(a.verdict, Verdict::NotLinearizable);
  EXPECT_EQ(a.explanation_text, b.explanation_text);
  EXPECT_EQ(a.explanation_json, b.explanation_json);
  EXPECT_EQ(a.total_steps, b.total_steps);
}

}  // namespace
}  // namespace confman::check::testing
