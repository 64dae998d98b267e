#pragma once
// Helpers shared by the checker tests: test data paths and compact ways to
// write small histories.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "check/checker.h"
#include "check/parse.h"

namespace confman::check::testing {

inline std::string testdata_path(std::string_view relative) {
  return std::string(CONFMAN_TESTDATA_DIR) + "/" + std::string(relative);
}

inline std::string check_data_path(std::string_view relative) {
  return std::string(CONFMAN_CHECK_TEST_DATA_DIR) + "/" + std::string(relative);
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return std::move(buffer).str();
}

// Jepsen log lines from "PROCESS TYPE F VALUE" events, e.g. "0 invoke write 1".
inline std::string jepsen(const std::vector<std::string>& events) {
  std::string text;
  for (const std::string& event : events) {
    std::istringstream in(event);
    std::string process, type, f;
    in >> process >> type >> f;
    std::string value;
    std::getline(in, value);
    const std::size_t start = value.find_first_not_of(' ');
    value = start == std::string::npos ? "nil" : value.substr(start);
    text += "INFO  jepsen.util - " + process + "\t:" + type + "\t:" + f + "\t" + value + "\n";
  }
  return text;
}

// One Knossos-style EDN event on a key, e.g. edn_event(0, "invoke", "append", "k", "\"a\"").
inline std::string edn_event(int process, const std::string& type, const std::string& f, const std::string& key,
                             const std::string& value) {
  return "{:process " + std::to_string(process) + ", :type :" + type + ", :f :" + f + ", :key \"" + key +
         "\", :value " + value + "}";
}

inline std::string lines(const std::vector<std::string>& rows) {
  std::string text;
  for (const std::string& row : rows) text += row + "\n";
  return text;
}

inline History parse_or_fail(std::string_view text, Format format, std::string_view name = "test") {
  ParseResult parsed = parse_history(text, format, name);
  if (!parsed) {
    ADD_FAILURE() << "unexpected parse error: " << parsed.error().describe();
    return History{};
  }
  return std::move(parsed).value();
}

inline CheckReport check_text(std::string_view text, Format format, std::string model = "") {
  CheckOptions options;
  options.model = std::move(model);
  return check_history(parse_or_fail(text, format), options);
}

}  // namespace confman::check::testing
