#include "sim/history.h"

#include <algorithm>
#include <sstream>

namespace confman::sim {

const char* op_kind_name(OpKind kind) {
  switch (kind) {
    case OpKind::Get: return "get";
    case OpKind::Put: return "put";
    case OpKind::Delete: return "delete";
    case OpKind::Cas: return "cas";
  }
  return "unknown";
}

const char* event_type_name(EventType type) {
  switch (type) {
    case EventType::Invoke: return "invoke";
    case EventType::Ok: return "ok";
    case EventType::Fail: return "fail";
    case EventType::Info: return "info";
  }
  return "unknown";
}

const char* read_consistency_name(ReadConsistency consistency) {
  switch (consistency) {
    case ReadConsistency::Linearizable: return "linearizable";
    case ReadConsistency::ReadYourWrites: return "read-your-writes";
    case ReadConsistency::Stale: return "stale";
  }
  return "unknown";
}

std::size_t History::count(EventType type) const {
  return static_cast<std::size_t>(
      std::count_if(events_.begin(), events_.end(), [type](const HistoryEvent& e) { return e.type == type; }));
}

namespace {

// Keys and values in the sim workload are plain ASCII ("/k/3", "c2-17"); this
// escapes what JSON requires anyway.
void write_string(std::ostream& out, const std::string& value) {
  out << '"';
  for (char c : value) {
    if (c == '"' || c == '\\') out << '\\' << c;
    else if (static_cast<unsigned char>(c) < 0x20) out << "\\u00" << "0123456789abcdef"[(c >> 4) & 0xF] << "0123456789abcdef"[c & 0xF];
    else out << c;
  }
  out << '"';
}

void write_inputs(std::ostream& out, const HistoryEvent& e) {
  if (e.f == OpKind::Put || e.f == OpKind::Cas) {
    out << ",\"value\":";
    write_string(out, e.value);
  }
  if (e.f == OpKind::Cas) out << ",\"expected_mod_revision\":" << e.expected_mod_revision;
}

void write_results(std::ostream& out, const HistoryEvent& e) {
  switch (e.f) {
    case OpKind::Get:
      out << ",\"found\":" << (e.found ? "true" : "false");
      if (e.found) {
        out << ",\"value\":";
        write_string(out, e.value);
        out << ",\"mod_revision\":" << e.mod_revision << ",\"create_revision\":" << e.create_revision
            << ",\"version\":" << e.version;
      }
      out << ",\"read_revision\":" << e.read_revision;
      break;
    case OpKind::Put:
      out << ",\"revision\":" << e.revision << ",\"version\":" << e.version;
      break;
    case OpKind::Delete:
      out << ",\"result\":\"" << e.result << "\"";
      if (e.result == "ok") out << ",\"revision\":" << e.revision;
      break;
    case OpKind::Cas:
      out << ",\"result\":\"" << e.result << "\"";
      if (e.result == "ok") out << ",\"revision\":" << e.revision << ",\"version\":" << e.version;
      else out << ",\"mod_revision\":" << e.mod_revision;
      break;
  }
}

}  // namespace

void History::write_jsonl(std::ostream& out) const {
  for (const HistoryEvent& e : events_) {
    out << "{\"process\":" << e.process << ",\"type\":\"" << event_type_name(e.type) << "\",\"f\":\""
        << op_kind_name(e.f) << "\",\"key\":";
    write_string(out, e.key);
    if (e.f == OpKind::Get && e.consistency != ReadConsistency::Linearizable) {
      out << ",\"consistency\":\"" << read_consistency_name(e.consistency) << "\"";
    }
    if (e.type != EventType::Ok || e.f == OpKind::Put || e.f == OpKind::Cas) write_inputs(out, e);
    if (e.type == EventType::Ok) write_results(out, e);
    out << ",\"time_us\":" << e.time_us << "}\n";
  }
}

std::string History::to_jsonl() const {
  std::ostringstream out;
  write_jsonl(out);
  return out.str();
}

}  // namespace confman::sim
