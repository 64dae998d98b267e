#pragma once
// Turns a stream of invoke/complete events into a History: pairs each
// completion with its process's open invocation, drops what cannot constrain
// the history, and marks what never completed as of unknown outcome.
//
// A process has at most one operation in flight (that is what a Jepsen or
// simulator "process" means); its number may be reused after a completion.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "check/parse.h"

namespace confman::check {

enum class EventType : std::uint8_t { Invoke, Ok, Fail, Info };

class HistoryBuilder {
 public:
  HistoryBuilder(std::string_view file_name, Format format);

  // Records an invocation; `op` carries process, function, key and input.
  Result<Done, ParseError> invoke(std::size_t line, Operation op);

  // Records the completion of `process`'s open operation and returns it so
  // that the caller can fill in the output (for EventType::Ok). A fail
  // completion drops the operation (it certainly did not take effect); an info
  // completion leaves it of unknown outcome.
  Result<Operation*, ParseError> complete(std::size_t line, std::int64_t process,
                                            EventType type, Function function,
                                            std::int64_t time_us);

  // Operations still open become of unknown outcome; reads of unknown outcome
  // are dropped (they constrain nothing).
  History finish() &&;

  ParseError error(std::size_t line, std::string message) const;

 private:
  History history_;
  std::vector<bool> dropped_;
  std::map<std::int64_t, std::size_t> open_by_process_;  // process -> index in operations
};

// Calls visit(line_number, line) for every line of `text` (without its "\n"
// or "\r\n"); stops at the first error, which it returns. Lines longer than
// kMaxLineBytes are an error.
template <typename Visit>
Result<Done, ParseError> for_each_line(std::string_view text, std::string_view file_name,
                                         Visit&& visit) {
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > kMaxLineBytes) {
      return unexpected(ParseError{std::string(file_name), line_number,
                                   "expected a line of at most " + std::to_string(kMaxLineBytes) +
                                       " bytes"});
    }
    auto visited = visit(line_number, line);
    if (!visited) return visited;
  }
  return Done{};
}

bool is_blank(std::string_view line);

// Parses a decimal int64 (optional leading '-'); nullopt if it is not one.
std::optional<std::int64_t> parse_int64(std::string_view text);

}  // namespace confman::check
