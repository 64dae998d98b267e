#pragma once
// The visualizer: a confman-sim run as one self-contained HTML page.
//
//   std::string html = viz::render_html({.trace_jsonl = trace, .history_jsonl = history,
//                                        .checker_report_json = report, .title = "chaos-5 seed 7"});
//
// Inputs are the run's trace (sim/trace.h), its client history
// (sim/HISTORY.md) and the linearizability checker's report (the
// CheckReport::explanation_json object, or one line of `confman-check --json`).
// Each may be empty. Lines that do not parse are counted and skipped, and
// event kinds the visualizer does not know are shown as generic markers, so a
// trace from a newer simulator still renders.
//
// The page holds its data, script and style inline: it makes no network
// requests and works from file://. Large runs are downsampled here, before
// embedding, under the bounds of VizLimits, so the page's size and the work
// its script does stay bounded whatever the length of the run: status changes
// and faults are kept in full; messages, markers, commit/apply progress and
// (past a high bound) client operations are sampled deterministically.

#include <boost/json/object.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace confman::viz {

struct VizInput {
  std::string_view trace_jsonl;
  std::string_view history_jsonl;
  std::string_view checker_report_json;
  std::string title = "confman run";
  std::string subtitle;        // e.g. the run's summary line
  std::string violation_text;  // the run's violation (invariant, liveness, checker), shown verbatim
};

struct VizLimits {
  std::size_t max_messages = 3000;           // message arrows, over all types
  std::size_t max_markers = 2000;            // generic markers (corrupt, drop, snapshot, unknown kinds)
  std::size_t max_progress_points = 600;     // per node, for commit and apply progress each
  std::size_t max_operations = 20000;        // client operations (flagged ones always kept)
};

// The page's data: the model page.js draws (see the comment in page.js).
boost::json::object build_viz_data(const VizInput& input, const VizLimits& limits = {});

// The whole page.
std::string render_html(const VizInput& input, const VizLimits& limits = {});

std::string render_html(std::string_view trace_jsonl, std::string_view history_jsonl,
                        std::string_view checker_report_json, std::string title);

}  // namespace confman::viz
