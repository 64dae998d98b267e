#pragma once
// A small asynchronous HTTP/1.1 server on Boost.Beast for the client API.
// Beast and Asio stay inside http_server.cpp: this header is light, so the
// API code and its tests compile quickly.
//
// Limits that keep a request from wedging or crashing a node: a body over
// Limits::max_body_bytes is answered 413 without being read; malformed
// requests get 400; a request not fully received within
// Limits::request_timeout_ms closes its connection, and so does a
// connection that sends no request for Limits::idle_timeout_ms (before its
// first request and between keep-alive requests). Responses are sent in
// order, one request at a time per connection (HTTP/1.1 keep-alive, no
// pipelining).
//
// Connections: at most Limits::max_connections are open (more are closed on
// accept). The last Limits::reserved_connections of them, and any connection
// from an address that already holds Limits::max_connections_per_address,
// serve only priority requests (the caller's predicate: health checks and
// requests forwarded between members) and then close; anything else there
// is answered 503 with Retry-After. So 1,024 idle connections from one
// client no longer lock out everyone else, nor the cluster's own forwarding.
// Accepts that find the process out of descriptors back off (accept_pacing.h).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/util/result.h"
#include "real/transport/tcp_transport.h"

namespace boost::asio {
class io_context;
}

namespace confman::real::http {

struct Request {
  std::string method;  // "GET", "PUT", ...
  std::string target;  // path and query, as sent
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  // The value of a header (case-insensitive name), or nullptr.
  const std::string* header(std::string_view name) const;
};

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// One request in flight. The handler answers it once with respond(), now or
// later (from the io_context thread), or turns it into an event stream.
class Exchange {
 public:
  virtual ~Exchange() = default;
  virtual const Request& request() const = 0;
  virtual void respond(Response response) = 0;
  // Server-Sent Events: sends the head (status 200, text/event-stream), then
  // any number of send() calls, until end() or the client goes away.
  virtual void start_stream(std::vector<std::pair<std::string, std::string>> headers) = 0;
  virtual void send(std::string data) = 0;
  virtual void end() = 0;
  virtual bool open() const = 0;  // false once the client has gone away
  // Called once when the connection closes (for streams: the client left).
  virtual void on_close(std::function<void()> callback) = 0;
};

using Handler = std::function<void(std::shared_ptr<Exchange>)>;

struct Limits {
  std::size_t max_body_bytes = 1536 * 1024;  // 1.5 MiB
  std::size_t max_header_bytes = 16 * 1024;
  std::uint32_t request_timeout_ms = 30'000;
  std::uint32_t idle_timeout_ms = 5'000;
  std::size_t max_connections = 1024;
  std::size_t reserved_connections = 32;  // of max_connections
  std::size_t max_connections_per_address = 128;
  std::size_t max_stream_buffer_bytes = 8u << 20;  // a stream whose client reads slower is closed
};

// Whether a request may use a reserved connection.
using Priority = std::function<bool(const Request&)>;

struct ServerStats {
  std::size_t open_connections = 0;
  std::uint64_t connections_refused_total = 0;     // closed on accept: max_connections were open
  std::uint64_t limited_requests_refused_total = 0;  // 503 on a reserved or over-address connection
  std::uint64_t idle_closed_total = 0;             // closed after idle_timeout_ms without a request
  std::uint64_t accept_exhausted_total = 0;        // accepts that found no descriptor (then backed off)
};

class Server {
 public:
  static Result<std::unique_ptr<Server>, std::string> start(boost::asio::io_context& io, const HostPort& listen,
                                                            Handler handler, Limits limits = {},
                                                            Priority priority = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  std::uint16_t port() const;
  ServerStats stats() const;
  const Limits& limits() const;
  void close();

  struct Impl;

 private:
  explicit Server(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};


}  // namespace confman::real::http
