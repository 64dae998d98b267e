// The client history (sim/HISTORY.md) as operations: invocation paired with
// completion per process, each with one line of text for the page.

#include <algorithm>
#include <map>

#include "viz/viz_internal.h"

namespace confman::viz::detail {
namespace {

std::string value_text(const json::object& event, std::string_view name) {
  const auto it = event.find(name);
  if (it == event.end()) return {};
  return json::serialize(it->value());  // strings keep their quotes
}

// What the invocation says beyond its function and key (the page shows
// those from their own columns, to keep the data small).
std::string describe_call(const json::object& invoke) {
  const std::string f = string_field(invoke, "f");
  std::string text;
  if (f == "put" || f == "cas") text += value_text(invoke, "value");
  if (f == "cas") text += " if mod_revision=" + std::to_string(int_field(invoke, "expected_mod_revision", 0));
  return text;
}

std::string describe_ok(const std::string& f, const json::object& done) {
  const std::string result = string_field(done, "result");
  if (f == "get") {
    const auto found = done.find("found");
    if (found != done.end() && found->value().is_bool() && !found->value().get_bool()) return "not found";
    return value_text(done, "value") + " (mod_revision " + std::to_string(int_field(done, "mod_revision", 0)) +
           ", version " + std::to_string(int_field(done, "version", 0)) + ")";
  }
  if (result == "not_found") return "not found";
  if (result == "compare_failed") {
    return "compare failed (mod_revision " + std::to_string(int_field(done, "mod_revision", 0)) + ")";
  }
  if (has_int(done, "revision")) return "ok, revision " + std::to_string(int_field(done, "revision", 0));
  return result.empty() ? "ok" : result;
}

Outcome outcome_of(const std::string& type) {
  if (type == "ok") return Outcome::Ok;
  if (type == "fail") return Outcome::Fail;
  return Outcome::Info;
}

}  // namespace

HistoryData parse_history(std::string_view history_jsonl) {
  HistoryData data;
  std::map<std::int64_t, std::size_t> in_flight;  // process -> index into ops
  data.stats = for_each_json_line(history_jsonl, [&](const json::object& event) {
    if (!has_int(event, "process") || !has_int(event, "time_us")) return false;
    const std::int64_t process = int_field(event, "process", 0);
    const std::int64_t t_us = int_field(event, "time_us", 0);
    const std::string type = string_field(event, "type");
    data.end_us = std::max(data.end_us, t_us);
    if (type == "invoke") {
      Op op;
      op.process = process;
      op.invoke_us = t_us;
      op.f = string_field(event, "f");
      op.key = string_field(event, "key");
      op.text = describe_call(event);
      in_flight[process] = data.ops.size();
      data.ops.push_back(std::move(op));
      return true;
    }
    if (type != "ok" && type != "fail" && type != "info") return false;
    const auto it = in_flight.find(process);
    if (it == in_flight.end()) return false;  // a completion without its invocation
    Op& op = data.ops[it->second];
    in_flight.erase(it);
    op.complete_us = t_us;
    op.outcome = outcome_of(type);
    if (!op.text.empty()) op.text += ' ';
    if (op.outcome == Outcome::Ok) op.text += "-> " + describe_ok(op.f, event);
    if (op.outcome == Outcome::Fail) op.text += "-> failed (did not take effect)";
    if (op.outcome == Outcome::Info) op.text += "-> unknown outcome";
    return true;
  });
  for (const auto& [process, index] : in_flight) {
    data.ops[index].text += data.ops[index].text.empty() ? "-> no response" : " -> no response";
  }
  std::stable_sort(data.ops.begin(), data.ops.end(), [](const Op& a, const Op& b) {
    return a.invoke_us != b.invoke_us ? a.invoke_us < b.invoke_us : a.process < b.process;
  });
  return data;
}

}  // namespace confman::viz::detail
