// libFuzzer target: the scenario parser, sim::parse_scenario, on TOML text
// held in memory (the seeds in fuzz/corpus/scenario are files from
// scenarios/).
//
// Any text must be parsed or rejected with an error, never crash. A scenario
// that parses must survive sim::scenario_to_toml (which the simulator uses to
// print swarm options and save shrunk scenarios): its output must parse
// again, and writing that gives the same text.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "fuzz/fuzz_check.h"
#include "sim/scenario.h"
#include "sim/scenario_writer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using confman::fuzz::fuzz_require;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto scenario = confman::sim::parse_scenario(text, "fuzz.toml");
  if (!scenario) return 0;
  const std::string written = confman::sim::scenario_to_toml(*scenario);
  const auto reparsed = confman::sim::parse_scenario(written, "written.toml");
  if (!reparsed) std::fprintf(stderr, "%s\n--- written:\n%s\n", reparsed.error().message.c_str(), written.c_str());
  fuzz_require(reparsed.ok(), "a parsed scenario, written as TOML, parses again");
  fuzz_require(confman::sim::scenario_to_toml(*reparsed) == written, "writing a re-parsed scenario gives the same text");
  return 0;
}
