// Hand-written histories for the confman-kv model (sim/HISTORY.md), including
// revisions of writes whose outcome is unknown and the cross-key revision pass.

#include <gtest/gtest.h>

#include "tests/check/test_support.h"

namespace confman::check::testing {
namespace {

// Builds JSON Lines; time_us counts up by 100 per line.
class Events {
 public:
  Events& invoke(int p, const std::string& f, const std::string& key, const std::string& fields = "") {
    return add(p, "invoke", f, key, fields);
  }
  Events& ok(int p, const std::string& f, const std::string& key, const std::string& fields) {
    return add(p, "ok", f, key, fields);
  }
  Events& info(int p, const std::string& f, const std::string& key) { return add(p, "info", f, key, ""); }
  Events& fail(int p, const std::string& f, const std::string& key) { return add(p, "fail", f, key, ""); }
  const std::string& text() const { return text_; }
  CheckReport check() const { return check_text(text_, Format::Confman); }

 private:
  Events& add(int p, const std::string& type, const std::string& f, const std::string& key,
              const std::string& fields) {
    time_us_ += 100;
    text_ += "{\"process\":" + std::to_string(p) + ",\"type\":\"" + type + "\",\"f\":\"" + f +
             "\",\"key\":\"" + key + "\"" + (fields.empty() ? "" : "," + fields) +
             ",\"time_us\":" + std::to_string(time_us_) + "}\n";
    return *this;
  }
  std::string text_;
  int time_us_ = 0;
};

std::string put_ok(int revision, int version) {
  return "\"revision\":" + std::to_string(revision) + ",\"version\":" + std::to_string(version);
}

std::string found(const std::string& value, int mod, int create, int version) {
  return "\"found\":true,\"value\":\"" + value + "\",\"mod_revision\":" + std::to_string(mod) +
         ",\"create_revision\":" + std::to_string(create) + ",\"version\":" + std::to_string(version);
}

const std::string kNotFound = "\"found\":false";

TEST(ConfmanKv, HistoryMdExampleIsLinearizable) {
  const CheckReport report = check_text(read_text(check_data_path("confman-ok.jsonl")), Format::Auto);
  EXPECT_EQ(report.model, "confman-kv");
  EXPECT_EQ(report.verdict, Verdict::Linearizable) << report.explanation_text;
}

TEST(ConfmanKv, GetMustReportTheRevisionOfTheWriteItSees) {
  const CheckReport report = check_text(read_text(check_data_path("confman-bad.jsonl")), Format::Auto);
  EXPECT_EQ(report.verdict, Verdict::NotLinearizable);
  EXPECT_NE(report.explanation_text.find("get reported mod_revision 6, but the key held \"0-1\" "
                                         "(mod_revision 7, create_revision 7, version 1)"),
            std::string::npos)
      << report.explanation_text;
  EXPECT_NE(report.explanation_text.find("key \"/k/1\" (2 operations)"), std::string::npos);
}

TEST(ConfmanKv, FailedCompareMustHaveHappenedBeforeTheConcurrentWrite) {
  // The cas saw no key (mod_revision 0) while the put was in flight: it came first.
  Events events;
  events.invoke(0, "put", "/a", "\"value\":\"x\"")
      .invoke(1, "cas", "/a", "\"value\":\"y\",\"expected_mod_revision\":5")
      .ok(1, "cas", "/a", "\"result\":\"compare_failed\",\"mod_revision\":0")
      .ok(0, "put", "/a", put_ok(5, 1));
  EXPECT_EQ(events.check().verdict, Verdict::Linearizable) << events.check().explanation_text;
}

TEST(ConfmanKv, FailedCompareCannotSeeNoKeyAfterTheWriteReturned) {
  Events events;
  events.invoke(0, "put", "/a", "\"value\":\"x\"")
      .ok(0, "put", "/a", put_ok(5, 1))
      .invoke(1, "cas", "/a", "\"value\":\"y\",\"expected_mod_revision\":5")
      .ok(1, "cas", "/a", "\"result\":\"compare_failed\",\"mod_revision\":0");
  const CheckReport report = events.check();
  EXPECT_EQ(report.verdict, Verdict::NotLinearizable);
  EXPECT_NE(report.explanation_text.find("cas reported compare_failed with mod_revision 0"), std::string::npos)
      << report.explanation_text;
}

TEST(ConfmanKv, CasSucceedsOnlyOnTheExpectedRevision) {
  Events good;
  good.invoke(0, "put", "/a", "\"value\":\"x\"").ok(0, "put", "/a", put_ok(3, 1))
      .invoke(0, "cas", "/a", "\"value\":\"y\",\"expected_mod_revision\":3")
      .ok(0, "cas", "/a", "\"result\":\"ok\"," + put_ok(4, 2))
      .invoke(1, "get", "/a").ok(1, "get", "/a", found("y", 4, 3, 2));
  EXPECT_EQ(good.check().verdict, Verdict::Linearizable) << good.check().explanation_text;
  Events bad;
  bad.invoke(0, "put", "/a", "\"value\":\"x\"").ok(0, "put", "/a", put_ok(3, 1))
      .invoke(0, "cas", "/a", "\"value\":\"y\",\"expected_mod_revision\":2")
      .ok(0, "cas", "/a", "\"result\":\"ok\"," + put_ok(4, 2));
  EXPECT_EQ(bad.check().verdict, Verdict::NotLinearizable);
}

TEST(ConfmanKv, UnknownPutIsFixedByALaterObservation) {
  Events events;
  events.invoke(0, "put", "/a", "\"value\":\"x\"").info(0, "put", "/a")
      .invoke(1, "get", "/a").ok(1, "get", "/a", found("x", 7, 7, 1));
  EXPECT_EQ(events.check().verdict, Verdict::Linearizable);
  // Once seen at revision 7, a write acknowledged later cannot have revision 6.
  events.invoke(1, "put", "/a", "\"value\":\"z\"").ok(1, "put", "/a", put_ok(6, 2));
  EXPECT_EQ(events.check().verdict, Verdict::NotLinearizable);
}

TEST(ConfmanKv, UnknownPutNeedsRoomForItsRevision) {
  // The timed-out put created the key (version 2 below), so its revision is
  // below the acknowledged put's: 1 fits under 2, nothing fits under 1.
  Events fits;
  fits.invoke(0, "put", "/a", "\"value\":\"x\"").info(0, "put", "/a")
      .invoke(1, "put", "/a", "\"value\":\"y\"").ok(1, "put", "/a", put_ok(2, 2))
      .invoke(1, "get", "/a").ok(1, "get", "/a", found("y", 2, 1, 2));
  EXPECT_EQ(fits.check().verdict, Verdict::Linearizable) << fits.check().explanation_text;
  Events no_room;
  no_room.invoke(0, "put", "/a", "\"value\":\"x\"").info(0, "put", "/a")
      .invoke(1, "put", "/a", "\"value\":\"y\"").ok(1, "put", "/a", put_ok(1, 2));
  EXPECT_EQ(no_room.check().verdict, Verdict::NotLinearizable);
}

TEST(ConfmanKv, UnknownRevisionsChainThroughVersions) {
  // Two timed-out puts (create, then update), then an acknowledged put at 8
  // (version 3). The create revision must leave room for the middle write:
  // it is at most 6.
  auto history = [](int create_seen) {
    Events events;
    events.invoke(0, "put", "/a", "\"value\":\"x\"").info(0, "put", "/a")
        .invoke(1, "put", "/a", "\"value\":\"y\"").info(1, "put", "/a")
        .invoke(2, "put", "/a", "\"value\":\"z\"").ok(2, "put", "/a", put_ok(8, 3))
        .invoke(2, "get", "/a").ok(2, "get", "/a", found("z", 8, create_seen, 3));
    return events.check().verdict;
  };
  EXPECT_EQ(history(6), Verdict::Linearizable);
  EXPECT_EQ(history(7), Verdict::NotLinearizable);
}

TEST(ConfmanKv, DeleteAndNotFound) {
  Events events;
  events.invoke(0, "put", "/a", "\"value\":\"x\"").ok(0, "put", "/a", put_ok(1, 1))
      .invoke(0, "delete", "/a").ok(0, "delete", "/a", "\"result\":\"ok\",\"revision\":2")
      .invoke(1, "delete", "/a").ok(1, "delete", "/a", "\"result\":\"not_found\"")
      .invoke(1, "get", "/a").ok(1, "get", "/a", kNotFound)
      .invoke(1, "put", "/a", "\"value\":\"y\"").ok(1, "put", "/a", put_ok(3, 1))
      .invoke(1, "get", "/a").ok(1, "get", "/a", found("y", 3, 3, 1));
  EXPECT_EQ(events.check().verdict, Verdict::Linearizable) << events.check().explanation_text;
  // After a delete at revision 2, a put cannot get revision 2 or lower.
  Events bad;
  bad.invoke(0, "put", "/a", "\"value\":\"x\"").ok(0, "put", "/a", put_ok(1, 1))
      .invoke(0, "delete", "/a").ok(0, "delete", "/a", "\"result\":\"ok\",\"revision\":3")
      .invoke(1, "put", "/a", "\"value\":\"y\"").ok(1, "put", "/a", put_ok(2, 1));
  EXPECT_EQ(bad.check().verdict, Verdict::NotLinearizable);
}

TEST(ConfmanKv, VersionCountsWritesSinceCreation) {
  Events events;
  events.invoke(0, "put", "/a", "\"value\":\"x\"").ok(0, "put", "/a", put_ok(1, 1))
      .invoke(0, "put", "/a", "\"value\":\"y\"").ok(0, "put", "/a", put_ok(2, 3));
  const CheckReport report = events.check();
  EXPECT_EQ(report.verdict, Verdict::NotLinearizable);
  EXPECT_NE(report.explanation_text.find("put reported version 3, but here it would make version 2"),
            std::string::npos)
      << report.explanation_text;
}

TEST(ConfmanKv, FailedAndUnknownGetsAreDropped) {
  Events events;
  events.invoke(0, "put", "/a", "\"value\":\"x\"").fail(0, "put", "/a")
      .invoke(1, "get", "/a").info(1, "get", "/a")
      .invoke(1, "get", "/a").ok(1, "get", "/a", kNotFound);
  const CheckReport report = events.check();
  EXPECT_EQ(report.verdict, Verdict::Linearizable);
  EXPECT_EQ(report.operation_count, 1U);
}

TEST(ConfmanKv, MissingCompletionIsUnknownOutcome) {
  Events events;
  events.invoke(0, "put", "/a", "\"value\":\"x\"")
      .invoke(1, "get", "/a").ok(1, "get", "/a", found("x", 4, 4, 1));
  EXPECT_EQ(events.check().verdict, Verdict::Linearizable);
}

TEST(ConfmanKv, UnknownCasTakesEffectOnlyIfItsCompareHeld) {
  Events events;
  events.invoke(0, "put", "/a", "\"value\":\"x\"").ok(0, "put", "/a", put_ok(3, 1))
      .invoke(1, "cas", "/a", "\"value\":\"y\",\"expected_mod_revision\":2").info(1, "cas", "/a")
      .invoke(0, "get", "/a").ok(0, "get", "/a", found("y", 5, 3, 2));
  EXPECT_EQ(events.check().verdict, Verdict::NotLinearizable);
}

TEST(ConfmanKv, KeysAreCheckedSeparately) {
  Events events;
  events.invoke(0, "put", "/a", "\"value\":\"x\"").ok(0, "put", "/a", put_ok(1, 1))
      .invoke(0, "put", "/b", "\"value\":\"x\"").ok(0, "put", "/b", put_ok(2, 1))
      .invoke(1, "get", "/b").ok(1, "get", "/b", found("x", 2, 2, 1))
      .invoke(1, "get", "/a").ok(1, "get", "/a", kNotFound);
  const CheckReport report = events.check();
  EXPECT_EQ(report.verdict, Verdict::NotLinearizable);
  EXPECT_EQ(report.partition_count, 2U);
  EXPECT_NE(report.summary.find("key \"/a\""), std::string::npos) << report.summary;
}

TEST(ConfmanKv, RevisionsMustFollowRealTimeAcrossKeys) {
  Events events;
  events.invoke(0, "put", "/a", "\"value\":\"x\"").ok(0, "put", "/a", put_ok(5, 1))
      .invoke(1, "put", "/b", "\"value\":\"x\"").ok(1, "put", "/b", put_ok(4, 1));
  const CheckReport report = events.check();
  EXPECT_EQ(report.verdict, Verdict::NotLinearizable);
  EXPECT_NE(report.explanation_text.find("revisions across keys contradict real time"), std::string::npos)
      << report.explanation_text;
  EXPECT_NE(report.explanation_json.find("\"kind\":\"revision_order\""), std::string::npos);
}

TEST(ConfmanKv, RevisionsAreUniqueAcrossKeys) {
  Events events;
  events.invoke(0, "put", "/a", "\"value\":\"x\"")
      .invoke(1, "put", "/b", "\"value\":\"x\"")
      .ok(0, "put", "/a", put_ok(5, 1))
      .ok(1, "put", "/b", put_ok(5, 1));
  const CheckReport report = events.check();
  EXPECT_EQ(report.verdict, Verdict::NotLinearizable);
  EXPECT_NE(report.summary.find("two acknowledged writes got revision 5"), std::string::npos) << report.summary;
}

TEST(ConfmanKv, ConcurrentWritesToDifferentKeysMayTakeEitherRevisionOrder) {
  Events events;
  events.invoke(0, "put", "/a", "\"value\":\"x\"")
      .invoke(1, "put", "/b", "\"value\":\"x\"")
      .ok(0, "put", "/a", put_ok(6, 1))
      .ok(1, "put", "/b", put_ok(5, 1));
  EXPECT_EQ(events.check().verdict, Verdict::Linearizable);
}

TEST(ConfmanKv, ValuesMayBeAnyJson) {
  const std::string text =
      lines({R"({"process":0,"type":"invoke","f":"put","key":"/a","value":{"n":[1,2]},"time_us":1})",
             R"({"process":0,"type":"ok","f":"put","key":"/a","value":{"n":[1,2]},"revision":1,"version":1,"time_us":2})",
             R"({"process":0,"type":"invoke","f":"get","key":"/a","time_us":3})",
             R"({"process":0,"type":"ok","f":"get","key":"/a","found":true,"value":{"n":[1,2]},"mod_revision":1,"create_revision":1,"version":1,"time_us":4})"});
  EXPECT_EQ(check_text(text, Format::Confman).verdict, Verdict::Linearizable);
}

TEST(ConfmanKv, ConvenienceEntryPointReportsParseErrors) {
  const CheckReport report = check_confman_history("{\"process\":0}\n", CheckOptions{}, "sim.jsonl");
  EXPECT_EQ(report.verdict, Verdict::Unknown);
  ASSERT_TRUE(report.input_error.has_value());
  EXPECT_EQ(report.input_error->describe(), "sim.jsonl:1: expected a string field \"type\"");
  const CheckReport good = check_confman_history(read_text(check_data_path("confman-ok.jsonl")), CheckOptions{});
  EXPECT_EQ(good.verdict, Verdict::Linearizable);
}

}  // namespace
}  // namespace confman::check::testing
