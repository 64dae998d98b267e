#include "sim/sweep_results.h"

#include <boost/json.hpp>

#include <cstdio>

#include "sim/violation_kind.h"

namespace confman::sim {

namespace json = boost::json;

namespace {

std::string hex16(std::uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

SweepResultLine result_line(const RunResult& result, double wall_ms) {
  SweepResultLine line;
  line.scenario = result.scenario;
  line.path = result.scenario_path;
  line.seed = result.seed;
  line.swarm = result.swarm;
  line.passed = result.passed();
  line.violation_kind = violation_kind_name(result.violation_kind);
  line.violation = first_line(result.violation);
  line.trace_hash = hex16(result.trace_hash);
  line.events = result.events;
  line.ops_ok = result.ops_ok;
  line.faults = result.faults;
  line.reads_linearizable = result.reads_linearizable;
  line.reads_read_your_writes = result.reads_read_your_writes;
  line.reads_stale = result.reads_stale;
  line.watch_events = result.watch_events;
  line.forwards = result.forwards;
  line.linearizability = result.linearizability;
  for (TimeUs failover_us : result.failovers_us) {
    line.failovers.push_back(static_cast<double>(failover_us) / static_cast<double>(result.election_timeout_us));
  }
  line.failovers_judged = result.failovers_judged;
  line.wall_ms = wall_ms;
  line.reproduce = reproduce_command(result);
  return line;
}

std::string to_json_line(const SweepResultLine& line) {
  json::array failovers;
  for (double f : line.failovers) failovers.push_back(f);
  const json::object object{{"scenario", line.scenario},
                            {"path", line.path},
                            {"seed", line.seed},
                            {"swarm", line.swarm},
                            {"passed", line.passed},
                            {"violation_kind", line.violation_kind},
                            {"violation", line.violation},
                            {"trace_hash", line.trace_hash},
                            {"events", line.events},
                            {"ops_ok", line.ops_ok},
                            {"faults", line.faults},
                            {"reads_linearizable", line.reads_linearizable},
                            {"reads_read_your_writes", line.reads_read_your_writes},
                            {"reads_stale", line.reads_stale},
                            {"watch_events", line.watch_events},
                            {"forwards", line.forwards},
                            {"linearizability", line.linearizability},
                            {"failovers", failovers},
                            {"failovers_judged", line.failovers_judged},
                            {"wall_ms", line.wall_ms},
                            {"reproduce", line.reproduce}};
  return json::serialize(object);
}

Result<SweepResultLine, std::string> parse_result_line(std::string_view text) {
  boost::system::error_code error;
  const json::value value = json::parse(text, error);
  if (error || !value.is_object()) return unexpected(std::string("expected a JSON object"));
  const json::object& object = value.as_object();
  SweepResultLine line;
  std::string missing;
  const auto text_field = [&](const char* name, std::string& out) {
    const json::value* field = object.if_contains(name);
    if (field == nullptr || !field->is_string()) return missing = name, void();
    out = std::string(field->as_string());
  };
  const auto number_field = [&](const char* name, std::uint64_t& out) {
    const json::value* field = object.if_contains(name);
    if (field == nullptr || !(field->is_uint64() || field->is_int64()) || (field->is_int64() && field->as_int64() < 0)) {
      return missing = name, void();
    }
    out = field->is_uint64() ? field->as_uint64() : static_cast<std::uint64_t>(field->as_int64());
  };
  const auto bool_field = [&](const char* name, bool& out) {
    const json::value* field = object.if_contains(name);
    if (field == nullptr || !field->is_bool()) return missing = name, void();
    out = field->as_bool();
  };
  text_field("scenario", line.scenario);
  text_field("path", line.path);
  number_field("seed", line.seed);
  bool_field("swarm", line.swarm);
  bool_field("passed", line.passed);
  text_field("violation_kind", line.violation_kind);
  text_field("violation", line.violation);
  text_field("trace_hash", line.trace_hash);
  number_field("events", line.events);
  number_field("ops_ok", line.ops_ok);
  number_field("faults", line.faults);
  number_field("reads_linearizable", line.reads_linearizable);
  number_field("reads_read_your_writes", line.reads_read_your_writes);
  number_field("reads_stale", line.reads_stale);
  number_field("watch_events", line.watch_events);
  number_field("forwards", line.forwards);
  text_field("linearizability", line.linearizability);
  bool_field("failovers_judged", line.failovers_judged);
  text_field("reproduce", line.reproduce);
  const json::value* failovers = object.if_contains("failovers");
  if (failovers == nullptr || !failovers->is_array()) {
    missing = "failovers";
  } else {
    for (const json::value& f : failovers->as_array()) {
      if (!f.is_number()) return unexpected(std::string("expected \"failovers\" to hold numbers"));
      line.failovers.push_back(f.to_number<double>());
    }
  }
  if (const json::value* wall = object.if_contains("wall_ms"); wall != nullptr && wall->is_number()) {
    line.wall_ms = wall->to_number<double>();
  }
  if (!missing.empty()) return unexpected("expected the field \"" + missing + "\" of the right type");
  return line;
}

}  // namespace confman::sim
