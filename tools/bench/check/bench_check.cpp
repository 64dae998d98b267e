// confman-check speed on the conformance histories (testdata/conformance).
//
// Reference (check goal, from the conformance README): Porcupine needs
// about 0.86 s for all 102 non-empty etcd histories, 0.35-0.48 s for the
// slowest (etcd_002), and 1.5 ms for the 10-client kv history split per key.
// Every benchmark first checks that the verdicts are those of verdicts.tsv:
// a fast wrong answer is worth nothing.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "check/checker.h"
#include "tools/histgen/history_generator.h"

namespace {

using namespace confman::check;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return std::move(buffer).str();
}

struct Case {
  std::string file;
  std::string text;
  History history;
  Verdict expected = Verdict::Linearizable;
};

// The rows of verdicts.tsv whose file starts with `prefix`, parsed.
std::vector<Case> load(const std::string& prefix) {
  const std::string root = std::string(CONFMAN_TESTDATA_DIR) + "/conformance/";
  std::istringstream rows(read_text(root + "verdicts.tsv"));
  std::string line;
  std::map<std::string, Case> cases;
  std::getline(rows, line);
  while (std::getline(rows, line)) {
    std::istringstream fields(line);
    std::string file, model, verdict;
    std::getline(fields, file, '\t');
    std::getline(fields, model, '\t');
    std::getline(fields, verdict, '\t');
    if (file.rfind(prefix, 0) != 0 || cases.count(file) != 0) continue;
    Case c;
    c.file = file;
    c.text = read_text(root + file);
    ParseResult parsed = parse_history(c.text, Format::Auto, file);
    if (!parsed) continue;
    c.history = std::move(parsed).value();
    c.expected = verdict == "true" ? Verdict::Linearizable : Verdict::NotLinearizable;
    cases.emplace(file, std::move(c));
  }
  std::vector<Case> ordered;
  for (auto& [file, c] : cases) ordered.push_back(std::move(c));
  return ordered;
}

bool verdicts_match(benchmark::State& state, const std::vector<Case>& cases, std::size_t expected_count) {
  if (cases.size() != expected_count) {
    state.SkipWithError("conformance histories missing");
    return false;
  }
  for (const Case& c : cases) {
    if (check_history(c.history, CheckOptions{}).verdict != c.expected) {
      state.SkipWithError(("wrong verdict on " + c.file).c_str());
      return false;
    }
  }
  return true;
}

void check_all(benchmark::State& state, const std::vector<Case>& cases, std::size_t expected_count) {
  if (!verdicts_match(state, cases, expected_count)) return;
  std::size_t operations = 0;
  for (auto _ : state) {
    for (const Case& c : cases) {
      const CheckReport report = check_history(c.history, CheckOptions{});
      benchmark::DoNotOptimize(report.verdict);
      operations += report.operation_count;
    }
  }
  state.counters["histories"] = static_cast<double>(cases.size());
  state.counters["ops/s"] = benchmark::Counter(static_cast<double>(operations), benchmark::Counter::kIsRate);
}

// All 102 non-empty etcd histories (cas-register), parsed beforehand.
void BM_EtcdAll(benchmark::State& state) {
  static const std::vector<Case> cases = load("jepsen-etcd/");
  check_all(state, cases, 102);
}
BENCHMARK(BM_EtcdAll)->Unit(benchmark::kMillisecond);

// The same, parsing included.
void BM_EtcdAllWithParsing(benchmark::State& state) {
  static const std::vector<Case> cases = load("jepsen-etcd/");
  if (!verdicts_match(state, cases, 102)) return;
  for (auto _ : state) {
    for (const Case& c : cases) {
      ParseResult parsed = parse_history(c.text, Format::Auto, c.file);
      benchmark::DoNotOptimize(check_history(*parsed, CheckOptions{}).verdict);
    }
  }
}
BENCHMARK(BM_EtcdAllWithParsing)->Unit(benchmark::kMillisecond);

// The slowest etcd history for Porcupine.
void BM_Etcd002(benchmark::State& state) {
  static const std::vector<Case> cases = load("jepsen-etcd/etcd_002");
  check_all(state, cases, 1);
}
BENCHMARK(BM_Etcd002)->Unit(benchmark::kMillisecond);

// The 10-client key-value histories, split per key (append-kv).
void BM_KvC10Split(benchmark::State& state) {
  static const std::vector<Case> cases = load("kv/c10-");
  check_all(state, cases, 2);
}
BENCHMARK(BM_KvC10Split)->Unit(benchmark::kMillisecond);

void BM_KvC10OkSplit(benchmark::State& state) {
  static const std::vector<Case> cases = load("kv/c10-ok");
  check_all(state, cases, 1);
}
BENCHMARK(BM_KvC10OkSplit)->Unit(benchmark::kMillisecond);

// Generated histories (tools/histgen): args are model (0 append-kv,
// 1 cas-register), clients, operations, keys, indeterminate operations per
// thousand, and the planted anomaly (0 none, 1 stale read, 2 lost write,
// 3 duplicated write, 4 phantom read). Parsing is included; "decided" is 1
// when the verdict is the planted one (0: wrong or unknown), "steps" the
// search's total. The limits are the CLI's defaults, its 60 s wall clock
// included, and its threads (the cores).
constexpr const char* kGeneratedModels[] = {"append-kv", "cas-register", "confman-kv"};

void BM_Generated(benchmark::State& state) {
  confman::histgen::GeneratorSettings settings;
  settings.model = kGeneratedModels[static_cast<std::size_t>(state.range(0))];
  settings.clients = static_cast<int>(state.range(1));
  settings.operations = static_cast<std::size_t>(state.range(2));
  settings.keys = static_cast<int>(state.range(3));
  settings.indeterminate_rate = static_cast<double>(state.range(4)) / 1000.0;
  settings.anomaly = static_cast<confman::histgen::Anomaly>(state.range(5));
  const confman::histgen::GeneratedHistory generated = confman::histgen::generate_history(settings);
  CheckOptions options;
  options.model = settings.model;
  options.timeout_ms = 60'000;
  options.threads = std::max(1u, std::thread::hardware_concurrency());
  const Verdict expected =
      settings.anomaly == confman::histgen::Anomaly::None ? Verdict::Linearizable : Verdict::NotLinearizable;
  bool decided = true;
  std::uint64_t steps = 0;
  for (auto _ : state) {
    ParseResult parsed = parse_history(generated.text, generated.format, "generated");
    const CheckReport report = check_history(*parsed, options);
    decided = decided && report.verdict == expected;
    steps = report.total_steps;
  }
  state.SetLabel(settings.model + " " + confman::histgen::anomaly_name(settings.anomaly));
  state.counters["decided"] = decided ? 1 : 0;
  state.counters["steps"] = static_cast<double>(steps);
}
void generated_settings(benchmark::internal::Benchmark* bench) {
  for (std::int64_t model : {0, 1, 2}) {
    for (const auto& [clients, operations, keys] :
         {std::tuple{10, 1'000, 10}, std::tuple{50, 10'000, 10}, std::tuple{50, 10'000, 100},
          std::tuple{200, 100'000, 100}}) {
      for (std::int64_t info_permille : {0, 50}) {
        for (std::int64_t anomaly : {0, 1, 2, 4}) {
          bench->Args({model, clients, operations, keys, info_permille, anomaly});
        }
      }
    }
  }
}
BENCHMARK(BM_Generated)->Apply(generated_settings)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
