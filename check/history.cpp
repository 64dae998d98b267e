#include "check/history.h"

#include <cstdio>

namespace confman::check {
namespace {

std::string quoted(const std::optional<std::string>& text) {
  if (!text) return "nil";
  return "\"" + abbreviate(*text) + "\"";
}

// Register values are integers or nil; they read best unquoted.
std::string plain(const std::optional<std::string>& text) {
  return text ? abbreviate(*text) : std::string("nil");
}

std::string describe_key(const Operation& op) {
  if (op.key.empty()) return "";
  if (op.key.front() == '/') return " " + op.key;
  return " \"" + op.key + "\"";
}

// Confman values are JSON text already: a string value carries its quotes.
std::string json_text(const std::optional<std::string>& text) {
  return text ? abbreviate(*text) : std::string("null");
}

std::string describe_kv_result(const Operation& op) {
  switch (op.function) {
    case Function::Get:
      if (!op.found) return " -> not found";
      return " -> " + json_text(op.read_value) + " (mod_revision " +
             std::to_string(op.mod_revision) + ", create_revision " +
             std::to_string(op.create_revision) + ", version " + std::to_string(op.version) + ")";
    case Function::Put:
      return " -> rev " + std::to_string(op.revision);
    case Function::Delete:
      if (op.result == KvResult::NotFound) return " -> not_found";
      return " -> ok rev " + std::to_string(op.revision);
    case Function::KvCas:
      if (op.result == KvResult::CompareFailed) {
        return " -> compare_failed (mod_revision " + std::to_string(op.mod_revision) + ")";
      }
      return " -> ok rev " + std::to_string(op.revision);
    default:
      return "";
  }
}

std::string describe_call(const Operation& op) {
  const std::string head = "p" + std::to_string(op.process) + " " + function_name(op.function);
  const bool unknown = op.outcome == Outcome::Unknown;
  const bool confman = op.source == Format::Confman;
  std::string text = head + describe_key(op);
  switch (op.function) {
    case Function::Read:
      return unknown ? head : head + " -> " + plain(op.read_value);
    case Function::Write:
      return head + " " + plain(op.value);
    case Function::Cas:
      return head + " [" + plain(op.expected) + " " + plain(op.value) + "]";
    case Function::Append:
      return text + " " + quoted(op.value);
    case Function::Get:
      if (unknown) return text;
      return confman ? text + describe_kv_result(op) : text + " -> " + quoted(op.read_value);
    case Function::Put:
      if (!confman) return text + " " + quoted(op.value);
      text += " " + json_text(op.value);
      break;
    case Function::Delete:
      break;
    case Function::KvCas:
      text += " " + json_text(op.value) + " if mod_revision=" + std::to_string(op.expected_mod_revision);
      break;
  }
  return unknown ? text : text + describe_kv_result(op);
}

std::string seconds(std::int64_t time_us) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%lld.%06llds", static_cast<long long>(time_us / 1000000),
                static_cast<long long>(time_us % 1000000));
  return buffer;
}

}  // namespace

const char* function_name(Function function) {
  switch (function) {
    case Function::Read: return "read";
    case Function::Write: return "write";
    case Function::Cas: return "cas";
    case Function::Get: return "get";
    case Function::Put: return "put";
    case Function::Append: return "append";
    case Function::Delete: return "delete";
    case Function::KvCas: return "cas";
  }
  return "?";
}

const char* format_name(Format format) {
  switch (format) {
    case Format::Auto: return "auto";
    case Format::Confman: return "confman";
    case Format::Jepsen: return "jepsen";
    case Format::Edn: return "edn";
  }
  return "?";
}

std::string abbreviate(const std::string& text, std::size_t max_chars) {
  if (text.size() <= max_chars) return text;
  const std::size_t keep = max_chars / 2;
  return text.substr(0, keep) + "..." + text.substr(text.size() - keep) + " (" +
         std::to_string(text.size()) + " chars)";
}

std::string describe_interval(const Operation& op) {
  // An operation of unknown outcome may take effect any time after its call,
  // so its interval never closes, even if an "info" completion was seen.
  if (op.call_time_us >= 0) {
    if (op.outcome == Outcome::Ok) {
      return "[t=" + seconds(op.call_time_us) + ".." + seconds(op.return_time_us) + "]";
    }
    const std::string info = op.return_time_us >= 0 ? "; info at t=" + seconds(op.return_time_us) : "";
    return "[t=" + seconds(op.call_time_us) + "..never" + info + "]";
  }
  if (op.outcome == Outcome::Ok) {
    return "[lines " + std::to_string(op.call_line) + ".." + std::to_string(op.return_line) + "]";
  }
  const std::string info = op.return_line != 0 ? "; info on line " + std::to_string(op.return_line) : "";
  return "[lines " + std::to_string(op.call_line) + "..never" + info + "]";
}

std::string describe_operation(const Operation& op) {
  std::string text = describe_call(op);
  if (op.outcome == Outcome::Unknown) text += " -> outcome unknown";
  return text + " " + describe_interval(op);
}

}  // namespace confman::check
