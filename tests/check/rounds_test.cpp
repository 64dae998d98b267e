// The partitions are searched in rounds of growing step budgets
// (checker.cpp, search_in_rounds): a hard partition cannot hide another's
// violation, the check stops at the first proof unless told to search all,
// and the outcome is the same however many threads search.

#include <gtest/gtest.h>

#include "tests/check/test_support.h"

namespace confman::check::testing {
namespace {

// Key "a": a put, `appenders` overlapping appends, then a get of a string
// nobody could build: not linearizable, but the search must try about 2^n
// orders before it can say so (the put turns off the append-kv pruning,
// which would refuse each order at once). Key "b": an acknowledged append that a later get
// does not see, which the search proves at once.
std::string hard_key_then_plain_violation(int appenders) {
  std::vector<std::string> rows{edn_event(899, "invoke", "put", "a", "\"\""), edn_event(899, "ok", "put", "a", "\"\"")};
  for (int p = 0; p < appenders; ++p) rows.push_back(edn_event(p, "invoke", "append", "a", "\"" + std::to_string(p) + ";\""));
  rows.push_back(edn_event(900, "invoke", "get", "a", "nil"));
  for (int p = 0; p < appenders; ++p) rows.push_back(edn_event(p, "ok", "append", "a", "\"" + std::to_string(p) + ";\""));
  rows.push_back(edn_event(900, "ok", "get", "a", "\"nobody wrote this\""));
  rows.push_back(edn_event(901, "invoke", "append", "b", "\"x\""));
  rows.push_back(edn_event(901, "ok", "append", "b", "\"x\""));
  rows.push_back(edn_event(902, "invoke", "get", "b", "nil"));
  rows.push_back(edn_event(902, "ok", "get", "b", "\"\""));
  return lines(rows);
}

CheckReport check_with(const std::string& text, CheckOptions options) {
  return check_history(parse_or_fail(text, Format::Edn), options);
}

TEST(Rounds, AHardPartitionDoesNotHideAnothersViolation) {
  CheckOptions options;
  options.max_steps_per_partition = 50'000'000;
  const CheckReport report = check_with(hard_key_then_plain_violation(40), options);
  EXPECT_EQ(report.verdict, Verdict::NotLinearizable) << report.summary;
  EXPECT_NE(report.summary.find("key \"b\""), std::string::npos) << report.summary;
  // Found in the first round: the hard key got one small budget, not the
  // 50 million steps it would have taken first when keys were searched one
  // after the other.
  EXPECT_LT(report.total_steps, 1'000'000u);
  ASSERT_EQ(report.partitions.size(), 2u);
  EXPECT_EQ(report.partitions[0].key, "a");
  EXPECT_EQ(report.partitions[0].verdict, Verdict::Unknown);
  EXPECT_TRUE(report.partitions[0].stopped_early);
  EXPECT_EQ(report.explanation_text.find("undecided"), std::string::npos)
      << "a partition left when the check stopped is not reported as undecided:\n"
      << report.explanation_text;
}

TEST(Rounds, AllPartitionsSearchesEachToItsVerdictOrLimit) {
  CheckOptions options;
  options.max_steps_per_partition = 2'000'000;
  options.all_partitions = true;
  const CheckReport report = check_with(hard_key_then_plain_violation(40), options);
  EXPECT_EQ(report.verdict, Verdict::NotLinearizable);
  ASSERT_EQ(report.partitions.size(), 2u);
  EXPECT_FALSE(report.partitions[0].stopped_early);
  EXPECT_NE(report.partitions[0].unknown_reason.find("step limit reached: more than 2000000"), std::string::npos)
      << report.partitions[0].unknown_reason;
  EXPECT_GE(report.partitions[0].steps, 2'000'000u) << "the last round gets the whole limit";
  EXPECT_NE(report.explanation_text.find("also undecided"), std::string::npos) << report.explanation_text;
}

TEST(Rounds, ThreadsChangeNothingButTheWallTime) {
  for (const bool all : {false, true}) {
    CheckOptions one;
    one.max_steps_per_partition = 1'000'000;
    one.all_partitions = all;
    CheckOptions many = one;
    many.threads = 4;
    const std::string text = hard_key_then_plain_violation(30);
    const CheckReport a = check_with(text, one);
    const CheckReport b = check_with(text, many);
    EXPECT_EQ(a.verdict, b.verdict);
    EXPECT_EQ(a.total_steps, b.total_steps);
    EXPECT_EQ(a.explanation_json, b.explanation_json);
    EXPECT_EQ(a.explanation_text, b.explanation_text);
  }
}

TEST(Rounds, OnlyTheCliMeasuresTime) {
  CheckOptions options;
  options.max_steps_per_partition = 1'000'000;
  options.all_partitions = true;
  const std::string text = hard_key_then_plain_violation(20);
  for (const PartitionReport& p : check_with(text, options).partitions) {
    EXPECT_EQ(p.elapsed_ms, 0.0) << "the simulator's report must carry no timings";
  }
  options.measure_time = true;
  double total_ms = 0;
  for (const PartitionReport& p : check_with(text, options).partitions) total_ms += p.elapsed_ms;
  EXPECT_GT(total_ms, 0.0);
}

TEST(Rounds, ALonePartitionGetsTheWholeLimitAtOnce) {
  // One key: no rounds (they would only repeat work).
  std::vector<std::string> rows{edn_event(899, "invoke", "put", "a", "\"\""), edn_event(899, "ok", "put", "a", "\"\"")};
  for (int p = 0; p < 30; ++p) rows.push_back(edn_event(p, "invoke", "append", "a", "\"" + std::to_string(p) + ";\""));
  rows.push_back(edn_event(900, "invoke", "get", "a", "nil"));
  for (int p = 0; p < 30; ++p) rows.push_back(edn_event(p, "ok", "append", "a", "\"" + std::to_string(p) + ";\""));
  rows.push_back(edn_event(900, "ok", "get", "a", "\"nobody wrote this\""));
  CheckOptions options;
  options.max_steps_per_partition = 300'000;
  const CheckReport report = check_with(lines(rows), options);
  ASSERT_EQ(report.partitions.size(), 1u);
  EXPECT_EQ(report.partitions[0].verdict, Verdict::Unknown);
  EXPECT_LE(report.partitions[0].steps, 300'001u) << "one search, not a first round and then the rest";
}

}  // namespace
}  // namespace confman::check::testing
