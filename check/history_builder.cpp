#include "check/history_builder.h"

#include <charconv>
#include <utility>

namespace confman::check {

std::string ParseError::describe() const {
  if (line == 0) return file + ": " + message;
  return file + ":" + std::to_string(line) + ": " + message;
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

std::optional<std::int64_t> parse_int64(std::string_view text) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

HistoryBuilder::HistoryBuilder(std::string_view file_name, Format format) {
  history_.file_name = std::string(file_name);
  history_.format = format;
}

ParseError HistoryBuilder::error(std::size_t line, std::string message) const {
  return ParseError{history_.file_name, line, std::move(message)};
}

Result<Done, ParseError> HistoryBuilder::invoke(std::size_t line, Operation op) {
  if (history_.operations.size() >= kMaxOperations) {
    return unexpected(error(line, "expected at most " + std::to_string(kMaxOperations) +
                                      " operations in one history"));
  }
  auto [it, inserted] = open_by_process_.try_emplace(op.process, history_.operations.size());
  if (!inserted) {
    const Operation& open = history_.operations[it->second];
    return unexpected(error(line, "expected a completion for process " +
                                      std::to_string(op.process) + " (its " +
                                      function_name(open.function) + " invoked on line " +
                                      std::to_string(open.call_line) +
                                      " is still open) before its next invocation"));
  }
  op.source = history_.format;
  op.outcome = Outcome::Unknown;
  op.call_line = line;
  op.call_position = line;
  op.return_position = kNeverReturned;
  history_.operations.push_back(std::move(op));
  dropped_.push_back(false);
  return Done{};
}

Result<Operation*, ParseError> HistoryBuilder::complete(std::size_t line, std::int64_t process,
                                                          EventType type, Function function,
                                                          std::int64_t time_us) {
  CONFMAN_ASSERT(type != EventType::Invoke, "complete() takes completions only");
  auto it = open_by_process_.find(process);
  if (it == open_by_process_.end()) {
    return unexpected(error(line, "expected an invocation by process " + std::to_string(process) +
                                      " before this completion"));
  }
  const std::size_t index = it->second;
  Operation& op = history_.operations[index];
  if (op.function != function) {
    return unexpected(error(line, std::string("expected the completion of process ") +
                                      std::to_string(process) + "'s " +
                                      function_name(op.function) + " (invoked on line " +
                                      std::to_string(op.call_line) + "), not of a " +
                                      function_name(function)));
  }
  open_by_process_.erase(it);
  op.return_line = line;
  op.return_time_us = time_us;
  if (type == EventType::Ok) {
    op.outcome = Outcome::Ok;
    op.return_position = line;
  }
  if (type == EventType::Fail) dropped_[index] = true;
  return &op;
}

History HistoryBuilder::finish() && {
  std::vector<Operation> kept;
  kept.reserve(history_.operations.size());
  for (std::size_t i = 0; i < history_.operations.size(); ++i) {
    Operation& op = history_.operations[i];
    const bool is_read = op.function == Function::Read || op.function == Function::Get;
    if (dropped_[i] || (op.outcome == Outcome::Unknown && is_read)) {
      ++history_.dropped_operations;
      continue;
    }
    kept.push_back(std::move(op));
  }
  history_.operations = std::move(kept);
  return std::move(history_);
}

}  // namespace confman::check
