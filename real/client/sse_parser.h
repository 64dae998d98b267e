#pragma once
// An incremental parser of Server-Sent Events (the WHATWG event stream
// format): bytes go in as they arrive, whole events come out. Understands
// "id:", "event:" and "data:" fields (several data lines join with '\n'),
// ignores comments (": keep-alive") and unknown fields, and accepts LF,
// CRLF or CR line ends.

#include <string>
#include <string_view>
#include <vector>

namespace confman::client::detail {

struct SseEvent {
  std::string id;     // "" when the event carried none
  std::string event;  // "" stands for the default type, "message"
  std::string data;
};

class SseParser {
 public:
  // Feeds the next bytes of the stream; returns the events they completed.
  std::vector<SseEvent> feed(std::string_view bytes);

 private:
  void take_line(std::string_view line, std::vector<SseEvent>& done);

  std::string line_;       // an incomplete line
  bool after_cr_ = false;  // the last byte was CR: a following LF ends nothing
  SseEvent pending_;
  bool has_data_ = false;
};

}  // namespace confman::client::detail
