// Hand-written histories for the cas-register model, including the classic
// tricky ones: reads that see old then new during a write, a failed cas, and
// a write of unknown outcome that must take effect late.

#include <gtest/gtest.h>

#include "tests/check/test_support.h"

namespace confman::check::testing {
namespace {

Verdict verdict_of(const std::vector<std::string>& events) {
  return check_text(jepsen(events), Format::Jepsen).verdict;
}

TEST(CasRegister, SequentialWriteThenRead) {
  EXPECT_EQ(verdict_of({"0 invoke write 1", "0 ok write 1", "1 invoke read nil", "1 ok read 1"}),
            Verdict::Linearizable);
}

TEST(CasRegister, ReadOfUnsetRegisterIsNil) {
  EXPECT_EQ(verdict_of({"1 invoke read nil", "1 ok read nil"}), Verdict::Linearizable);
  EXPECT_EQ(verdict_of({"1 invoke read nil", "1 ok read 0"}), Verdict::NotLinearizable);
}

TEST(CasRegister, ReadsDuringAWriteSeeOldThenNew) {
  EXPECT_EQ(verdict_of({"0 invoke write 1",
                        "1 invoke read nil", "1 ok read nil",
                        "2 invoke read nil", "2 ok read 1",
                        "0 ok write 1"}),
            Verdict::Linearizable);
}

TEST(CasRegister, ReadsDuringAWriteCannotSeeNewThenOld) {
  const CheckReport report = check_text(jepsen({"0 invoke write 1",
                                                "1 invoke read nil", "1 ok read 1",
                                                "2 invoke read nil", "2 ok read nil",
                                                "0 ok write 1"}),
                                        Format::Jepsen);
  EXPECT_EQ(report.verdict, Verdict::NotLinearizable);
  EXPECT_NE(report.explanation_text.find("read returned nil but the register held 1"), std::string::npos)
      << report.explanation_text;
}

TEST(CasRegister, ConcurrentReadsMayOverlapTheWriteEitherWay) {
  // Both reads overlap each other and the write: old/new in either order.
  EXPECT_EQ(verdict_of({"0 invoke write 1", "1 invoke read nil", "2 invoke read nil",
                        "2 ok read 1", "1 ok read nil", "0 ok write 1"}),
            Verdict::Linearizable);
}

TEST(CasRegister, StaleReadAfterTheWriteReturned) {
  EXPECT_EQ(verdict_of({"0 invoke write 1", "0 ok write 1", "1 invoke read nil", "1 ok read nil"}),
            Verdict::NotLinearizable);
}

TEST(CasRegister, SuccessfulCasNeedsTheExpectedValue) {
  EXPECT_EQ(verdict_of({"0 invoke write 1", "0 ok write 1", "0 invoke cas [1 2]", "0 ok cas [1 2]",
                        "1 invoke read nil", "1 ok read 2"}),
            Verdict::Linearizable);
  EXPECT_EQ(verdict_of({"0 invoke write 1", "0 ok write 1", "0 invoke cas [3 2]", "0 ok cas [3 2]"}),
            Verdict::NotLinearizable);
}

TEST(CasRegister, FailedCasDidNotHappen) {
  // A :fail cas is dropped: it constrains nothing, even when it "would" match.
  EXPECT_EQ(verdict_of({"0 invoke write 1", "0 ok write 1", "0 invoke cas [1 2]", "0 fail cas [1 2]",
                        "1 invoke read nil", "1 ok read 1"}),
            Verdict::Linearizable);
}

TEST(CasRegister, ConcurrentCasMustHaveHappenedBeforeTheWrite) {
  // The cas [nil 5] overlaps write 1 and succeeded, so it came first.
  EXPECT_EQ(verdict_of({"0 invoke write 1", "1 invoke cas [nil 5]", "1 ok cas [nil 5]",
                        "0 ok write 1", "2 invoke read nil", "2 ok read 1"}),
            Verdict::Linearizable);
  // ...but then a later read of 5 is impossible.
  EXPECT_EQ(verdict_of({"0 invoke write 1", "1 invoke cas [nil 5]", "1 ok cas [nil 5]",
                        "0 ok write 1", "2 invoke read nil", "2 ok read 5"}),
            Verdict::NotLinearizable);
}

TEST(CasRegister, UnknownWriteMustBePlacedLate) {
  // write 3 timed out; it is seen long after, following other writes.
  EXPECT_EQ(verdict_of({"0 invoke write 3", "0 info write :timed-out",
                        "1 invoke write 1", "1 ok write 1", "1 invoke read nil", "1 ok read 1",
                        "1 invoke write 2", "1 ok write 2", "1 invoke read nil", "1 ok read 2",
                        "1 invoke read nil", "1 ok read 3"}),
            Verdict::Linearizable);
}

TEST(CasRegister, UnknownWriteTakesEffectAtMostOnce) {
  EXPECT_EQ(verdict_of({"0 invoke write 3", "0 info write :timed-out",
                        "1 invoke write 1", "1 ok write 1", "1 invoke read nil", "1 ok read 3",
                        "1 invoke write 2", "1 ok write 2", "1 invoke read nil", "1 ok read 3"}),
            Verdict::NotLinearizable);
}

TEST(CasRegister, UnknownWriteMayNeverTakeEffect) {
  EXPECT_EQ(verdict_of({"0 invoke write 3", "1 invoke read nil", "1 ok read nil",
                        "1 invoke read nil", "1 ok read nil"}),
            Verdict::Linearizable);
}

TEST(CasRegister, UnknownWriteCannotTakeEffectBeforeItsInvocation) {
  EXPECT_EQ(verdict_of({"1 invoke read nil", "1 ok read 3", "0 invoke write 3", "0 info write :timed-out"}),
            Verdict::NotLinearizable);
}

TEST(CasRegister, UnknownCasSwapsOnlyOnMatch) {
  EXPECT_EQ(verdict_of({"0 invoke write 1", "0 ok write 1", "2 invoke cas [1 4]", "2 info cas :timed-out",
                        "1 invoke read nil", "1 ok read 4"}),
            Verdict::Linearizable);
  EXPECT_EQ(verdict_of({"0 invoke write 1", "0 ok write 1", "2 invoke cas [2 4]", "2 info cas :timed-out",
                        "1 invoke read nil", "1 ok read 4"}),
            Verdict::NotLinearizable);
}

TEST(CasRegister, IdenticalUnknownWritesAreInterchangeable) {
  // Many identical timed-out writes (pruned by symmetry) plus one that matters.
  std::vector<std::string> events;
  for (int p = 10; p < 40; ++p) {
    events.push_back(std::to_string(p) + " invoke write 7");
    events.push_back(std::to_string(p) + " info write :timed-out");
  }
  events.insert(events.end(), {"0 invoke read nil", "0 ok read 7", "1 invoke write 1", "1 ok write 1",
                               "0 invoke read nil", "0 ok read 7", "0 invoke read nil", "0 ok read 1"});
  EXPECT_EQ(verdict_of(events), Verdict::NotLinearizable);
  events.resize(events.size() - 2);
  EXPECT_EQ(verdict_of(events), Verdict::Linearizable);
}

TEST(CasRegister, TimedOutReadConstrainsNothing) {
  EXPECT_EQ(verdict_of({"0 invoke write 1", "0 ok write 1", "1 invoke read nil", "1 fail read :timed-out"}),
            Verdict::Linearizable);
  EXPECT_EQ(verdict_of({"0 invoke write 1", "0 ok write 1", "1 invoke read nil", "1 info read :timed-out"}),
            Verdict::Linearizable);
}

TEST(CasRegister, ProcessNumbersMayBeReused) {
  EXPECT_EQ(verdict_of({"0 invoke write 1", "0 ok write 1", "0 invoke write 2", "0 ok write 2",
                        "0 invoke read nil", "0 ok read 2"}),
            Verdict::Linearizable);
}

TEST(CasRegister, ExplanationNamesPrefixAndRejectedOperations) {
  const CheckReport report = check_text(jepsen({"0 invoke write 1", "0 ok write 1",
                                                "1 invoke write 2", "1 ok write 2",
                                                "2 invoke read nil", "2 ok read 1"}),
                                        Format::Jepsen);
  ASSERT_EQ(report.verdict, Verdict::NotLinearizable);
  const std::string& text = report.explanation_text;
  EXPECT_NE(text.find("the register (3 operations) has no linearization"), std::string::npos) << text;
  EXPECT_NE(text.find("longest linearizable prefix (2 of 3 operations"), std::string::npos) << text;
  EXPECT_NE(text.find("1. p0 write 1 [lines 1..2]"), std::string::npos) << text;
  EXPECT_NE(text.find("2. p1 write 2 [lines 3..4]"), std::string::npos) << text;
  EXPECT_NE(text.find("after it, the register holds 2"), std::string::npos) << text;
  EXPECT_NE(text.find("p2 read -> 1 [lines 5..6]: read returned 1 but the register held 2"),
            std::string::npos) << text;
  EXPECT_NE(report.summary.find("only 2 of 3 operations linearize"), std::string::npos) << report.summary;
}

TEST(CasRegister, EdnRegisterHistoryDefaultsToTheRegisterModel) {
  const std::string text = lines({"{:process 0, :type :invoke, :f :write, :value 1}",
                                  "{:process 0, :type :ok, :f :write, :value 1}",
                                  "{:process :nemesis, :type :info, :f :start, :value nil}",
                                  "{:process 1, :type :invoke, :f :cas, :value [1 2]}",
                                  "{:process 1, :type :ok, :f :cas, :value [1 2]}",
                                  "{:process 1, :type :invoke, :f :read, :value nil}",
                                  "{:process 1, :type :ok, :f :read, :value 2}"});
  const CheckReport report = check_text(text, Format::Auto);
  EXPECT_EQ(report.model, "cas-register");
  EXPECT_EQ(report.verdict, Verdict::Linearizable) << report.explanation_text;
}

}  // namespace
}  // namespace confman::check::testing
