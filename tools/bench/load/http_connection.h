#pragma once
// One keep-alive HTTP/1.1 connection for the load tool: synchronous, so
// each load client is one thread with one connection, the way a simple
// application talks to a configuration store. Beast stays in the .cpp.

#include <cstdint>
#include <memory>
#include <string>

namespace confman::bench {

struct HttpReply {
  unsigned status = 0;  // 0: the exchange failed (see error)
  std::string body;
  std::string error;
};

class HttpConnection {
 public:
  HttpConnection(std::string host, std::uint16_t port);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;
  // Reconnects once if the connection was closed.
  HttpReply send(const std::string& method, const std::string& target, const std::string& body,
                 const std::string& content_type = "application/json");

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace confman::bench
