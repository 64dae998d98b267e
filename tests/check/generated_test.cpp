// The stress suite's CI slice: generated histories (tools/histgen) with a
// fixed seed each, linearizable by construction or with one planted
// anomaly, must get the verdict the generator planted, never unknown.
// The benchmark (tools/bench/check) runs the large settings.

#include <gtest/gtest.h>

#include "tests/check/test_support.h"
#include "tools/histgen/history_generator.h"

namespace confman::check::testing {
namespace {

using histgen::Anomaly;
using histgen::GeneratorSettings;

void expect_planted_verdict(const GeneratorSettings& settings) {
  const histgen::GeneratedHistory generated = histgen::generate_history(settings);
  const std::string what = settings.model + " " + histgen::anomaly_name(settings.anomaly) + " seed " +
                           std::to_string(settings.seed) + ": " + generated.anomaly;
  if (settings.anomaly != Anomaly::None) {
    ASSERT_TRUE(generated.anomaly_planted) << what;
  }
  CheckOptions options;
  options.model = settings.model;
  options.max_steps_per_partition = 5'000'000;  // steps, not time: the same on every machine
  const CheckReport report = check_history(parse_or_fail(generated.text, generated.format), options);
  const Verdict expected = settings.anomaly == Anomaly::None ? Verdict::Linearizable : Verdict::NotLinearizable;
  EXPECT_EQ(report.verdict, expected) << what << "\n" << report.summary;
}

TEST(Generated, EveryPlantedVerdictIsFound) {
  for (const std::string model : {"append-kv", "cas-register", "confman-kv"}) {
    for (const Anomaly anomaly : {Anomaly::None, Anomaly::StaleRead, Anomaly::LostWrite, Anomaly::DuplicateWrite,
                                  Anomaly::PhantomRead}) {
      for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        GeneratorSettings settings;
        settings.model = model;
        settings.clients = 10;
        settings.operations = 1000;
        settings.keys = 10;
        settings.indeterminate_rate = 0.02;
        settings.anomaly = anomaly;
        settings.seed = seed;
        expect_planted_verdict(settings);
      }
    }
  }
}

TEST(Generated, TheSameSettingsGiveTheSameHistory) {
  GeneratorSettings settings;
  settings.indeterminate_rate = 0.05;
  settings.anomaly = Anomaly::StaleRead;
  EXPECT_EQ(histgen::generate_history(settings).text, histgen::generate_history(settings).text);
  GeneratorSettings other = settings;
  other.seed = 2;
  EXPECT_NE(histgen::generate_history(settings).text, histgen::generate_history(other).text);
}

}  // namespace
}  // namespace confman::check::testing
