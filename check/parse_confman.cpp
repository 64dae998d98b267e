// Our JSON Lines history (sim/HISTORY.md): one JSON object per line.

#include <boost/json.hpp>

#include <limits>
#include <set>
#include <utility>

#include "check/history_builder.h"

namespace confman::check {
namespace {

namespace json = boost::json;

using Field = Result<std::int64_t, std::string>;

Field int_field(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  if (value != nullptr && value->is_int64()) return value->get_int64();
  if (value != nullptr && value->is_uint64() &&
      value->get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(value->get_uint64());
  }
  return unexpected("expected an integer field \"" + std::string(name) + "\"");
}

Field positive_field(const json::object& object, std::string_view name) {
  Field field = int_field(object, name);
  if (field && *field <= 0) {
    return unexpected("expected \"" + std::string(name) + "\" to be a positive integer");
  }
  return field;
}

Result<std::string, std::string> string_field(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  if (value == nullptr || !value->is_string()) {
    return unexpected("expected a string field \"" + std::string(name) + "\"");
  }
  return std::string(value->get_string());
}

// Values may be any JSON; they compare by their serialized text.
Result<std::string, std::string> value_field(const json::object& object) {
  const json::value* value = object.if_contains("value");
  if (value == nullptr) return unexpected(std::string("expected a field \"value\""));
  return json::serialize(*value);
}

Result<EventType, std::string> event_type(const json::object& object) {
  auto type = string_field(object, "type");
  if (!type) return unexpected(type.error());
  if (*type == "invoke") return EventType::Invoke;
  if (*type == "ok") return EventType::Ok;
  if (*type == "fail") return EventType::Fail;
  if (*type == "info") return EventType::Info;
  return unexpected("expected \"type\" to be \"invoke\", \"ok\", \"fail\" or \"info\", not \"" +
                    *type + "\"");
}

Result<Function, std::string> function_field(const json::object& object) {
  auto f = string_field(object, "f");
  if (!f) return unexpected(f.error());
  if (*f == "get") return Function::Get;
  if (*f == "put") return Function::Put;
  if (*f == "delete") return Function::Delete;
  if (*f == "cas") return Function::KvCas;
  return unexpected("expected \"f\" to be \"get\", \"put\", \"delete\" or \"cas\", not \"" + *f +
                    "\"");
}

// Reads `name` into `out`; returns the error message, or "" when it worked.
template <typename T>
std::string read_into(Result<T, std::string> field, T& out) {
  if (!field) return field.error();
  out = std::move(*field);
  return "";
}

std::string read_input(const json::object& object, Operation& op) {
  if (op.function == Function::Put || op.function == Function::KvCas) {
    if (std::string e = read_into(value_field(object), op.value.emplace()); !e.empty()) return e;
  }
  if (op.function == Function::KvCas) {
    Field expected = int_field(object, "expected_mod_revision");
    if (!expected || *expected < 0) {
      return "expected a non-negative integer field \"expected_mod_revision\"";
    }
    op.expected_mod_revision = *expected;
  }
  return "";
}

Result<KvResult, std::string> result_field(const json::object& object, bool is_cas) {
  auto result = string_field(object, "result");
  if (!result) return unexpected(result.error());
  if (*result == "ok") return KvResult::Ok;
  if (!is_cas && *result == "not_found") return KvResult::NotFound;
  if (is_cas && *result == "compare_failed") return KvResult::CompareFailed;
  return unexpected(std::string(is_cas ? "expected \"result\" to be \"ok\" or \"compare_failed\""
                                       : "expected \"result\" to be \"ok\" or \"not_found\""));
}

std::string read_get_output(const json::object& object, Operation& op) {
  const json::value* found = object.if_contains("found");
  if (found == nullptr || !found->is_bool()) return "expected a boolean field \"found\"";
  op.found = found->get_bool();
  if (!op.found) return "";
  if (std::string e = read_into(value_field(object), op.read_value.emplace()); !e.empty()) return e;
  if (std::string e = read_into(positive_field(object, "mod_revision"), op.mod_revision); !e.empty()) return e;
  if (std::string e = read_into(positive_field(object, "create_revision"), op.create_revision); !e.empty()) return e;
  return read_into(positive_field(object, "version"), op.version);
}

std::string read_write_output(const json::object& object, Operation& op) {
  if (op.function != Function::Put) {
    if (std::string e = read_into(result_field(object, op.function == Function::KvCas), op.result);
        !e.empty()) {
      return e;
    }
  } else {
    op.result = KvResult::Ok;
  }
  if (op.result == KvResult::NotFound) return "";
  if (op.result == KvResult::CompareFailed) {
    Field current = int_field(object, "mod_revision");
    if (!current || *current < 0) return "expected a non-negative integer field \"mod_revision\"";
    op.mod_revision = *current;
    return "";
  }
  if (std::string e = read_into(positive_field(object, "revision"), op.revision); !e.empty()) return e;
  if (op.function == Function::Delete) return "";
  return read_into(positive_field(object, "version"), op.version);
}

std::string read_output(const json::object& object, Operation& op) {
  if (op.function == Function::Get) return read_get_output(object, op);
  return read_write_output(object, op);
}

class ConfmanParser {
 public:
  explicit ConfmanParser(std::string_view file_name) : builder_(file_name, Format::Confman) {}

  Result<Done, ParseError> line(std::size_t number, std::string_view text) {
    if (is_blank(text)) return Done{};
    boost::system::error_code ec;
    json::value parsed = json::parse(text, ec);
    if (ec || !parsed.is_object()) {
      return unexpected(builder_.error(number, "expected one JSON object per line"));
    }
    std::string message = event(number, parsed.get_object());
    if (!message.empty()) return unexpected(builder_.error(number, std::move(message)));
    return Done{};
  }

  History finish() && { return std::move(builder_).finish(); }

 private:
  // Returns "" on success, else what was expected.
  std::string event(std::size_t number, const json::object& object) {
    Field process = int_field(object, "process");
    if (!process) return process.error();
    auto type = event_type(object);
    if (!type) return type.error();
    auto function = function_field(object);
    if (!function) return function.error();
    auto key = string_field(object, "key");
    if (!key) return key.error();
    Field time_us = int_field(object, "time_us");
    if (!time_us || *time_us < 0) return "expected a non-negative integer field \"time_us\"";
    // A get that is not linearizable promises no real-time order: it is not
    // part of the linearizability check (sim/HISTORY.md), invocation and
    // completion both.
    if (*type == EventType::Invoke) {
      auto linearizable = linearizable_read(object, *function);
      if (!linearizable) return linearizable.error();
      if (!*linearizable) {
        skipped_.insert(*process);
        return "";
      }
      return invoke(number, object, *process, *function, *key, *time_us);
    }
    if (skipped_.erase(*process) != 0) return "";
    return complete(number, object, *process, *type, *function, *key, *time_us);
  }

  static Result<bool, std::string> linearizable_read(const json::object& object, Function function) {
    const json::value* consistency = object.if_contains("consistency");
    if (consistency == nullptr) return true;
    if (function != Function::Get) return unexpected(std::string("\"consistency\" belongs to gets only"));
    if (!consistency->is_string()) return unexpected(std::string("expected \"consistency\" to be a string"));
    const std::string_view mode = consistency->get_string();
    if (mode == "linearizable") return true;
    if (mode == "read-your-writes" || mode == "stale") return false;
    return unexpected("expected \"consistency\" to be \"linearizable\", \"read-your-writes\" or \"stale\", not \"" +
                      std::string(mode) + "\"");
  }

  std::string invoke(std::size_t number, const json::object& object, std::int64_t process,
                     Function function, std::string key, std::int64_t time_us) {
    Operation op;
    op.process = process;
    op.function = function;
    op.key = std::move(key);
    op.call_time_us = time_us;
    if (std::string e = read_input(object, op); !e.empty()) return e;
    auto invoked = builder_.invoke(number, std::move(op));
    return invoked ? "" : invoked.error().message;
  }

  std::string complete(std::size_t number, const json::object& object, std::int64_t process,
                       EventType type, Function function, const std::string& key,
                       std::int64_t time_us) {
    auto completed = builder_.complete(number, process, type, function, time_us);
    if (!completed) return completed.error().message;
    Operation& op = **completed;
    if (op.key != key) {
      return "expected the completion of process " + std::to_string(process) + "'s " +
             function_name(function) + " on key \"" + op.key + "\" (line " +
             std::to_string(op.call_line) + "), not on \"" + key + "\"";
    }
    if (time_us < op.call_time_us) return "expected \"time_us\" not before the invocation's";
    return type == EventType::Ok ? read_output(object, op) : "";
  }

  HistoryBuilder builder_;
  std::set<std::int64_t> skipped_;  // processes whose current operation is a non-linearizable get
};

}  // namespace

ParseResult parse_confman(std::string_view text, std::string_view file_name) {
  ConfmanParser parser(file_name);
  auto parsed = for_each_line(text, file_name, [&](std::size_t number, std::string_view line) {
    return parser.line(number, line);
  });
  if (!parsed) return unexpected(parsed.error());
  return std::move(parser).finish();
}

}  // namespace confman::check
