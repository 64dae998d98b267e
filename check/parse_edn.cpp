// Knossos-style EDN histories: one map per line,
//   {:process 9, :type :invoke, :f :append, :key "0", :value "x 9 0 y"}
// :process, :type and :f are required; :key (string or integer), :value and
// :time (nanoseconds) are read when present; other keys are ignored. A line
// whose :process is a keyword (:nemesis) is not a client operation and is
// skipped; any other malformed line is an error.

#include <utility>

#include "check/edn.h"
#include "check/history_builder.h"

namespace confman::check {
namespace {

using Kind = EdnValue::Kind;

std::optional<EventType> event_type(std::string_view name) {
  if (name == "invoke") return EventType::Invoke;
  if (name == "ok") return EventType::Ok;
  if (name == "fail") return EventType::Fail;
  if (name == "info") return EventType::Info;
  return std::nullopt;
}

std::optional<Function> function(std::string_view name) {
  if (name == "get") return Function::Get;
  if (name == "put") return Function::Put;
  if (name == "append") return Function::Append;
  if (name == "read") return Function::Read;
  if (name == "write") return Function::Write;
  if (name == "cas") return Function::Cas;
  return std::nullopt;
}

// A register value: nil or an integer.
std::optional<std::optional<std::string>> register_value(const EdnValue& value) {
  if (value.kind == Kind::Nil) return std::optional<std::string>();
  if (value.kind == Kind::Integer) return std::optional<std::string>(std::to_string(value.integer));
  return std::nullopt;
}

// A key-value string: a string, or an integer written as text.
std::optional<std::string> kv_string(const EdnValue& value) {
  if (value.kind == Kind::String) return value.text;
  if (value.kind == Kind::Integer) return std::to_string(value.integer);
  return std::nullopt;
}

const EdnValue kNil{};

struct Event {
  std::int64_t process = 0;
  EventType type = EventType::Invoke;
  Function function = Function::Read;
  std::string key;
  const EdnValue* value = &kNil;
  std::int64_t time_us = -1;
};

// Returns "" and fills `event`, or says what was expected. `skip` is set for
// well-formed lines that are not client events.
std::string read_event(const EdnValue& map, Event& event, bool& skip) {
  if (map.kind != Kind::Map) return "expected one EDN map {...} per line";
  const EdnValue* process = map.find("process");
  if (process != nullptr && process->kind == Kind::Keyword) {
    skip = true;  // :nemesis and friends
    return "";
  }
  if (process == nullptr || process->kind != Kind::Integer) return "expected an integer :process";
  event.process = process->integer;
  const EdnValue* type = map.find("type");
  const auto event_kind = type != nullptr && type->kind == Kind::Keyword ? event_type(type->text)
                                                                         : std::nullopt;
  if (!event_kind) return "expected :type to be :invoke, :ok, :fail or :info";
  event.type = *event_kind;
  const EdnValue* f = map.find("f");
  const auto fn = f != nullptr && f->kind == Kind::Keyword ? function(f->text) : std::nullopt;
  if (!fn) return "expected :f to be :get, :put, :append, :read, :write or :cas";
  event.function = *fn;
  if (const EdnValue* key = map.find("key"); key != nullptr) {
    const auto text = kv_string(*key);
    if (!text) return "expected :key to be a string or an integer";
    event.key = *text;
  }
  if (const EdnValue* value = map.find("value"); value != nullptr) event.value = value;
  if (const EdnValue* time = map.find("time"); time != nullptr) {
    if (time->kind != Kind::Integer || time->integer < 0) return "expected :time to be nanoseconds";
    event.time_us = time->integer / 1000;
  }
  return "";
}

std::string read_input(const Event& event, Operation& op) {
  const EdnValue& value = *event.value;
  switch (event.function) {
    case Function::Put:
    case Function::Append: {
      const auto text = kv_string(value);
      if (!text) return std::string("expected the :value of a :") + function_name(event.function) + " to be a string";
      op.value = *text;
      return "";
    }
    case Function::Write: {
      const auto number = register_value(value);
      if (!number) return "expected the :value of a :write to be nil or an integer";
      op.value = *number;
      return "";
    }
    case Function::Cas: {
      const auto old_value = value.kind == Kind::Vector && value.items.size() == 2
                                 ? register_value(value.items[0]) : std::nullopt;
      const auto new_value = old_value ? register_value(value.items[1]) : std::nullopt;
      if (!new_value) return "expected the :value of a :cas to be [old new] with nil or integers";
      op.expected = *old_value;
      op.value = *new_value;
      return "";
    }
    default:
      return "";  // reads carry no input
  }
}

std::string read_output(const Event& event, Operation& op) {
  const EdnValue& value = *event.value;
  if (event.function == Function::Get) {
    // A key never written reads as the empty string; Knossos writes nil.
    const auto text = value.kind == Kind::Nil ? std::optional<std::string>("") : kv_string(value);
    if (!text) return "expected the :value of an :ok :get to be a string or nil";
    op.read_value = *text;
  }
  if (event.function == Function::Read) {
    const auto number = register_value(value);
    if (!number) return "expected the :value of an :ok :read to be nil or an integer";
    op.read_value = *number;
  }
  return "";
}

class EdnParser {
 public:
  explicit EdnParser(std::string_view file_name) : builder_(file_name, Format::Edn) {}

  Result<Done, ParseError> line(std::size_t number, std::string_view text) {
    if (is_blank(text)) return Done{};
    auto map = parse_edn_value(text);
    if (!map) return unexpected(builder_.error(number, map.error()));
    std::string message = event(number, *map);
    if (!message.empty()) return unexpected(builder_.error(number, std::move(message)));
    return Done{};
  }

  History finish() && { return std::move(builder_).finish(); }

 private:
  std::string event(std::size_t number, const EdnValue& map) {
    Event e;
    bool skip = false;
    if (std::string message = read_event(map, e, skip); !message.empty() || skip) return message;
    if (e.type == EventType::Invoke) {
      Operation op;
      op.process = e.process;
      op.function = e.function;
      op.key = e.key;
      op.call_time_us = e.time_us;
      if (std::string message = read_input(e, op); !message.empty()) return message;
      auto invoked = builder_.invoke(number, std::move(op));
      return invoked ? "" : invoked.error().message;
    }
    auto completed = builder_.complete(number, e.process, e.type, e.function, e.time_us);
    if (!completed) return completed.error().message;
    Operation& op = **completed;
    if (op.key != e.key) {
      return "expected the completion of process " + std::to_string(e.process) +
             "'s operation on key \"" + op.key + "\" (line " + std::to_string(op.call_line) + ")";
    }
    return e.type == EventType::Ok ? read_output(e, op) : "";
  }

  HistoryBuilder builder_;
};

}  // namespace

ParseResult parse_edn(std::string_view text, std::string_view file_name) {
  EdnParser parser(file_name);
  auto parsed = for_each_line(text, file_name, [&](std::size_t number, std::string_view line) {
    return parser.line(number, line);
  });
  if (!parsed) return unexpected(parsed.error());
  return std::move(parser).finish();
}

}  // namespace confman::check
