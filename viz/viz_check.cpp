// The linearizability checker's report (CheckReport::explanation_json, see
// check/violation.cpp) matched to the history's operations: each
// operation the report names is found by its process and invocation time.

#include <map>
#include <optional>
#include <utility>

#include "viz/viz_internal.h"

namespace confman::viz::detail {
namespace {

using OpKey = std::pair<std::int64_t, std::int64_t>;  // process, invocation time

// The first JSON object in the text: the explanation itself, or a line of
// `confman-check --json` that holds it under "explanation".
std::optional<json::object> read_report(std::string_view text, std::string& error) {
  std::optional<json::object> report;
  const LineStats stats = for_each_json_line(text, [&](const json::object& object) {
    if (report) return true;
    const auto nested = object.find("explanation");
    if (nested != object.end() && nested->value().is_object()) {
      report = nested->value().get_object();
    } else {
      report = object;
    }
    return true;
  });
  if (!report) {
    // Not JSON Lines: perhaps one pretty-printed object.
    boost::system::error_code parse_error;
    json::value value = json::parse(text, parse_error);
    if (!parse_error && value.is_object()) {
      const auto nested = value.get_object().find("explanation");
      report = nested != value.get_object().end() && nested->value().is_object() ? nested->value().get_object()
                                                                                  : value.get_object();
    }
  }
  if (!report && stats.lines > 0) error = "the checker report is not JSON";
  return report;
}

OpRef op_ref(const json::value& value, const std::map<OpKey, std::size_t>& index, std::vector<Op>& ops,
             std::uint8_t flag) {
  OpRef ref;
  if (!value.is_object()) return ref;
  const json::object& object = value.get_object();
  ref.text = string_field(object, "text");
  if (has_int(object, "process") && has_int(object, "call_time_us")) {
    const auto it = index.find({int_field(object, "process", 0), int_field(object, "call_time_us", 0)});
    if (it != index.end()) {
      ref.op = static_cast<std::int64_t>(it->second);
      ops[it->second].flags |= flag;
    }
  }
  return ref;
}

const json::array* array_field(const json::object& object, std::string_view name) {
  const auto it = object.find(name);
  return it != object.end() && it->value().is_array() ? &it->value().get_array() : nullptr;
}

CheckViolation read_violation(const json::object& object, const std::map<OpKey, std::size_t>& index,
                              std::vector<Op>& ops) {
  CheckViolation v;
  v.kind = string_field(object, "kind");
  v.partition = string_field(object, "partition");
  v.summary = string_field(object, "summary");
  v.state_after_prefix = string_field(object, "state_after_prefix");
  v.linearized = int_field(object, "linearized", 0);
  v.operations = int_field(object, "operations", 0);
  const auto must = object.find("must_complete");
  if (must != object.end() && must->value().is_object()) {
    v.has_must_complete = true;
    v.must_complete = op_ref(must->value(), index, ops, kMustComplete);
  }
  if (const json::array* stuck = array_field(object, "cannot_place")) {
    for (const json::value& entry : *stuck) {
      if (!entry.is_object()) continue;
      const auto op = entry.get_object().find("operation");
      if (op == entry.get_object().end()) continue;
      OpRef ref = op_ref(op->value(), index, ops, kCannotPlace);
      ref.reason = string_field(entry.get_object(), "reason");
      v.cannot_place.push_back(std::move(ref));
    }
  }
  if (const json::array* unknown = array_field(object, "unknown_outcome_candidates")) {
    for (const json::value& entry : *unknown) v.unknown_candidates.push_back(op_ref(entry, index, ops, kUnknownCandidate));
  }
  return v;
}

json::value ref_json(const OpRef& ref, const std::vector<std::int64_t>& remap) {
  const std::int64_t op = ref.op >= 0 ? remap[static_cast<std::size_t>(ref.op)] : -1;
  return json::object{{"op", op}, {"text", ref.text}, {"reason", ref.reason}};
}

}  // namespace

CheckData parse_check(std::string_view report_json, std::vector<Op>& ops) {
  CheckData check;
  std::string error;
  const std::optional<json::object> report = read_report(report_json, error);
  if (!report) {
    check.present = !error.empty();
    check.error = error;
    return check;
  }
  check.present = true;
  check.verdict = string_field(*report, "verdict");
  check.model = string_field(*report, "model");
  check.summary = string_field(*report, "summary");
  check.operations = int_field(*report, "operations", 0);
  std::map<OpKey, std::size_t> index;
  for (std::size_t i = 0; i < ops.size(); ++i) index.emplace(OpKey{ops[i].process, ops[i].invoke_us}, i);
  if (const json::array* violations = array_field(*report, "violations")) {
    for (const json::value& v : *violations) {
      if (v.is_object()) check.violations.push_back(read_violation(v.get_object(), index, ops));
    }
  }
  if (const json::array* undecided = array_field(*report, "undecided")) {
    for (const json::value& u : *undecided) {
      if (u.is_object()) check.undecided.push_back(string_field(u.get_object(), "reason"));
    }
  }
  const auto input_error = report->find("error");
  if (input_error != report->end() && input_error->value().is_object()) {
    const json::object& e = input_error->value().get_object();
    check.error = string_field(e, "file") + ":" + std::to_string(int_field(e, "line", 0)) + ": " +
                  string_field(e, "message");
  }
  return check;
}

json::value check_to_json(const CheckData& check, const std::vector<std::int64_t>& remap) {
  if (!check.present) return nullptr;
  json::object object;
  object["verdict"] = check.verdict;
  object["model"] = check.model;
  object["summary"] = check.summary;
  object["operations"] = check.operations;
  object["error"] = check.error;
  json::array violations;
  for (const CheckViolation& v : check.violations) {
    json::object entry;
    entry["kind"] = v.kind;
    entry["partition"] = v.partition;
    entry["summary"] = v.summary;
    entry["state_after_prefix"] = v.state_after_prefix;
    entry["linearized"] = v.linearized;
    entry["operations"] = v.operations;
    entry["must_complete"] = v.has_must_complete ? ref_json(v.must_complete, remap) : json::value(nullptr);
    json::array stuck;
    for (const OpRef& ref : v.cannot_place) stuck.push_back(ref_json(ref, remap));
    entry["cannot_place"] = std::move(stuck);
    json::array unknown;
    for (const OpRef& ref : v.unknown_candidates) unknown.push_back(ref_json(ref, remap));
    entry["unknown_candidates"] = std::move(unknown);
    violations.push_back(std::move(entry));
  }
  object["violations"] = std::move(violations);
  object["undecided"] = json::array(check.undecided.begin(), check.undecided.end());
  return object;
}

}  // namespace confman::viz::detail
