#include "real/client/sse_parser.h"

namespace confman::client::detail {

std::vector<SseEvent> SseParser::feed(std::string_view bytes) {
  std::vector<SseEvent> done;
  for (const char c : bytes) {
    if (c == '\n' && after_cr_) {
      after_cr_ = false;
      continue;
    }
    after_cr_ = c == '\r';
    if (c == '\n' || c == '\r') {
      take_line(line_, done);
      line_.clear();
    } else {
      line_.push_back(c);
    }
  }
  return done;
}

void SseParser::take_line(std::string_view line, std::vector<SseEvent>& done) {
  if (line.empty()) {  // a blank line dispatches the event gathered so far
    if (has_data_) done.push_back(std::move(pending_));
    pending_ = SseEvent{};
    has_data_ = false;
    return;
  }
  if (line.front() == ':') return;  // a comment
  const auto colon = line.find(':');
  const std::string_view field = line.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "data") {
    if (has_data_) pending_.data.push_back('\n');
    pending_.data.append(value);
    has_data_ = true;
  } else if (field == "event") {
    pending_.event = value;
  } else if (field == "id") {
    pending_.id = value;
  }
}

}  // namespace confman::client::detail
