// Hand-written histories for the append-kv model (Knossos-style EDN).

#include <gtest/gtest.h>

#include "tests/check/test_support.h"

namespace confman::check::testing {
namespace {

std::string event(int process, const std::string& type, const std::string& f, const std::string& key,
                  const std::string& value) {
  return "{:process " + std::to_string(process) + ", :type :" + type + ", :f :" + f + ", :key \"" + key +
         "\", :value " + value + "}";
}

TEST(AppendKv, ConcurrentAppendsInEitherOrder) {
  const std::string text = lines({event(0, "invoke", "append", "k", "\"a\""),
                                  event(1, "invoke", "append", "k", "\"b\""),
                                  event(0, "ok", "append", "k", "\"a\""),
                                  event(1, "ok", "append", "k", "\"b\""),
                                  event(2, "invoke", "get", "k", "nil"),
                                  event(2, "ok", "get", "k", "\"ba\"")});
  EXPECT_EQ(check_text(text, Format::Edn).verdict, Verdict::Linearizable);
}

TEST(AppendKv, GetCannotSeeAnImpossibleConcatenation) {
  const std::string text = lines({event(0, "invoke", "append", "k", "\"a\""),
                                  event(0, "ok", "append", "k", "\"a\""),
                                  event(1, "invoke", "append", "k", "\"b\""),
                                  event(1, "ok", "append", "k", "\"b\""),
                                  event(2, "invoke", "get", "k", "nil"),
                                  event(2, "ok", "get", "k", "\"ba\"")});
  const CheckReport report = check_text(text, Format::Edn);
  EXPECT_EQ(report.verdict, Verdict::NotLinearizable);
  // The key only grows, so "a" first cannot lead to the "ba" the get saw
  // (the append pruning in model_append_kv.h says so at the first append).
  EXPECT_NE(report.explanation_text.find("append \"a\" would leave the key \"a\", but a get not yet taken effect "
                                         "returned \"ba\""),
            std::string::npos)
      << report.explanation_text;
}

TEST(AppendKv, GetOfUnwrittenKeyIsEmpty) {
  const std::string text = lines({event(0, "invoke", "get", "k", "nil"), event(0, "ok", "get", "k", "nil"),
                                  event(0, "invoke", "get", "k", "nil"), event(0, "ok", "get", "k", "\"\"")});
  EXPECT_EQ(check_text(text, Format::Edn).verdict, Verdict::Linearizable);
}

TEST(AppendKv, PutReplacesTheString) {
  const std::string text = lines({event(0, "invoke", "append", "k", "\"a\""),
                                  event(0, "ok", "append", "k", "\"a\""),
                                  event(0, "invoke", "put", "k", "\"z\""),
                                  event(0, "ok", "put", "k", "\"z\""),
                                  event(0, "invoke", "append", "k", "\"b\""),
                                  event(0, "ok", "append", "k", "\"b\""),
                                  event(1, "invoke", "get", "k", "nil"),
                                  event(1, "ok", "get", "k", "\"zb\"")});
  EXPECT_EQ(check_text(text, Format::Edn).verdict, Verdict::Linearizable);
}

TEST(AppendKv, ViolationIsReportedForItsKeyOnly) {
  const std::string text = lines({event(0, "invoke", "append", "a", "\"1\""),
                                  event(0, "ok", "append", "a", "\"1\""),
                                  event(0, "invoke", "append", "b", "\"1\""),
                                  event(0, "ok", "append", "b", "\"1\""),
                                  event(1, "invoke", "get", "a", "nil"),
                                  event(1, "ok", "get", "a", "\"1\""),
                                  event(1, "invoke", "get", "b", "nil"),
                                  event(1, "ok", "get", "b", "\"\"")});
  const CheckReport report = check_text(text, Format::Edn);
  EXPECT_EQ(report.verdict, Verdict::NotLinearizable);
  EXPECT_EQ(report.partition_count, 2U);
  ASSERT_EQ(report.partitions.size(), 2U);
  EXPECT_EQ(report.partitions[0].key, "a");
  EXPECT_EQ(report.partitions[0].verdict, Verdict::Linearizable);
  EXPECT_EQ(report.partitions[1].verdict, Verdict::NotLinearizable);
  EXPECT_NE(report.summary.find("key \"b\""), std::string::npos) << report.summary;
}

TEST(AppendKv, UnknownAppendMayLandLateOrNever) {
  const std::string text = lines({event(0, "invoke", "append", "k", "\"a\""),
                                  event(0, "info", "append", "k", "\"a\""),
                                  event(1, "invoke", "append", "k", "\"b\""),
                                  event(1, "ok", "append", "k", "\"b\""),
                                  event(1, "invoke", "get", "k", "nil"),
                                  event(1, "ok", "get", "k", "\"b\""),
                                  event(1, "invoke", "get", "k", "nil"),
                                  event(1, "ok", "get", "k", "\"ba\"")});
  EXPECT_EQ(check_text(text, Format::Edn).verdict, Verdict::Linearizable);
}

}  // namespace
}  // namespace confman::check::testing
