#pragma once
// A raw TCP connection to a server under test, so requests can be as broken
// as needed and streams read as they come.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace confman::real::testing {

// A raw TCP connection to the server, so requests can be as broken as needed.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~RawConnection() { ::close(fd_); }
  bool connected() const { return connected_; }
  void send(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;  // the server may close early (e.g. 413): what it said is still readable
      sent += static_cast<std::size_t>(n);
    }
  }
  // Everything the server sends until it closes the connection, or until
  // timeout passes (then timed_out() is true; a later call reads on).
  std::string read_until_closed(std::chrono::milliseconds timeout) { return read_until("", timeout); }

  // What the server sends until it includes marker (a response head's
  // "\r\n\r\n", say: for a stream that stays open), it closes, or timeout passes.
  std::string read_until(std::string_view marker, std::chrono::milliseconds timeout) {
    std::string received;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char buffer[4096];
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        timed_out_ = true;
        return received;
      }
      pollfd descriptor{fd_, POLLIN, 0};
      if (::poll(&descriptor, 1, static_cast<int>(left.count())) <= 0) continue;
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) return received;
      received.append(buffer, static_cast<std::size_t>(n));
      if (!marker.empty() && received.find(marker) != std::string::npos) return received;
    }
  }
  bool timed_out() const { return timed_out_; }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool timed_out_ = false;
};

// The status of a raw HTTP/1.1 response ("HTTP/1.1 200 OK..."), or 0.
inline unsigned status_of(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0 || response.size() < 12) return 0;
  return static_cast<unsigned>(std::stoul(response.substr(9, 3)));
}

// A whole request that asks the server to close the connection after it.
inline std::string close_request(const std::string& method, const std::string& target, const std::string& body,
                                 const std::string& extra_headers = "") {
  return method + " " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + extra_headers +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace confman::real::testing
