#pragma once
// Internals of the visualizer's data model, split by input: the trace
// (viz_trace.cpp), the client history (viz_history.cpp) and the checker's
// report (viz_check.cpp). render.cpp joins them into the page.

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "viz/render.h"

namespace confman::viz::detail {

namespace json = boost::json;

struct LineStats {
  std::size_t lines = 0;
  std::size_t skipped = 0;  // not a JSON object, or missing the fields its kind needs
};

// Calls visit(object) for each non-blank line of JSON Lines text that holds
// a JSON object; the rest are counted as skipped.
template <typename Visit>
LineStats for_each_json_line(std::string_view text, Visit&& visit) {
  LineStats stats;
  json::parser parser;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    stats.lines += 1;
    boost::system::error_code error;
    parser.reset();
    parser.write(line.data(), line.size(), error);  // a whole JSON text, or an error
    if (error) {
      stats.skipped += 1;
      continue;
    }
    const json::value value = parser.release();
    if (!value.is_object() || !visit(value.get_object())) stats.skipped += 1;
  }
  return stats;
}

// Field access that tolerates absence and wrong types.
std::int64_t int_field(const json::object& object, std::string_view name, std::int64_t fallback);
std::string string_field(const json::object& object, std::string_view name);
bool has_int(const json::object& object, std::string_view name);

// Picks `keep` of `total` items spread evenly (stride sampling): the
// positions in ascending order. Deterministic; keeps all when keep >= total.
std::vector<std::size_t> spread(std::size_t total, std::size_t keep);

// Splits a budget over groups of the given sizes: groups smaller than an
// even share keep everything, the rest share what is left (water-filling).
std::vector<std::size_t> share_budget(const std::vector<std::size_t>& sizes, std::size_t budget);

// --- trace -------------------------------------------------------------------
struct TraceData {
  json::object object;  // nodes, roles, lanes, net, node_faults, messages, markers
  std::int64_t end_us = 0;
  LineStats stats;
};
TraceData build_trace_data(std::string_view trace_jsonl, const VizLimits& limits);

// --- history -----------------------------------------------------------------
enum class Outcome : std::uint8_t { Ok = 0, Fail = 1, Info = 2, Open = 3 };

// Checker flags on an operation.
constexpr std::uint8_t kCannotPlace = 1;   // acknowledged, could not come next
constexpr std::uint8_t kMustComplete = 2;  // the operation the prefix cannot get past
constexpr std::uint8_t kUnknownCandidate = 4;

struct Op {
  std::int64_t process = 0;
  std::int64_t invoke_us = 0;
  std::int64_t complete_us = -1;  // -1: never completed
  Outcome outcome = Outcome::Open;
  std::string f;
  std::string key;
  std::string text;  // after the function and key: "\"v\" -> ok, revision 7"
  std::uint8_t flags = 0;
};

struct HistoryData {
  std::vector<Op> ops;  // by invocation time, then process
  std::int64_t end_us = 0;
  LineStats stats;
};
HistoryData parse_history(std::string_view history_jsonl);

// --- checker report ------------------------------------------------------------
struct OpRef {
  std::int64_t op = -1;  // index into HistoryData::ops, -1 when not in the history
  std::string text;
  std::string reason;
};

struct CheckViolation {
  std::string kind;
  std::string partition;
  std::string summary;
  std::string state_after_prefix;
  std::int64_t linearized = 0;
  std::int64_t operations = 0;
  bool has_must_complete = false;
  OpRef must_complete;
  std::vector<OpRef> cannot_place;
  std::vector<OpRef> unknown_candidates;
};

struct CheckData {
  bool present = false;
  std::string error;  // the report could not be read
  std::string verdict;
  std::string model;
  std::string summary;
  std::int64_t operations = 0;
  std::vector<CheckViolation> violations;
  std::vector<std::string> undecided;
};

// Reads the report and flags the operations it names in `ops`.
CheckData parse_check(std::string_view report_json, std::vector<Op>& ops);

// Serialises the checker data with operation indices passed through `remap`
// (old index -> new index or -1).
json::value check_to_json(const CheckData& check, const std::vector<std::int64_t>& remap);

}  // namespace confman::viz::detail
