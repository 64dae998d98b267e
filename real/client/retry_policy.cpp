#include "real/client/retry_policy.h"

#include <algorithm>

namespace confman::client::detail {

std::chrono::milliseconds Backoff::next() {
  const auto wait = std::min(next_, kMaxBackoff);
  next_ = std::min(next_ * 2, kMaxBackoff);
  return wait;
}

Verdict classify(unsigned status) {
  if (status == 307 || status == 308) return Verdict::Redirect;
  if (status == 502 || status == 503 || status == 504) return Verdict::TryElsewhere;
  return Verdict::Answer;
}

bool outcome_unknown_status(unsigned status) { return status == 502 || status == 504; }

std::string normalize_endpoint(std::string endpoint) {
  for (const std::string_view scheme : {"http://", "HTTP://"}) {
    if (endpoint.rfind(scheme, 0) == 0) endpoint.erase(0, scheme.size());
  }
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  return endpoint;
}

std::optional<Location> parse_location(const std::string& location) {
  constexpr std::string_view kScheme = "http://";
  if (location.rfind(kScheme, 0) != 0) return std::nullopt;  // relative or https: not for us
  const auto slash = location.find('/', kScheme.size());
  Location result;
  result.endpoint =
      location.substr(kScheme.size(), slash == std::string::npos ? std::string::npos : slash - kScheme.size());
  result.target = slash == std::string::npos ? "/" : location.substr(slash);
  if (result.endpoint.empty()) return std::nullopt;
  return result;
}

}  // namespace confman::client::detail
