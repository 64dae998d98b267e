// Every row of testdata/conformance/verdicts.tsv: real histories recorded by
// Jepsen (etcd, a cas-register) and a Knossos-style key-value test, with the
// verdicts Porcupine and Knossos agree on. The checker must give each listed
// verdict with default options (no wall-clock limit, so never "unknown" for
// lack of time).

#include <gtest/gtest.h>

#include <map>
#include <ostream>
#include <sstream>

#include "tests/check/test_support.h"

namespace confman::check::testing {
namespace {

struct Row {
  std::string file;
  std::string model;
  bool linearizable = false;
};

// Names the parameter in test listings (otherwise gtest prints its bytes).
void PrintTo(const Row& row, std::ostream* out) { *out << row.file; }

// verdicts.tsv lists the kv rows twice; a repeated identical row is one case,
// a contradicting one fails the load.
std::vector<Row> load_rows() {
  std::istringstream in(read_text(testdata_path("conformance/verdicts.tsv")));
  std::string line;
  std::getline(in, line);  // header
  std::map<std::string, Row> rows;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    Row row;
    std::string verdict;
    std::getline(fields, row.file, '\t');
    std::getline(fields, row.model, '\t');
    std::getline(fields, verdict, '\t');
    row.linearizable = verdict == "true";
    auto [it, inserted] = rows.emplace(row.file, row);
    if (!inserted && (it->second.model != row.model || it->second.linearizable != row.linearizable)) {
      ADD_FAILURE() << "verdicts.tsv contradicts itself on " << row.file;
    }
  }
  std::vector<Row> ordered;
  for (auto& [file, row] : rows) ordered.push_back(row);
  return ordered;
}

class Conformance : public ::testing::TestWithParam<Row> {};

TEST_P(Conformance, GivesTheListedVerdict) {
  const Row& row = GetParam();
  const std::string text = read_text(testdata_path("conformance/" + row.file));
  const History history = parse_or_fail(text, Format::Auto, row.file);
  CheckOptions options;
  options.model = row.model;
  const CheckReport report = check_history(history, options);
  EXPECT_EQ(report.verdict, row.linearizable ? Verdict::Linearizable : Verdict::NotLinearizable)
      << row.file << ": " << report.summary << "\n" << report.explanation_text;
  // The format's default model is the listed one.
  EXPECT_EQ(default_model(history), row.model);
}

std::string row_name(const ::testing::TestParamInfo<Row>& info) {
  std::string name = info.param.file;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(VerdictsTsv, Conformance, ::testing::ValuesIn(load_rows()), row_name);

TEST(Conformance, ListsAllHistories) {
  EXPECT_EQ(load_rows().size(), 106U);  // 102 etcd + 4 kv
}

TEST(Conformance, EmptyEtcdHistoryIsTriviallyLinearizable) {
  const std::string text = read_text(testdata_path("conformance/jepsen-etcd/etcd_095.log"));
  ASSERT_TRUE(text.empty());
  const CheckReport report = check_text(text, Format::Auto);
  EXPECT_EQ(report.verdict, Verdict::Linearizable);
  EXPECT_EQ(report.operation_count, 0U);
  EXPECT_EQ(report.model, "cas-register");
}

TEST(Conformance, KvHistoriesSplitPerKey) {
  const CheckReport report = check_text(read_text(testdata_path("conformance/kv/c10-ok.txt")), Format::Auto);
  EXPECT_EQ(report.verdict, Verdict::Linearizable);
  EXPECT_EQ(report.partition_count, 10U);
  EXPECT_EQ(report.model, "append-kv");
}

}  // namespace
}  // namespace confman::check::testing
