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

// Sends `request` to `to` and calls done once with the response, or with a
// 502/504 problem if the node cannot be reached or does not answer within
// timeout_ms.
void send_request(boost::asio::io_context& io, const HostPort& to, const Request& request, std::uint32_t timeout_ms,
                  std::function<void(Response)> done);

}  // namespace confman::real::http
