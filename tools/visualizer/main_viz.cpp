// confman-viz: a trace file (and optionally its client history and checker
// report) as one self-contained HTML page.
//
//   confman-viz TRACE.jsonl [--history H.jsonl] [--check REPORT.json] [-o OUT.html] [--title TEXT]
//
// With a history and no report, the history is checked here (the same
// deterministic bound as confman-sim) so the page shows the verdict.
// The same page comes from `confman-sim run SCENARIO --seed N --html OUT.html`.

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "check/checker.h"
#include "viz/render.h"

namespace {

constexpr std::uint64_t kCheckerStepsPerKey = 50'000'000;  // as sim/runner.cpp

bool read_file(const std::string& path, std::string& text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  text = buffer.str();
  return static_cast<bool>(in) || in.eof();
}

std::string default_output(const std::string& trace_path) {
  std::string base = trace_path;
  for (const std::string_view suffix : {std::string_view(".jsonl"), std::string_view(".json")}) {
    if (base.size() > suffix.size() && base.compare(base.size() - suffix.size(), suffix.size(), suffix) == 0) {
      base.resize(base.size() - suffix.size());
      break;
    }
  }
  return base + ".html";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"confman-viz: a confman-sim trace as a self-contained HTML timeline"};
  std::string trace_path;
  std::string history_path;
  std::string check_path;
  std::string out_path;
  std::string title;
  bool no_check = false;
  confman::viz::VizLimits limits;
  app.add_option("trace", trace_path, "Trace file (JSON Lines, confman-sim run --trace)")->required();
  app.add_option("--history", history_path, "Client history (JSON Lines, confman-sim run --history)");
  app.add_option("--check", check_path, "Checker report (confman-check --json output); default: check the history here");
  app.add_flag("--no-check", no_check, "Do not check the history when no report is given");
  app.add_option("-o,--out", out_path, "Where to write the page (default: TRACE with .html)");
  app.add_option("--title", title, "Page title (default: the trace file name)");
  app.add_option("--max-messages", limits.max_messages, "Message arrows drawn at most (sampled evenly)");
  CLI11_PARSE(app, argc, argv);

  std::string trace;
  std::string history;
  std::string report;
  if (!read_file(trace_path, trace)) {
    std::cerr << "error: cannot read " << trace_path << "\n";
    return 2;
  }
  if (!history_path.empty() && !read_file(history_path, history)) {
    std::cerr << "error: cannot read " << history_path << "\n";
    return 2;
  }
  if (!check_path.empty() && !read_file(check_path, report)) {
    std::cerr << "error: cannot read " << check_path << "\n";
    return 2;
  }

  confman::viz::VizInput input;
  input.trace_jsonl = trace;
  input.history_jsonl = history;
  input.title = title.empty() ? trace_path : title;
  if (check_path.empty() && !history.empty() && !no_check) {
    confman::check::CheckOptions options;
    options.model = "confman-kv";
    options.max_steps_per_partition = kCheckerStepsPerKey;
    const confman::check::CheckReport checked = confman::check::check_confman_history(history, options, history_path);
    report = checked.explanation_json;
    if (checked.verdict == confman::check::Verdict::NotLinearizable) {
      input.violation_text = "client history is not linearizable: " + checked.summary + "\n" + checked.explanation_text;
    }
  }
  input.checker_report_json = report;

  if (out_path.empty()) out_path = default_output(trace_path);
  const std::string html = confman::viz::render_html(input, limits);
  std::ofstream out(out_path, std::ios::binary);
  out << html;
  out.close();
  if (!out) {
    std::cerr << "error: cannot write " << out_path << "\n";
    return 2;
  }
  std::cout << "wrote " << out_path << " (" << html.size() / 1024 << " KiB)\n";
  return 0;
}
