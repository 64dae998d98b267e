#include "real/client/client_impl.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <thread>

#include "real/client/json_codec.h"
#include "real/client/retry_policy.h"

namespace confman::client {

Client::Impl::Impl(Client& client, Options client_options) : owner(client), options(std::move(client_options)) {
  for (std::string& endpoint : options.endpoints) endpoint = detail::normalize_endpoint(endpoint);
  if (!options.endpoints.empty()) current = options.endpoints.front();
}

void Client::Impl::rotate() {
  if (options.endpoints.empty()) return;
  endpoint_index = (endpoint_index + 1) % options.endpoints.size();
  current = options.endpoints[endpoint_index];
}

void Client::Impl::adopt(const std::string& endpoint) {
  current = endpoint;
  const auto known = std::find(options.endpoints.begin(), options.endpoints.end(), endpoint);
  if (known != options.endpoints.end()) endpoint_index = static_cast<std::size_t>(known - options.endpoints.begin());
}

void Client::Impl::note_revision(std::uint64_t revision) {
  owner.highest_revision_ = std::max(owner.highest_revision_, revision);
}

void Client::Impl::note_reply(const detail::HttpReply& reply) {
  const std::string* version = reply.header("X-Confman-Version");
  if (version == nullptr) return;
  std::uint64_t revision = 0;
  const auto [end, error] = std::from_chars(version->data(), version->data() + version->size(), revision);
  if (error == std::errc() && end == version->data() + version->size()) note_revision(revision);
}

ClientResult<detail::HttpReply> Client::Impl::execute(detail::HttpRequest request, bool mutating) {
  if (options.endpoints.empty()) return unexpected(no_endpoints());
  detail::Backoff backoff(options.retry_backoff_ms);
  std::optional<std::string> redirected;  // where a 307 sent this call
  bool maybe_applied = false;
  bool wait = false;
  std::size_t tried_this_pass = 0;
  Error last;
  const std::uint32_t attempts = std::max<std::uint32_t>(1, options.max_attempts);
  for (std::uint32_t attempt = 0; attempt < attempts; ++attempt) {
    if (wait) std::this_thread::sleep_for(backoff.next());
    wait = true;
    auto reply = detail::exchange(redirected.value_or(current), request, options.request_timeout_ms);
    if (!reply) {
      maybe_applied = maybe_applied || (mutating && reply.error().request_sent);
      last = transport_failure(reply.error());
    } else {
      note_reply(*reply);
      const detail::Verdict verdict = detail::classify(reply->status);
      const std::string* location_header = reply->header("Location");
      const auto location = location_header ? detail::parse_location(*location_header) : std::nullopt;
      if (verdict == detail::Verdict::Answer || (verdict == detail::Verdict::Redirect && !location)) {
        if (redirected) adopt(*redirected);
        return std::move(reply).value();
      }
      if (verdict == detail::Verdict::Redirect) {  // not a failure: go there at once
        redirected = location->endpoint;
        request.target = location->target;
        wait = false;
        continue;
      }
      maybe_applied = maybe_applied || (mutating && detail::outcome_unknown_status(reply->status));
      last = reply_error(*reply);
    }
    redirected.reset();
    rotate();
    // Another endpoint may answer at once: back off only after a whole pass
    // over them (a cluster between leaders). Backing off before each one put
    // 620 ms of sleep between a killed leader and a write that a follower
    // could forward 450 ms after the kill.
    tried_this_pass += 1;
    if (tried_this_pass < options.endpoints.size()) {
      wait = false;
    } else {
      tried_this_pass = 0;
    }
  }
  last.detail += " (gave up after " + std::to_string(attempts) + " attempts)";
  last.outcome_unknown = maybe_applied;
  return unexpected(std::move(last));
}

bool succeeded(const detail::HttpReply& reply) { return reply.status >= 200 && reply.status < 300; }

Error reply_error(const detail::HttpReply& reply) { return detail::problem_error(reply.status, reply.body); }

Error transport_failure(const detail::TransportError& error) {
  return Error{0, error.timed_out ? "Timeout" : "Unavailable", error.message, false};
}

Error no_endpoints() { return Error{0, "No Endpoints", "the client was given no endpoints to connect to", false}; }

}  // namespace confman::client
