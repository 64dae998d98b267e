#include "check/violation.h"

#include <boost/json.hpp>

namespace confman::check {
namespace {

namespace json = boost::json;

// Prefixes longer than this are shown by their ends in text; JSON has all.
constexpr std::size_t kPrefixHeadLines = 5;
constexpr std::size_t kPrefixTailLines = 30;
constexpr std::size_t kMaxListedLines = 20;

std::string line(const History& history, std::size_t op) {
  return describe_operation(history.operations[op]);
}

void render_prefix(const History& history, const Violation& v, std::string& out) {
  if (v.prefix.empty()) {
    out += "  no operation can be linearized first.\n";
    return;
  }
  out += "  longest linearizable prefix (" + std::to_string(v.prefix.size()) + " of " +
         std::to_string(v.partition_operations) + " operations, in linearization order):\n";
  const std::size_t n = v.prefix.size();
  const bool elide = n > kPrefixHeadLines + kPrefixTailLines;
  for (std::size_t i = 0; i < n; ++i) {
    if (elide && i == kPrefixHeadLines) {
      out += "    ... (" + std::to_string(n - kPrefixHeadLines - kPrefixTailLines) +
             " more; --json lists them all)\n";
      i = n - kPrefixTailLines;
    }
    out += "    " + std::to_string(i + 1) + ". " + line(history, v.prefix[i]) + "\n";
  }
}

void render_stuck(const History& history, const Violation& v, std::string& out) {
  if (v.must_complete) {
    out += "  " + line(history, *v.must_complete) +
           " had to take effect before it returned, but none of the operations that could "
           "come next fits:\n";
  }
  for (std::size_t i = 0; i < v.cannot_place.size() && i < kMaxListedLines; ++i) {
    out += "    - " + line(history, v.cannot_place[i].op) + ": " + v.cannot_place[i].reason + "\n";
  }
  if (v.cannot_place.size() > kMaxListedLines) {
    out += "    ... and " + std::to_string(v.cannot_place.size() - kMaxListedLines) + " more\n";
  }
  if (v.unknown_candidates.empty()) return;
  out += "  operations of unknown outcome that could also take effect here (no order works "
         "after any of them):\n";
  for (std::size_t i = 0; i < v.unknown_candidates.size() && i < kMaxListedLines; ++i) {
    out += "    - " + line(history, v.unknown_candidates[i]) + "\n";
  }
  if (v.unknown_candidates.size() > kMaxListedLines) {
    out += "    ... and " + std::to_string(v.unknown_candidates.size() - kMaxListedLines) + " more\n";
  }
}

json::array op_array(const History& history, const std::vector<std::size_t>& ops) {
  json::array array;
  array.reserve(ops.size());
  for (const std::size_t op : ops) array.push_back(operation_json(history, op));
  return array;
}

}  // namespace

std::string partition_name(const std::string& key) {
  return key.empty() ? std::string("the register") : "key \"" + key + "\"";
}

std::string render_text(const History& history, const Violation& v) {
  std::string out;
  if (v.kind == Violation::Kind::RevisionOrder) {
    out += "  revisions across keys contradict real time:\n";
    for (const StuckOperation& stuck : v.cannot_place) {
      out += "    - " + line(history, stuck.op) + ": " + stuck.reason + "\n";
    }
    return out;
  }
  out += "  " + partition_name(v.partition) + " (" + std::to_string(v.partition_operations) +
         " operations) has no linearization.\n";
  render_prefix(history, v, out);
  out += "  after it, " + v.state_after_prefix + ".\n";
  render_stuck(history, v, out);
  return out;
}

json::object operation_json(const History& history, std::size_t index) {
  const Operation& op = history.operations[index];
  json::object object;
  object["text"] = describe_operation(op);
  object["process"] = op.process;
  object["f"] = function_name(op.function);
  object["key"] = op.key;
  object["outcome"] = op.outcome == Outcome::Ok ? "ok" : "unknown";
  object["call_line"] = op.call_line;
  object["return_line"] = op.return_line;
  if (op.call_time_us >= 0) object["call_time_us"] = op.call_time_us;
  if (op.return_time_us >= 0) object["return_time_us"] = op.return_time_us;
  return object;
}

json::object render_json(const History& history, const Violation& v) {
  json::object object;
  object["kind"] = v.kind == Violation::Kind::RevisionOrder ? "revision_order" : "no_linearization";
  object["partition"] = v.partition;
  object["operations"] = v.partition_operations;
  object["summary"] = v.summary;
  object["linearized"] = v.prefix.size();
  object["prefix"] = op_array(history, v.prefix);
  object["state_after_prefix"] = v.state_after_prefix;
  if (v.must_complete) {
    object["must_complete"] = operation_json(history, *v.must_complete);
  } else {
    object["must_complete"] = nullptr;
  }
  json::array stuck;
  for (const StuckOperation& s : v.cannot_place) {
    json::object entry;
    entry["operation"] = operation_json(history, s.op);
    entry["reason"] = s.reason;
    stuck.push_back(std::move(entry));
  }
  object["cannot_place"] = std::move(stuck);
  object["unknown_outcome_candidates"] = op_array(history, v.unknown_candidates);
  return object;
}

}  // namespace confman::check
