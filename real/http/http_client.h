#pragma once
// One asynchronous HTTP/1.1 request to another node (forwarding a write to
// the leader), with a deadline. Beast stays inside http_client.cpp.

#include <cstdint>
#include <functional>

#include "real/http/http_server.h"

namespace boost::asio {
class io_context;
}

namespace confman::real::http {

// How a request to another node ended. The difference between the two
// failures is what a client is told (problems.h): a request never sent
// changed nothing there; one sent without an answer may have.
struct ForwardReply {
  enum class Kind {
    Answered,  // response holds the node's answer
    NotSent,   // the name did not resolve, or the connection was refused or never completed
    NoAnswer,  // the connection broke, or no answer came within the timeout, after sending began
  };
  Kind kind = Kind::Answered;
  Response response{};   // Answered
  std::string detail{};  // NotSent, NoAnswer: what went wrong
};

// Sends `request` to `to` and calls done once with how it ended, within
// timeout_ms.
void send_request(boost::asio::io_context& io, const HostPort& to, const Request& request, std::uint32_t timeout_ms,
                  std::function<void(ForwardReply)> done);

}  // namespace confman::real::http
