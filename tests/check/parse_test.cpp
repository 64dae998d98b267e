// The three history formats: what they read, and the errors (file, line and
// what was expected) for what they cannot.

#include <gtest/gtest.h>

#include "tests/check/test_support.h"

namespace confman::check::testing {
namespace {

std::string error_of(std::string_view text, Format format) {
  ParseResult parsed = parse_history(text, format, "h.txt");
  if (parsed) return "(parsed)";
  return parsed.error().describe();
}

TEST(DetectFormat, FromTheFirstLines) {
  EXPECT_EQ(detect_format("{\"process\":0}\n"), Format::Confman);
  EXPECT_EQ(detect_format("  {:process 0, :type :invoke}\n"), Format::Edn);
  EXPECT_EQ(detect_format("setup line\nINFO  jepsen.util - 0\t:invoke\t:read\tnil\n"), Format::Jepsen);
  EXPECT_EQ(detect_format(""), Format::Jepsen);  // empty: an empty history in any format
  EXPECT_EQ(detect_format("hello\n"), std::nullopt);
  EXPECT_EQ(error_of("hello\n", Format::Auto).rfind("h.txt: expected JSON Lines", 0), 0U);
}

TEST(ParseJepsen, ReadsEventsAndSkipsOtherLines) {
  const std::string text =
      "2015-05-01 INFO  jepsen.core - Starting\n"
      "INFO  jepsen.util - 3\t:invoke\t:cas\t[3 0]\n"
      "INFO  jepsen.util - :nemesis :info :start nil\n"
      "INFO  jepsen.util - 1   :invoke :write  4\n"
      "INFO  jepsen.util - 3\t:ok\t:cas\t[3 0]\n"
      "INFO  jepsen.util - 1\t:info\t:write\t:timed-out\n";
  const History history = parse_or_fail(text, Format::Jepsen);
  ASSERT_EQ(history.operations.size(), 2U);
  const Operation& cas = history.operations[0];
  EXPECT_EQ(cas.function, Function::Cas);
  EXPECT_EQ(cas.expected, "3");
  EXPECT_EQ(cas.value, "0");
  EXPECT_EQ(cas.outcome, Outcome::Ok);
  EXPECT_EQ(cas.call_line, 2U);
  EXPECT_EQ(cas.return_line, 5U);
  const Operation& write = history.operations[1];
  EXPECT_EQ(write.outcome, Outcome::Unknown);
  EXPECT_EQ(write.return_position, kNeverReturned);
}

TEST(ParseJepsen, DropsFailedOperationsAndTimedOutReads) {
  const History history = parse_or_fail(jepsen({"0 invoke cas [1 2]", "0 fail cas [1 2]",
                                                "1 invoke read nil", "1 fail read :timed-out"}),
                                        Format::Jepsen);
  EXPECT_TRUE(history.operations.empty());
  EXPECT_EQ(history.dropped_operations, 2U);
}

TEST(ParseJepsen, Errors) {
  EXPECT_EQ(error_of(jepsen({"0 invoke write x"}), Format::Jepsen),
            "h.txt:1: expected the value of a :write: nil or an integer");
  EXPECT_EQ(error_of(jepsen({"0 invoke cas [1]"}), Format::Jepsen),
            "h.txt:1: expected the value of a :cas: [old new] with nil or integers");
  EXPECT_EQ(error_of(jepsen({"0 invoke read nil", "0 ok read abc"}), Format::Jepsen),
            "h.txt:2: expected the value an :ok :read saw: nil or an integer");
  EXPECT_EQ(error_of(jepsen({"0 ok read 1"}), Format::Jepsen),
            "h.txt:1: expected an invocation by process 0 before this completion");
  EXPECT_EQ(error_of(jepsen({"0 invoke read nil", "0 invoke read nil"}), Format::Jepsen),
            "h.txt:2: expected a completion for process 0 (its read invoked on line 1 is still open) "
            "before its next invocation");
  EXPECT_EQ(error_of(jepsen({"0 invoke read nil", "0 ok write 1"}), Format::Jepsen),
            "h.txt:2: expected the completion of process 0's read (invoked on line 1), not of a write");
  EXPECT_EQ(error_of("just some text\n", Format::Jepsen),
            "h.txt: expected Jepsen event lines (INFO  jepsen.util - PROCESS :TYPE :F VALUE); found none");
}

TEST(ParseEdn, ReadsMapsWithKeysValuesAndTimes) {
  const History history = parse_or_fail(
      lines({"{:process 9, :type :invoke, :f :append, :key \"0\", :value \"x 9 0 y\", :time 5000}",
             "{:process 9, :type :ok, :f :append, :key \"0\", :value \"x 9 0 y\", :time 9000}",
             "{:process 1 :type :invoke :f :get :key 7 :value nil}",
             "{:process 1, :type :ok, :f :get, :key 7, :value \"a\\\"b\"}"}),
      Format::Edn);
  ASSERT_EQ(history.operations.size(), 2U);
  EXPECT_EQ(history.operations[0].value, "x 9 0 y");
  EXPECT_EQ(history.operations[0].call_time_us, 5);
  EXPECT_EQ(history.operations[0].return_time_us, 9);
  EXPECT_EQ(history.operations[1].key, "7");
  EXPECT_EQ(history.operations[1].read_value, "a\"b");
}

TEST(ParseEdn, Errors) {
  EXPECT_EQ(error_of("{:process 1, :type :invoke, :f :get, :key \"k\"\n", Format::Edn),
            "h.txt:1: expected '}' at column 46");
  EXPECT_EQ(error_of("\n{:type :invoke, :f :get}\n", Format::Edn), "h.txt:2: expected an integer :process");
  EXPECT_EQ(error_of("{:process 1, :type :start, :f :get}\n", Format::Edn),
            "h.txt:1: expected :type to be :invoke, :ok, :fail or :info");
  EXPECT_EQ(error_of("{:process 1, :type :invoke, :f :frob}\n", Format::Edn),
            "h.txt:1: expected :f to be :get, :put, :append, :read, :write or :cas");
  EXPECT_EQ(error_of("{:process 1, :type :invoke, :f :append, :key \"k\", :value [1]}\n", Format::Edn),
            "h.txt:1: expected the :value of a :append to be a string");
  EXPECT_EQ(error_of("[1 2]\n", Format::Edn), "h.txt:1: expected one EDN map {...} per line");
  EXPECT_EQ(error_of("{:process 1 :type}\n", Format::Edn),
            "h.txt:1: expected a value for every key of the map ending at column 19");
}

TEST(ParseConfman, ReadsTheHistoryMdExample) {
  const History history = parse_or_fail(read_text(check_data_path("confman-ok.jsonl")), Format::Confman);
  ASSERT_EQ(history.operations.size(), 7U);
  const Operation& put = history.operations[0];
  EXPECT_EQ(put.function, Function::Put);
  EXPECT_EQ(put.value, "\"0-1\"");
  EXPECT_EQ(put.revision, 7);
  EXPECT_EQ(put.version, 1);
  EXPECT_EQ(put.call_time_us, 1000);
  EXPECT_EQ(put.return_time_us, 5400);
  const Operation& cas = history.operations[2];
  EXPECT_EQ(cas.function, Function::KvCas);
  EXPECT_EQ(cas.outcome, Outcome::Unknown);
  EXPECT_EQ(cas.expected_mod_revision, 7);
}

TEST(ParseConfman, Errors) {
  const auto line = [](const std::string& body) { return "{" + body + "}\n"; };
  EXPECT_EQ(error_of("not json\n", Format::Confman), "h.txt:1: expected one JSON object per line");
  EXPECT_EQ(error_of(line(R"("type":"invoke")"), Format::Confman),
            "h.txt:1: expected an integer field \"process\"");
  EXPECT_EQ(error_of(line(R"("process":0,"type":"begin")"), Format::Confman),
            "h.txt:1: expected \"type\" to be \"invoke\", \"ok\", \"fail\" or \"info\", not \"begin\"");
  EXPECT_EQ(error_of(line(R"("process":0,"type":"invoke","f":"list")"), Format::Confman),
            "h.txt:1: expected \"f\" to be \"get\", \"put\", \"delete\" or \"cas\", not \"list\"");
  EXPECT_EQ(error_of(line(R"("process":0,"type":"invoke","f":"put","key":"/a","time_us":1)"), Format::Confman),
            "h.txt:1: expected a field \"value\"");
  EXPECT_EQ(error_of(line(R"("process":0,"type":"invoke","f":"get","key":"/a")"), Format::Confman),
            "h.txt:1: expected a non-negative integer field \"time_us\"");
  const std::string invoke_get = line(R"("process":0,"type":"invoke","f":"get","key":"/a","time_us":1)");
  EXPECT_EQ(error_of(invoke_get + line(R"("process":0,"type":"ok","f":"get","key":"/a","time_us":2)"),
                     Format::Confman),
            "h.txt:2: expected a boolean field \"found\"");
  EXPECT_EQ(error_of(invoke_get + line(R"("process":0,"type":"ok","f":"get","key":"/b","found":false,"time_us":2)"),
                     Format::Confman),
            "h.txt:2: expected the completion of process 0's get on key \"/a\" (line 1), not on \"/b\"");
  const std::string invoke_delete = line(R"("process":0,"type":"invoke","f":"delete","key":"/a","time_us":1)");
  EXPECT_EQ(error_of(invoke_delete + line(R"("process":0,"type":"ok","f":"delete","key":"/a","result":"gone","time_us":2)"),
                     Format::Confman),
            "h.txt:2: expected \"result\" to be \"ok\" or \"not_found\"");
  EXPECT_EQ(error_of(invoke_delete + line(R"("process":0,"type":"ok","f":"delete","key":"/a","result":"ok","time_us":2)"),
                     Format::Confman),
            "h.txt:2: expected an integer field \"revision\"");
}

TEST(ParseConfman, LineLengthIsLimited) {
  const std::string long_line(kMaxLineBytes + 1, ' ');
  EXPECT_EQ(error_of("\n" + long_line + "\n", Format::Confman),
            "h.txt:2: expected a line of at most " + std::to_string(kMaxLineBytes) + " bytes");
}

TEST(ModelFit, HistoryThatDoesNotFitTheModelIsBadInput) {
  CheckOptions options;
  options.model = "cas-register";
  const History history = parse_or_fail(read_text(check_data_path("confman-ok.jsonl")), Format::Confman, "c.jsonl");
  const CheckReport report = check_history(history, options);
  EXPECT_EQ(report.verdict, Verdict::Unknown);
  ASSERT_TRUE(report.input_error.has_value());
  EXPECT_EQ(report.input_error->describe(),
            "c.jsonl:1: expected an operation the cas-register model checks (read, write and cas [old new]), "
            "not a put from a confman history");
  options.model = "no-such-model";
  EXPECT_EQ(check_history(history, options).input_error->message,
            "expected a model: confman-kv, cas-register or append-kv, not \"no-such-model\"");
}

}  // namespace
}  // namespace confman::check::testing
