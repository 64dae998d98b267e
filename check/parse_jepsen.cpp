// Jepsen log lines, as in Porcupine's and Knossos's etcd test data:
//   INFO  jepsen.util - 3	:invoke	:cas	[3 0]
// Only lines of that shape with a numeric process and a :read, :write or :cas
// are events; every other line (nemesis, setup, stack traces) is skipped, as
// Jepsen logs interleave them. An event line whose value cannot be read is an
// error rather than skipped: skipping it would silently change the history.

#include <utility>
#include <vector>

#include "check/history_builder.h"

namespace confman::check {
namespace {

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < line.size()) {
    const std::size_t start = line.find_first_not_of(" \t", i);
    if (start == std::string_view::npos) break;
    std::size_t end = line.find_first_of(" \t", start);
    if (end == std::string_view::npos) end = line.size();
    words.push_back(line.substr(start, end - start));
    i = end;
  }
  return words;
}

std::optional<EventType> event_type(std::string_view word) {
  if (word == ":invoke") return EventType::Invoke;
  if (word == ":ok") return EventType::Ok;
  if (word == ":fail") return EventType::Fail;
  if (word == ":info") return EventType::Info;
  return std::nullopt;
}

std::optional<Function> function(std::string_view word) {
  if (word == ":read") return Function::Read;
  if (word == ":write") return Function::Write;
  if (word == ":cas") return Function::Cas;
  return std::nullopt;
}

struct EventLine {
  std::int64_t process = 0;
  EventType type = EventType::Invoke;
  Function function = Function::Read;
  std::vector<std::string_view> value;  // the remaining words
};

// nullopt when the line is not an event (another shape).
std::optional<EventLine> event_line(std::string_view line) {
  const std::vector<std::string_view> words = split_words(line);
  std::size_t at = 0;
  while (at < words.size() && words[at] != "jepsen.util") ++at;
  if (at + 5 > words.size() || words[at + 1] != "-") return std::nullopt;
  EventLine event;
  const auto process = parse_int64(words[at + 2]);
  const auto type = event_type(words[at + 3]);
  const auto f = function(words[at + 4]);
  if (!process || !type || !f) return std::nullopt;
  event.process = *process;
  event.type = *type;
  event.function = *f;
  event.value.assign(words.begin() + static_cast<std::ptrdiff_t>(at + 5), words.end());
  return event;
}

// A register value: nil or an integer, kept as canonical decimal text.
std::optional<std::optional<std::string>> register_value(std::string_view word) {
  if (word == "nil") return std::optional<std::string>();
  const auto number = parse_int64(word);
  if (!number) return std::nullopt;
  return std::optional<std::string>(std::to_string(*number));
}

class JepsenParser {
 public:
  explicit JepsenParser(std::string_view file_name) : builder_(file_name, Format::Jepsen) {}

  Result<Done, ParseError> line(std::size_t number, std::string_view text) {
    const std::optional<EventLine> event = event_line(text);
    if (!event) {
      other_lines_ += is_blank(text) ? 0 : 1;
      return Done{};
    }
    ++event_lines_;
    std::string message = event->type == EventType::Invoke ? invoke(number, *event)
                                                            : complete(number, *event);
    if (!message.empty()) return unexpected(builder_.error(number, std::move(message)));
    return Done{};
  }

  // A file of nothing but other lines is not an empty history: it is most
  // likely not a Jepsen log at all, and calling it linearizable would lie.
  Result<History, ParseError> finish() && {
    if (event_lines_ == 0 && other_lines_ > 0) {
      return unexpected(builder_.error(0, "expected Jepsen event lines "
                                          "(INFO  jepsen.util - PROCESS :TYPE :F VALUE); found none"));
    }
    return std::move(builder_).finish();
  }

 private:
  std::string invoke(std::size_t number, const EventLine& event) {
    Operation op;
    op.process = event.process;
    op.function = event.function;
    if (event.function == Function::Write) {
      const auto value = event.value.size() == 1 ? register_value(event.value[0]) : std::nullopt;
      if (!value) return "expected the value of a :write: nil or an integer";
      op.value = *value;
    }
    if (event.function == Function::Cas) {
      if (std::string e = read_cas(event.value, op); !e.empty()) return e;
    }
    auto invoked = builder_.invoke(number, std::move(op));
    return invoked ? "" : invoked.error().message;
  }

  // "[3 0]" arrives as the words "[3" and "0]".
  static std::string read_cas(const std::vector<std::string_view>& words, Operation& op) {
    const char* expected = "expected the value of a :cas: [old new] with nil or integers";
    if (words.size() != 2 || words[0].size() < 2 || words[1].size() < 2) return expected;
    if (words[0].front() != '[' || words[1].back() != ']') return expected;
    const auto old_value = register_value(words[0].substr(1));
    const auto new_value = register_value(words[1].substr(0, words[1].size() - 1));
    if (!old_value || !new_value) return expected;
    op.expected = *old_value;
    op.value = *new_value;
    return "";
  }

  std::string complete(std::size_t number, const EventLine& event) {
    auto completed = builder_.complete(number, event.process, event.type, event.function, -1);
    if (!completed) return completed.error().message;
    if (event.type != EventType::Ok || event.function != Function::Read) return "";
    const auto value = event.value.size() == 1 ? register_value(event.value[0]) : std::nullopt;
    if (!value) return "expected the value an :ok :read saw: nil or an integer";
    (*completed)->read_value = *value;
    return "";
  }

  HistoryBuilder builder_;
  std::size_t event_lines_ = 0;
  std::size_t other_lines_ = 0;
};

}  // namespace

ParseResult parse_jepsen(std::string_view text, std::string_view file_name) {
  JepsenParser parser(file_name);
  auto parsed = for_each_line(text, file_name, [&](std::size_t number, std::string_view line) {
    return parser.line(number, line);
  });
  if (!parsed) return unexpected(parsed.error());
  return std::move(parser).finish();
}

}  // namespace confman::check
