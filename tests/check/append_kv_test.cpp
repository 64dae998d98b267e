// Hand-written histories for the append-kv model (Knossos-style EDN).

#include <gtest/gtest.h>

#include "tests/check/test_support.h"

namespace confman::check::testing {
namespace {

TEST(AppendKv, ConcurrentAppendsInEitherOrder) {
  const std::string text = lines({edn_event(0, "invoke", "append", "k", "\"a\""),
                                  edn_event(1, "invoke", "append", "k", "\"b\""),
                                  edn_event(0, "ok", "append", "k", "\"a\""),
                                  edn_event(1, "ok", "append", "k", "\"b\""),
                                  edn_event(2, "invoke", "get", "k", "nil"),
                                  edn_event(2, "ok", "get", "k", "\"ba\"")});
  EXPECT_EQ(check_text(text, Format::Edn).verdict, Verdict::Linearizable);
}

TEST(AppendKv, GetCannotSeeAnImpossibleConcatenation) {
  const std::string text = lines({edn_event(0, "invoke", "append", "k", "\"a\""),
                                  edn_event(0, "ok", "append", "k", "\"a\""),
                                  edn_event(1, "invoke", "append", "k", "\"b\""),
                                  edn_event(1, "ok", "append", "k", "\"b\""),
                                  edn_event(2, "invoke", "get", "k", "nil"),
                                  edn_event(2, "ok", "get", "k", "\"ba\"")});
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
  const std::string text = lines({edn_event(0, "invoke", "get", "k", "nil"), edn_event(0, "ok", "get", "k", "nil"),
                                  edn_event(0, "invoke", "get", "k", "nil"), edn_event(0, "ok", "get", "k", "\"\"")});
  EXPECT_EQ(check_text(text, Format::Edn).verdict, Verdict::Linearizable);
}

TEST(AppendKv, PutReplacesTheString) {
  const std::string text = lines({edn_event(0, "invoke", "append", "k", "\"a\""),
                                  edn_event(0, "ok", "append", "k", "\"a\""),
                                  edn_event(0, "invoke", "put", "k", "\"z\""),
                                  edn_event(0, "ok", "put", "k", "\"z\""),
                                  edn_event(0, "invoke", "append", "k", "\"b\""),
                                  edn_event(0, "ok", "append", "k", "\"b\""),
                                  edn_event(1, "invoke", "get", "k", "nil"),
                                  edn_event(1, "ok", "get", "k", "\"zb\"")});
  EXPECT_EQ(check_text(text, Format::Edn).verdict, Verdict::Linearizable);
}

TEST(AppendKv, ViolationIsReportedForItsKeyOnly) {
  const std::string text = lines({edn_event(0, "invoke", "append", "a", "\"1\""),
                                  edn_event(0, "ok", "append", "a", "\"1\""),
                                  edn_event(0, "invoke", "append", "b", "\"1\""),
                                  edn_event(0, "ok", "append", "b", "\"1\""),
                                  edn_event(1, "invoke", "get", "a", "nil"),
                                  edn_event(1, "ok", "get", "a", "\"1\""),
                                  edn_event(1, "invoke", "get", "b", "nil"),
                                  edn_event(1, "ok", "get", "b", "\"\"")});
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
  const std::string text = lines({edn_event(0, "invoke", "append", "k", "\"a\""),
                                  edn_event(0, "info", "append", "k", "\"a\""),
                                  edn_event(1, "invoke", "append", "k", "\"b\""),
                                  edn_event(1, "ok", "append", "k", "\"b\""),
                                  edn_event(1, "invoke", "get", "k", "nil"),
                                  edn_event(1, "ok", "get", "k", "\"b\""),
                                  edn_event(1, "invoke", "get", "k", "nil"),
                                  edn_event(1, "ok", "get", "k", "\"ba\"")});
  EXPECT_EQ(check_text(text, Format::Edn).verdict, Verdict::Linearizable);
}

}  // namespace
}  // namespace confman::check::testing
