#pragma once
// Blocking HTTP/1.1 over Boost.Beast for the client library: one request
// per connection, with a deadline. Beast and Asio stay in http_exchange.cpp.
//
// A connection per request costs a handshake on loopback, but it means a
// failed exchange never leaves a half-used connection behind, so every
// failure can be classified by whether the request had been sent.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/util/result.h"

namespace confman::client::detail {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // "GET", "PUT", ...
  std::string target;  // path and query, already percent-encoded
  Headers headers;
  std::string body;  // sent as application/json when not empty
};

struct HttpReply {
  unsigned status = 0;
  Headers headers;
  std::string body;
  // The value of a header (case-insensitive name), or nullptr.
  const std::string* header(std::string_view name) const;
};

struct TransportError {
  // False when the connection could not even be made: the node never saw
  // the request. True once any byte of it was written: a write may have
  // been applied even though no answer came back.
  bool request_sent = false;
  bool timed_out = false;
  std::string message;
};

// Sends `request` to endpoint ("host:port") and reads the whole answer, all
// within timeout_ms.
Result<HttpReply, TransportError> exchange(const std::string& endpoint, const HttpRequest& request,
                                           std::uint32_t timeout_ms);

// A response body read as it arrives (Server-Sent Events).
class EventStream {
 public:
  struct State;
  explicit EventStream(std::unique_ptr<State> state);
  ~EventStream();
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  struct Chunk {
    std::string bytes;   // may be empty (the read carried only framing)
    bool ended = false;  // the server closed the stream
  };
  // Waits at most idle_timeout_ms for more of the body.
  Result<Chunk, TransportError> read(std::uint32_t idle_timeout_ms);

 private:
  std::unique_ptr<State> state_;
};

struct StreamStart {
  HttpReply reply;                      // the head; with the whole body unless status is 200
  std::unique_ptr<EventStream> stream;  // the open body, when status is 200
};

// Sends `request` and reads the response head within timeout_ms.
Result<StreamStart, TransportError> open_event_stream(const std::string& endpoint, const HttpRequest& request,
                                                      std::uint32_t timeout_ms);

}  // namespace confman::client::detail
