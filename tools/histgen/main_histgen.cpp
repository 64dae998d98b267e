// confman-histgen: writes a generated client history (history_generator.h)
// to standard output, for confman-check or any other checker: EDN, or for
// confman-kv our JSON Lines (sim/HISTORY.md).
//
//   confman-histgen --model append-kv --clients 50 --operations 10000
//                   --keys 10 --indeterminate 0.05 --anomaly stale-read
//                   --seed 7 > h.edn
//   confman-check h.edn
//
// What was planted goes to standard error.

#include <CLI/CLI.hpp>

#include <iostream>
#include <map>

#include "tools/histgen/history_generator.h"

int main(int argc, char** argv) {
  using confman::histgen::Anomaly;
  CLI::App app{"Writes a generated client history (EDN; JSON Lines for confman-kv) to standard output"};
  confman::histgen::GeneratorSettings settings;
  std::string anomaly = "none";
  app.add_option("--model", settings.model, "append-kv, cas-register or confman-kv")
      ->check(CLI::IsMember({"append-kv", "cas-register", "confman-kv"}))
      ->capture_default_str();
  app.add_option("--clients", settings.clients, "concurrent clients")->check(CLI::Range(1, 100'000))->capture_default_str();
  app.add_option("--operations", settings.operations, "operations in all")
      ->check(CLI::Range(1, 10'000'000))
      ->capture_default_str();
  app.add_option("--keys", settings.keys, "keys the operations spread over")->check(CLI::Range(1, 1'000'000))->capture_default_str();
  app.add_option("--indeterminate", settings.indeterminate_rate, "share of operations that end :info")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--anomaly", anomaly, "none, stale-read, lost-write, duplicate-write or phantom-read")
      ->check(CLI::IsMember({"none", "stale-read", "lost-write", "duplicate-write", "phantom-read"}))
      ->capture_default_str();
  app.add_option("--seed", settings.seed, "the seed: the same settings give the same history")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  const std::map<std::string, Anomaly> anomalies{{"none", Anomaly::None},
                                                 {"stale-read", Anomaly::StaleRead},
                                                 {"lost-write", Anomaly::LostWrite},
                                                 {"duplicate-write", Anomaly::DuplicateWrite},
                                                 {"phantom-read", Anomaly::PhantomRead}};
  settings.anomaly = anomalies.at(anomaly);
  const confman::histgen::GeneratedHistory history = confman::histgen::generate_history(settings);
  std::cout << history.text;
  if (settings.anomaly != Anomaly::None) {
    std::cerr << (history.anomaly_planted ? "planted " + history.anomaly
                                          : std::string("no place to plant the anomaly: the history is linearizable"))
              << "\n";
  }
  return 0;
}
