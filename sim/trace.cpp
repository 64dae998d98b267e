#include "sim/trace.h"

#include <cstdio>

#include "core/util/codec.h"

namespace confman::sim {

namespace {
void append_json_string(std::string& out, std::string_view value) {
  out.push_back('"');
  for (char c : value) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      static const char* kHex = "0123456789abcdef";
      out += "\\u00";
      out.push_back(kHex[(c >> 4) & 0xF]);
      out.push_back(kHex[c & 0xF]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}
}  // namespace

void Trace::mix(std::string_view bytes) { hash_ = hash_bytes(bytes, hash_); }
void Trace::mix(std::int64_t value) { hash_ = hash_u64(static_cast<std::uint64_t>(value), hash_); }

Trace::Event Trace::event(TimeUs t_us, TraceKind trace_kind, NodeId node) {
  // The name, not the enum's value, folds into the hash: the hash of a run
  // stays what it was as kinds are added.
  const std::string_view kind = schema::trace_kind_name(trace_kind);
  events_ += 1;
  mix(t_us);
  mix(kind);
  mix(static_cast<std::int64_t>(node));
  if (out_ != nullptr) {
    line_.clear();
    line_ += "{\"t_us\":" + std::to_string(t_us) + ",\"kind\":";
    append_json_string(line_, kind);
    line_ += ",\"node\":" + std::to_string(node);
  }
  return Event(*this);
}

Trace::Event& Trace::Event::field(std::string_view name, std::int64_t value) {
  trace_.mix(name);
  trace_.mix(value);
  if (trace_.out_ != nullptr) {
    trace_.line_.push_back(',');
    append_json_string(trace_.line_, name);
    trace_.line_ += ":" + std::to_string(value);
  }
  return *this;
}

Trace::Event& Trace::Event::field(std::string_view name, std::string_view value) {
  trace_.mix(name);
  trace_.mix(value);
  if (trace_.out_ != nullptr) {
    trace_.line_.push_back(',');
    append_json_string(trace_.line_, name);
    trace_.line_.push_back(':');
    append_json_string(trace_.line_, value);
  }
  return *this;
}

Trace::Event::~Event() {
  if (trace_.out_ != nullptr) {
    trace_.line_ += "}\n";
    *trace_.out_ << trace_.line_;
  }
}

std::string format_hash(std::uint64_t hash) {
  char buffer[19];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(hash));
  return buffer;
}

}  // namespace confman::sim
