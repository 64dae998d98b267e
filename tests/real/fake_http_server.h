#pragma once
// A scripted HTTP/1.1 server on 127.0.0.1 for the client library's tests:
// it records every request and answers each with what a test's responder
// returns (raw response bytes), so a test can play a node that times out,
// loses an answer (504), redirects (307) or streams events and hangs up.
// One connection at a time, one request per connection.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace confman::real::testing {

struct RecordedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string header(const std::string& name) const {
    auto found = headers.find(name);
    return found == headers.end() ? std::string() : found->second;
  }
};

// What to send back for a request, raw; kHoldConnection: send nothing and
// keep the connection open until the server is destroyed (a node that hangs).
using Responder = std::function<std::string(const RecordedRequest& request, std::size_t index)>;
inline const std::string kHoldConnection;

inline std::string http_response(unsigned status, const std::string& reason, const std::string& body,
                                 const std::string& extra_headers = "",
                                 const std::string& content_type = "application/json") {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\nContent-Type: " + content_type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n" + extra_headers + "\r\n" +
         body;
}

inline std::string problem_response(unsigned status, const std::string& title, const std::string& detail) {
  return http_response(status, title,
                       "{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + std::to_string(status) +
                           ",\"detail\":\"" + detail + "\"}",
                       "", "application/problem+json");
}

// An event stream (as the server's watches send it) that ends after `events`.
inline std::string event_stream_response(const std::string& events) {
  return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n" + events;
}

class FakeHttpServer {
 public:
  explicit FakeHttpServer(Responder responder) : responder_(std::move(responder)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener_, 16) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("FakeHttpServer: cannot listen on 127.0.0.1");
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeHttpServer() {
    stopping_ = true;
    thread_.join();
    for (int fd : held_) ::close(fd);
    ::close(listener_);
  }
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  std::string endpoint() const { return "127.0.0.1:" + std::to_string(port_); }
  std::vector<RecordedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  static constexpr int kPollMs = 20;
  static constexpr int kReadTimeoutMs = 5000;

  void serve() {
    while (!stopping_) {
      pollfd waiting{listener_, POLLIN, 0};
      if (::poll(&waiting, 1, kPollMs) <= 0) continue;
      const int connection = ::accept(listener_, nullptr, nullptr);
      if (connection >= 0) handle(connection);
    }
  }

  void handle(int connection) {
    RecordedRequest request;
    if (!read_request(connection, request)) {
      ::close(connection);
      return;
    }
    std::size_t index = 0;
    {
      std::lock_guard lock(mutex_);
      index = requests_.size();
      requests_.push_back(request);
    }
    const std::string response = responder_(request, index);
    if (response.empty()) {
      held_.push_back(connection);
      return;
    }
    for (std::size_t sent = 0; sent < response.size();) {
      const ssize_t wrote = ::send(connection, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
      if (wrote <= 0) break;
      sent += static_cast<std::size_t>(wrote);
    }
    ::close(connection);
  }

  // Reads until the head and a Content-Length body are in; false on EOF,
  // error or a client that stalls.
  static bool read_request(int connection, RecordedRequest& request) {
    std::string data;
    std::size_t head_end = std::string::npos;
    std::size_t body_length = 0;
    char buffer[4096];
    while (head_end == std::string::npos || data.size() < head_end + 4 + body_length) {
      pollfd readable{connection, POLLIN, 0};
      if (::poll(&readable, 1, kReadTimeoutMs) <= 0) return false;
      const ssize_t got = ::recv(connection, buffer, sizeof buffer, 0);
      if (got <= 0) return false;
      data.append(buffer, static_cast<std::size_t>(got));
      if (head_end == std::string::npos && (head_end = data.find("\r\n\r\n")) != std::string::npos) {
        parse_head(data.substr(0, head_end), request);
        const std::string length = request.header("content-length");
        body_length = length.empty() ? 0 : std::stoul(length);
      }
    }
    request.body = data.substr(head_end + 4, body_length);
    return true;
  }

  static void parse_head(const std::string& head, RecordedRequest& request) {
    std::size_t line_start = 0;
    bool first = true;
    while (line_start < head.size()) {
      std::size_t line_end = head.find("\r\n", line_start);
      if (line_end == std::string::npos) line_end = head.size();
      const std::string line = head.substr(line_start, line_end - line_start);
      line_start = line_end + 2;
      if (first) {
        first = false;
        const auto space = line.find(' ');
        request.method = line.substr(0, space);
        request.target = line.substr(space + 1, line.rfind(' ') - space - 1);
        continue;
      }
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      const auto value_start = line.find_first_not_of(' ', colon + 1);
      request.headers[name] = value_start == std::string::npos ? "" : line.substr(value_start);
    }
  }

  Responder responder_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<RecordedRequest> requests_;
  std::vector<int> held_;  // only the serving thread touches it until the destructor joins
};

// A port on 127.0.0.1 where nothing listens (bound, then closed).
inline std::uint16_t closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

}  // namespace confman::real::testing
