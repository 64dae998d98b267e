#pragma once
// How the client treats one attempt's outcome (client.h, "Leader
// discovery"), apart from the sockets, so the rules are easy to read and to
// test.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace confman::client::detail {

// Waits between attempts: the first wait is first_ms, each next one twice
// the last, never more than kMaxBackoff.
class Backoff {
 public:
  static constexpr std::chrono::milliseconds kMaxBackoff{1000};
  explicit Backoff(std::uint32_t first_ms) : next_(first_ms) {}
  std::chrono::milliseconds next();

 private:
  std::chrono::milliseconds next_;
};

enum class Verdict {
  Answer,        // a node decided (2xx, or an error that another node would repeat)
  Redirect,      // 307/308 with a Location: ask there
  TryElsewhere,  // this node cannot serve it now (503, 504, or 502 from a proxy in between): next endpoint
};
Verdict classify(unsigned status);

// A write answered with this status may have been applied anyway
// (docs/API.md): 504 "Outcome Unknown"; and 502, which Confman never sends
// but a proxy in front of it may, after a request it passed on.
bool outcome_unknown_status(unsigned status);

// The endpoint ("host:port") and target of a Location header such as
// "http://127.0.0.1:8002/api/v1/config/a".
struct Location {
  std::string endpoint;
  std::string target;
};
std::optional<Location> parse_location(const std::string& location);

// "http://host:port/" -> "host:port": endpoints may be given as URLs.
std::string normalize_endpoint(std::string endpoint);

}  // namespace confman::client::detail
