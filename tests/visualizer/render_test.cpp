// The visualizer's data model and page (viz/render.h): what a
// small synthetic run turns into, the downsampling bounds on large runs, and
// that the page is self-contained (no network references, no way for data
// to break out of its script element).

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <string>

#include "check/checker.h"
#include "viz/render.h"

namespace confman::viz {
namespace {

namespace json = boost::json;

// Three nodes: node 1 leads term 2, a partition {1,2} | {3} heals, node 3
// crashes and restarts, node 2 pauses and resumes, a clock jump, a fault and
// an event kind this visualizer does not know, a malformed line.
constexpr const char* kTrace = R"({"t_us":0,"kind":"status","node":1,"role":"follower","term":0,"leader":0,"commit":0}
{"t_us":0,"kind":"status","node":2,"role":"follower","term":0,"leader":0,"commit":0}
{"t_us":0,"kind":"status","node":3,"role":"follower","term":0,"leader":0,"commit":0}
{"t_us":1000,"kind":"status","node":1,"role":"candidate","term":2,"leader":0,"commit":0}
{"t_us":1100,"kind":"send","node":1,"to":2,"type":"Vote","bytes":40}
{"t_us":1100,"kind":"send","node":1,"to":3,"type":"Vote","bytes":40}
{"t_us":1500,"kind":"status","node":1,"role":"leader","term":2,"leader":1,"commit":0}
{"t_us":1600,"kind":"status","node":1,"role":"leader","term":2,"leader":1,"commit":3}
{"t_us":1700,"kind":"apply","node":1,"index":3,"term":2}
{"t_us":2000,"kind":"fault","node":0,"fault":"partition","groups":"1,2|3"}
{"t_us":3000,"kind":"fault","node":0,"fault":"heal"}
{"t_us":4000,"kind":"fault","node":3,"fault":"crash"}
{"t_us":5000,"kind":"fault","node":3,"fault":"restart"}
{"t_us":5000,"kind":"status","node":3,"role":"follower","term":2,"leader":0,"commit":3}
{"t_us":6000,"kind":"fault","node":2,"fault":"pause","duration_us":1500}
{"t_us":7500,"kind":"fault","node":2,"fault":"resume"}
{"t_us":8000,"kind":"fault","node":1,"fault":"clock-jump","delta_us":-250000}
{"t_us":8500,"kind":"fault","node":2,"fault":"disk-sync-fail","duration_us":700}
{"t_us":9000,"kind":"frobnicate","node":2,"widgets":7}
this line is not JSON
{"t_us":10000,"kind":"phase","node":0,"phase":"liveness","quorum":"1,3"}
)";

// Client 0 writes, client 1 then reads a value the write never made: the
// read cannot be placed.
constexpr const char* kHistory = R"({"process":0,"type":"invoke","f":"put","key":"/k/1","value":"0-1","time_us":1000}
{"process":0,"type":"ok","f":"put","key":"/k/1","value":"0-1","revision":7,"version":1,"time_us":5400}
{"process":1,"type":"invoke","f":"get","key":"/k/1","time_us":6000}
{"process":1,"type":"ok","f":"get","key":"/k/1","found":true,"value":"0-1","mod_revision":6,"create_revision":6,"version":1,"time_us":6100}
{"process":2,"type":"invoke","f":"cas","key":"/k/1","value":"2-1","expected_mod_revision":7,"time_us":6500}
)";

std::string checker_report(const std::string& history) {
  check::CheckOptions options;
  options.model = "confman-kv";
  return check::check_confman_history(history, options, "test").explanation_json;
}

// Views, not strings: a const char* argument must not become a temporary
// std::string that dies before the VizInput that views it (ASan caught that).
VizInput input_with(std::string_view trace, std::string_view history, std::string_view report) {
  VizInput input;
  input.trace_jsonl = trace;
  input.history_jsonl = history;
  input.checker_report_json = report;
  input.title = "synthetic";
  return input;
}

const json::array& arr(const json::object& o, const char* name) { return o.at(name).as_array(); }
std::int64_t num(const json::value& v) { return v.to_number<std::int64_t>(); }

TEST(RenderData, LanesHoldEachNodesRolesAndTermsOverTime) {
  const std::string report = checker_report(kHistory);
  const json::object data = build_viz_data(input_with(kTrace, kHistory, report));
  ASSERT_EQ(arr(data, "nodes"), (json::array{1, 2, 3}));
  const json::array& roles = arr(data, "roles");
  const json::array& segs = arr(data, "lanes")[0].as_object().at("segs").as_array();
  ASSERT_EQ(segs.size(), 3U);  // follower term 0, candidate term 2, leader term 2 (commit changes merge)
  EXPECT_EQ(roles[static_cast<std::size_t>(num(segs[2].as_array()[2]))], "leader");
  EXPECT_EQ(num(segs[2].as_array()[0]), 1500);
  EXPECT_EQ(num(segs[2].as_array()[3]), 2);
  EXPECT_EQ(num(segs[2].as_array()[1]), 10000);  // open until the end of the trace
  // Node 3's follower segment stops at its crash and resumes at its restart.
  const json::array& node3 = arr(data, "lanes")[2].as_object().at("segs").as_array();
  ASSERT_EQ(node3.size(), 2U);
  EXPECT_EQ(num(node3[0].as_array()[1]), 4000);
  EXPECT_EQ(num(node3[1].as_array()[0]), 5000);
  EXPECT_EQ(num(data.at("end_us")), 10000);
}

TEST(RenderData, FaultsBecomeBandsWithTheirSides) {
  const json::object data = build_viz_data(input_with(kTrace, "", ""));
  const json::array& net = arr(data, "net");
  ASSERT_EQ(net.size(), 2U);
  const json::object& partition = net[0].as_object();
  EXPECT_EQ(partition.at("kind"), "partition");
  EXPECT_EQ(num(partition.at("start")), 2000);
  EXPECT_EQ(num(partition.at("end")), 3000);
  EXPECT_EQ(partition.at("sides"), (json::array{0, 0, 1}));
  const json::object& liveness = net[1].as_object();
  EXPECT_EQ(liveness.at("kind"), "liveness");
  EXPECT_EQ(liveness.at("sides"), (json::array{0, -2, 0}));  // node 2 cut off
  EXPECT_TRUE(liveness.at("open").as_bool());

  // [node, category, name, start, end, open, detail]
  std::vector<std::string> seen;
  for (const json::value& f : arr(data, "node_faults")) {
    const json::array& a = f.as_array();
    seen.push_back(std::to_string(num(a[0])) + " " + std::string(a[1].as_string()) + " " +
                   std::to_string(num(a[3])) + ".." + std::to_string(num(a[4])));
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"3 crash 4000..5000", "2 pause 6000..7500", "1 clock 8000..8000",
                                            "2 disk 8500..9200"}));
}

TEST(RenderData, UnknownKindsBecomeMarkersAndBadLinesAreCounted) {
  const json::object data = build_viz_data(input_with(kTrace, "", ""));
  const json::array& kinds = arr(data, "marker_kinds");
  bool found = false;
  for (const json::value& m : arr(data, "markers")) {
    const json::array& a = m.as_array();
    if (kinds[static_cast<std::size_t>(num(a[2]))] == "frobnicate") {
      found = true;
      EXPECT_EQ(num(a[1]), 2);
      EXPECT_EQ(a[3], "widgets=7");
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(num(data.at("stats").as_object().at("trace_skipped")), 1);
  EXPECT_EQ(arr(data, "msgs").size(), 8U);  // two sends, four numbers each
}

TEST(RenderData, OperationsTheCheckerCouldNotPlaceAreFlagged) {
  const std::string report = checker_report(kHistory);
  const json::object data = build_viz_data(input_with(kTrace, kHistory, report));
  const json::array& ops = arr(data, "ops");
  ASSERT_EQ(ops.size(), 3U);
  // [process, invoke, complete, outcome, f, key, detail, flags]
  const json::array& get = ops[1].as_array();
  EXPECT_EQ(num(get[0]), 1);
  EXPECT_NE(num(get[7]) & 3, 0) << "the stale read is what the checker could not place";
  const json::array& cas = ops[2].as_array();
  EXPECT_EQ(num(cas[2]), -1);  // never completed
  EXPECT_EQ(num(cas[3]), 3);
  const json::object& check = data.at("check").as_object();
  EXPECT_EQ(check.at("verdict"), "not_linearizable");
  const json::array& violations = check.at("violations").as_array();
  ASSERT_FALSE(violations.empty());
  const json::array& stuck = violations[0].as_object().at("cannot_place").as_array();
  ASSERT_FALSE(stuck.empty());
  EXPECT_EQ(num(stuck[0].as_object().at("op")), 1);
  EXPECT_FALSE(stuck[0].as_object().at("reason").as_string().empty());
}

TEST(RenderData, ReadsTheReportAsConfmanCheckJsonPrintsIt) {
  const std::string explanation = checker_report(kHistory);
  const std::string line = R"({"file":"h.jsonl","verdict":"not linearizable","explanation":)" + explanation + "}\n";
  const json::object data = build_viz_data(input_with("", kHistory, line));
  EXPECT_NE(num(arr(data, "ops")[1].as_array()[7]) & 3, 0);
}

TEST(RenderData, LargeRunsAreDownsampledWithinTheLimits) {
  std::string trace;
  std::string history;
  for (int i = 0; i < 60000; ++i) {
    const std::string t = std::to_string(i * 100);
    trace += R"({"t_us":)" + t + R"(,"kind":"send","node":1,"to":2,"type":")" + (i % 2 ? "Append" : "Heartbeat") +
             R"(","bytes":50})" + "\n";
    trace += R"({"t_us":)" + t + R"(,"kind":"status","node":1,"role":"leader","term":1,"leader":1,"commit":)" +
             std::to_string(i) + "}\n";
    trace += R"({"t_us":)" + t + R"(,"kind":"corrupt","node":2,"to":1})" + "\n";
    history += R"({"process":0,"type":"invoke","f":"get","key":"/k/0","time_us":)" + t + "}\n";
    history += R"({"process":0,"type":"ok","f":"get","key":"/k/0","found":false,"time_us":)" + t + "}\n";
  }
  for (int i = 0; i < 5; ++i) {  // a rare type keeps all its messages
    trace += R"({"t_us":6000000,"kind":"send","node":2,"to":1,"type":"Vote","bytes":40})" "\n";
  }
  VizLimits limits;
  limits.max_messages = 1000;
  limits.max_markers = 300;
  limits.max_progress_points = 200;
  limits.max_operations = 5000;
  const json::object data = build_viz_data(input_with(trace, history, ""), limits);
  EXPECT_LE(arr(data, "msgs").size() / 4, limits.max_messages);
  EXPECT_GE(arr(data, "msgs").size() / 4, limits.max_messages - 2);
  const json::array& types = arr(data, "msg_types");
  for (std::size_t t = 0; t < types.size(); ++t) {
    if (types[t] == "Vote") {
      EXPECT_EQ(arr(data, "msg_shown")[t], 5);
    }
  }
  EXPECT_LE(arr(data, "markers").size(), limits.max_markers);
  EXPECT_LE(arr(data, "lanes")[0].as_object().at("commit").as_array().size() / 2, limits.max_progress_points);
  EXPECT_EQ(arr(data, "lanes")[0].as_object().at("segs").as_array().size(), 1U);  // status: kept in full, merged
  EXPECT_EQ(arr(data, "ops").size(), limits.max_operations);
  EXPECT_EQ(num(data.at("ops_total")), 60000);
  // The last commit index survives the sampling.
  const json::array& commit = arr(data, "lanes")[0].as_object().at("commit").as_array();
  EXPECT_EQ(num(commit.back()), 59999);
}

TEST(RenderPage, IsSelfContainedAndNeedsNoNetwork) {
  const std::string report = checker_report(kHistory);
  const std::string html = render_html(kTrace, kHistory, report, "synthetic");
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("<script src"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(html.find("@TITLE@"), std::string::npos);
  EXPECT_EQ(html.find("/*@JS@*/"), std::string::npos);
  EXPECT_NE(html.find("id=\"viz-data\""), std::string::npos);
  EXPECT_NE(html.find("data-render-ms"), std::string::npos);  // the script records its own render time
}

TEST(RenderPage, DataCannotCloseItsScriptElement) {
  const std::string history =
      R"({"process":0,"type":"invoke","f":"put","key":"/k/</script><script>alert(1)</script>","value":"<!--","time_us":1})"
      "\n";
  VizInput input = input_with(kTrace, history, "");
  input.title = "</title><script>alert(2)</script>";
  const std::string html = render_html(input);
  std::size_t closes = 0;
  for (std::size_t at = html.find("</script>"); at != std::string::npos; at = html.find("</script>", at + 1)) closes += 1;
  EXPECT_EQ(closes, 2U);  // the data's and the page script's own
  EXPECT_EQ(html.find("<!--"), std::string::npos);
  EXPECT_EQ(html.find("alert(2)</script>"), std::string::npos);
}

TEST(RenderPage, SameInputSamePage) {
  const std::string report = checker_report(kHistory);
  EXPECT_EQ(render_html(kTrace, kHistory, report, "a"), render_html(kTrace, kHistory, report, "a"));
}

}  // namespace
}  // namespace confman::viz
