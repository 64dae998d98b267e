// confman-check: linearizability verdicts on history files.
//
//   confman-check [--format auto|confman|jepsen|edn]
//                 [--model confman-kv|cas-register|append-kv]
//                 [--json] [--all] [--jobs N] [--timeout-ms N] [--max-steps N]
//                 [--memory-limit-mb N] FILE...
//
// One verdict line per file; the exit code is the worst verdict:
// 0 linearizable, 1 not linearizable, 2 unknown or bad input.

#include <CLI/CLI.hpp>
#include <sys/resource.h>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "check/checker.h"

namespace {

using namespace confman::check;
namespace json = boost::json;

constexpr int kExitLinearizable = 0;
constexpr int kExitNotLinearizable = 1;
constexpr int kExitUnknown = 2;
// A history file larger than this is refused rather than read into memory.
constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t{4} << 30;

struct Settings {
  std::string format = "auto";
  std::string model;
  bool json = false;
  std::uint64_t timeout_ms = 60'000;
  std::uint64_t max_steps = CheckOptions{}.max_steps_per_partition;
  std::size_t memory_limit_mb = CheckOptions{}.memory_limit_bytes >> 20;
  bool all_partitions = false;
  std::size_t jobs = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::string> files;
};

std::optional<std::string> read_file(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open the file";
    return std::nullopt;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    error = "cannot read the file";
    return std::nullopt;
  }
  std::string text = std::move(buffer).str();
  if (text.size() > kMaxFileBytes) {
    error = "expected a history of at most " + std::to_string(kMaxFileBytes >> 30) + " GiB";
    return std::nullopt;
  }
  return text;
}

int exit_code(Verdict verdict) {
  switch (verdict) {
    case Verdict::Linearizable: return kExitLinearizable;
    case Verdict::NotLinearizable: return kExitNotLinearizable;
    case Verdict::Unknown: return kExitUnknown;
  }
  return kExitUnknown;
}

int report_input_error(const Settings& settings, const std::string& file, const ParseError& error) {
  if (settings.json) {
    json::object object{{"file", file},
                        {"verdict", "error"},
                        {"error", json::object{{"file", error.file}, {"line", error.line}, {"message", error.message}}}};
    std::cout << json::serialize(object) << "\n";
  } else {
    std::cout << error.describe() << "\n";
  }
  return kExitUnknown;
}

void print_text(const std::string& file, const CheckReport& report, long long elapsed_ms) {
  switch (report.verdict) {
    case Verdict::Linearizable:
      std::cout << file << ": linearizable (" << report.operation_count << " ops, " << report.partition_count
                << " partitions, " << elapsed_ms << " ms)\n";
      return;
    case Verdict::NotLinearizable:
      std::cout << file << ": NOT linearizable \u2014 " << report.summary << "\n" << report.explanation_text;
      return;
    case Verdict::Unknown:
      std::cout << file << ": unknown \u2014 " << report.summary << "\n";
      return;
  }
}

// Each partition's verdict, search effort and wall time (measured for
// --json only: the report the simulator embeds carries no timings).
json::array partition_json(const CheckReport& report) {
  json::array partitions;
  for (const PartitionReport& p : report.partitions) {
    partitions.push_back(json::object{{"key", p.key},
                                      {"verdict", verdict_name(p.verdict)},
                                      {"ops", p.operation_count},
                                      {"steps", p.steps},
                                      {"memo_entries", p.memo_entries},
                                      {"peak_memory_bytes", p.peak_memory_bytes},
                                      {"elapsed_ms", p.elapsed_ms},
                                      {"stopped_early", p.stopped_early}});
  }
  return partitions;
}

// The most memory this process has held so far (the kernel's count: the
// parsed history and every partition's search, not only what the search
// accounts for), so a benchmark can hold a history to a memory budget.
std::uint64_t process_peak_rss_bytes() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;  // Linux counts KiB
}

void print_json(const std::string& file, const CheckReport& report, long long elapsed_ms) {
  json::object object{{"file", file},
                      {"verdict", verdict_name(report.verdict)},
                      {"ops", report.operation_count},
                      {"partitions", report.partition_count},
                      {"elapsed_ms", elapsed_ms},
                      {"process_peak_rss_bytes", process_peak_rss_bytes()},
                      {"summary", report.summary},
                      {"explanation", json::parse(report.explanation_json)},
                      {"partition_reports", partition_json(report)}};
  std::cout << json::serialize(object) << "\n";
}

int check_file(const Settings& settings, const std::string& file) {
  std::string error;
  const std::optional<std::string> text = read_file(file, error);
  if (!text) return report_input_error(settings, file, ParseError{file, 0, error});
  const auto start = std::chrono::steady_clock::now();
  const ParseResult history = parse_history(*text, *format_from_name(settings.format), file);
  if (!history) return report_input_error(settings, file, history.error());
  CheckOptions options;
  options.model = settings.model;
  options.timeout_ms = settings.timeout_ms;
  options.max_steps_per_partition = settings.max_steps;
  options.memory_limit_bytes = settings.memory_limit_mb << 20;
  options.all_partitions = settings.all_partitions;
  options.threads = settings.jobs;
  options.measure_time = settings.json;
  options.explanation_json = settings.json;
  const CheckReport report = check_history(*history, options);
  if (report.input_error) return report_input_error(settings, file, *report.input_error);
  const long long elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now() - start).count();
  if (settings.json) {
    print_json(file, report, elapsed_ms);
  } else {
    print_text(file, report, elapsed_ms);
  }
  return exit_code(report.verdict);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Checks client histories for linearizability. Exit code: 0 linearizable, "
               "1 not linearizable, 2 unknown or bad input (the worst over all files)."};
  Settings settings;
  app.add_option("--format", settings.format, "History format (default: detected from the content)")
      ->check(CLI::IsMember({"auto", "confman", "jepsen", "edn"}));
  app.add_option("--model", settings.model,
                 "Model (default: confman-kv for confman, cas-register for jepsen, append-kv for edn)")
      ->check(CLI::IsMember({"confman-kv", "cas-register", "append-kv"}));
  app.add_flag("--json", settings.json, "One JSON object per file instead of text");
  app.add_flag("--all", settings.all_partitions,
               "Search every partition to its verdict (by default the check stops after the first violation)");
  app.add_option("--jobs", settings.jobs,
                 "Threads searching partitions side by side (default: the cores); the verdict is the same for any")
      ->check(CLI::Range(1, 256));
  app.add_option("--timeout-ms", settings.timeout_ms, "Wall-clock limit per file; 0 = none")
      ->capture_default_str();
  app.add_option("--max-steps", settings.max_steps, "Search steps per partition; 0 = none")
      ->capture_default_str();
  app.add_option("--memory-limit-mb", settings.memory_limit_mb, "Search memory per partition; 0 = the ceiling, 16384")
      ->capture_default_str();
  app.add_option("FILE", settings.files, "History files")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUnknown;
  }
  int worst = kExitLinearizable;
  for (const std::string& file : settings.files) worst = std::max(worst, check_file(settings, file));
  return worst;
}
