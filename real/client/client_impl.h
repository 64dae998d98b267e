#pragma once
// Client::Impl: where requests go and how they are retried (client.h,
// "Leader discovery"), shared by client.cpp and watch.cpp.

#include <cstddef>
#include <string>

#include "real/client/client.h"
#include "real/client/http_exchange.h"

namespace confman::client {

struct Client::Impl {
  Impl(Client& owner, Options options);

  // Sends `request` until a node answers it (any status but a redirect or
  // 502/503/504) or max_attempts run out. A mutating request whose answer
  // may have been lost ends, if no later attempt is answered, in an Error
  // with outcome_unknown set.
  ClientResult<detail::HttpReply> execute(detail::HttpRequest request, bool mutating);

  // A cluster request: every one is answered with the cluster state.
  ClientResult<ClusterState> cluster_request(detail::HttpRequest request, bool mutating);

  // The next endpoint in the list becomes the current one.
  void rotate();
  void note_revision(std::uint64_t revision);
  // The X-Confman-Version header, if any, is a revision this client has seen.
  void note_reply(const detail::HttpReply& reply);
  // After a redirect to `endpoint` was answered: ask it first from now on.
  void adopt(const std::string& endpoint);

  Client& owner;
  Options options;
  std::size_t endpoint_index = 0;
  std::string current;  // where the next request goes
};

// The answer as an Error unless its status is 2xx.
Error reply_error(const detail::HttpReply& reply);
bool succeeded(const detail::HttpReply& reply);
Error transport_failure(const detail::TransportError& error);
Error no_endpoints();

}  // namespace confman::client
