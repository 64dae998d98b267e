// The failure table (real/http/problems.h) and docs/API.md agree row for
// row, and the effects are the ones the clients rely on.

#include "real/http/problems.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

namespace confman::real::http {
namespace {

std::string read_docs() {
  std::ifstream in(std::string(CONFMAN_SOURCE_DIR) + "/docs/API.md");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const char* effect_name(Effect effect) { return effect == Effect::None ? "none" : "unknown"; }

TEST(Problems, EveryTypeIsDocumentedWithItsStatusAndEffect) {
  const std::string docs = read_docs();
  ASSERT_FALSE(docs.empty());
  std::set<std::string> types;
  for (int i = 0; i < kProblemCount; ++i) {
    const ProblemSpec& spec = problem_spec(static_cast<Problem>(i));
    EXPECT_TRUE(types.insert(spec.type).second) << spec.type << " appears twice";
    const std::string row = "| " + std::to_string(spec.status) + " | `" + spec.type + "` | " + effect_name(spec.effect) + " |";
    EXPECT_NE(docs.find(row), std::string::npos) << "docs/API.md has no row " << row;
  }
  // And no row the table lacks.
  std::size_t rows = 0;
  for (std::size_t at = docs.find("`urn:confman:problem:"); at != std::string::npos;
       at = docs.find("`urn:confman:problem:", at + 1)) {
    rows += 1;
  }
  EXPECT_EQ(rows, types.size());
}

TEST(Problems, OnlyOutcomeUnknownAndStaleSequenceLeaveTheEffectUnknown) {
  for (int i = 0; i < kProblemCount; ++i) {
    const ProblemSpec& spec = problem_spec(static_cast<Problem>(i));
    const bool unknown = spec.effect == Effect::Unknown;
    EXPECT_EQ(unknown, spec.status == 504 || std::string(spec.type) == "urn:confman:problem:stale-sequence") << spec.type;
    EXPECT_EQ(spec.retry_after, spec.status == 503) << spec.type;
  }
}

TEST(Problems, TheResponseCarriesTypeStatusAndRetryAfter) {
  const Response response = problem(Problem::LeaderUnreachable, "node 2: connection refused");
  EXPECT_EQ(response.status, 503u);
  EXPECT_EQ(response.content_type, "application/problem+json");
  EXPECT_NE(response.body.find("\"type\":\"urn:confman:problem:leader-unreachable\""), std::string::npos) << response.body;
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].first, "Retry-After");
}

}  // namespace
}  // namespace confman::real::http
