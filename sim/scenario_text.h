#pragma once
// Checks on a scenario file's raw text before the TOML parser sees it.
// toml11 3.7.1 (Debian 12) reads past a buffer on a literal string holding
// invalid UTF-8 (upstream issue #199) and recurses without a limit on nested
// arrays and inline tables (a stack overflow): both were found by
// fuzz/fuzz_scenario, and their reproducers live in fuzz/reproducers/.

#include <optional>
#include <string>
#include <string_view>

namespace confman::sim {

constexpr std::size_t kMaxScenarioBytes = 1 << 20;
constexpr int kMaxScenarioNesting = 32;  // a scenario needs 3 ([[timeline]] groups)

// Why the text cannot be a scenario file ("line 3: invalid UTF-8 at byte 17"),
// or nullopt.
std::optional<std::string> check_scenario_text(std::string_view text);

}  // namespace confman::sim
