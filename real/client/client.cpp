#include "real/client/client.h"

#include <random>

#include "real/client/client_impl.h"
#include "real/client/json_codec.h"
#include "real/client/url_encode.h"

namespace confman::client {

namespace {

constexpr std::uint64_t kClientIdMask = (std::uint64_t{1} << 63) - 1;  // ids stay positive as JSON int64

std::uint64_t random_client_id() {
  std::random_device device;
  std::uint64_t id = 0;
  while (id == 0) id = ((static_cast<std::uint64_t>(device()) << 32) ^ device()) & kClientIdMask;
  return id;
}

// Keys are absolute paths; a missing leading '/' would merge the key into
// the route ("/api/v1/configapp").
std::string absolute(const std::string& key) { return !key.empty() && key.front() == '/' ? key : "/" + key; }

std::string config_target(const std::string& key) { return "/api/v1/config" + detail::encode_path(absolute(key)); }

const char* consistency_name(Consistency consistency) {
  switch (consistency) {
    case Consistency::Linearizable: return "linearizable";
    case Consistency::ReadYourWrites: return "read-your-writes";
    case Consistency::Stale: return "stale";
  }
  return "linearizable";
}

std::string quoted_etag(std::uint64_t revision) { return "\"" + std::to_string(revision) + "\""; }

template <typename T>
ClientResult<T> decoded(const detail::HttpReply& reply, Result<T, std::string> parsed) {
  if (!parsed) return unexpected(Error{reply.status, "Malformed Response", parsed.error(), false});
  return std::move(parsed).value();
}

// The answer if it is a success, else its error.
ClientResult<detail::HttpReply> successful(ClientResult<detail::HttpReply> reply) {
  if (reply && !succeeded(*reply)) return unexpected(reply_error(*reply));
  return reply;
}

}  // namespace

std::string Error::describe() const {
  std::string text = title.empty() ? "HTTP " + std::to_string(status) : title;
  if (!detail.empty()) text += ": " + detail;
  if (outcome_unknown) text += " (outcome unknown: the write may or may not have taken effect)";
  return text;
}

Client::Client(Options options)
    : impl_(std::make_unique<Impl>(*this, std::move(options))),
      client_id_(impl_->options.client_id != 0 ? impl_->options.client_id : random_client_id()) {}

Client::~Client() = default;

const std::string& Client::current_endpoint() const { return impl_->current; }

ClientResult<KeyValue> Client::put(const std::string& key, const std::string& value_json, PutOptions options) {
  auto body = detail::put_body(value_json);
  if (!body) return unexpected(Error{400, "Invalid Value", body.error(), false});
  detail::HttpRequest request{"PUT", config_target(key), {}, std::move(body).value()};
  // The session: a retry inside execute() resends these very headers.
  request.headers = {{"X-Confman-Client-Id", std::to_string(client_id_)},
                     {"X-Confman-Sequence", std::to_string(next_sequence_++)}};
  if (options.if_mod_revision) request.headers.emplace_back("If-Match", quoted_etag(*options.if_mod_revision));
  if (options.create_only) request.headers.emplace_back("If-None-Match", "*");
  auto reply = successful(impl_->execute(std::move(request), true));
  if (!reply) return unexpected(reply.error());
  auto written = decoded(*reply, detail::parse_key_value(reply->body));
  if (written) impl_->note_revision(written->revision);
  return written;
}

ClientResult<std::optional<KeyValue>> Client::get(const std::string& key, Consistency consistency) {
  detail::HttpRequest request{"GET", config_target(key) + "?consistency=" + consistency_name(consistency), {}, {}};
  if (consistency == Consistency::ReadYourWrites) {
    request.headers.emplace_back("X-Confman-Version", std::to_string(highest_revision_));
  }
  auto reply = impl_->execute(std::move(request), false);
  if (!reply) return unexpected(reply.error());
  if (reply->status == 404) return std::optional<KeyValue>();
  if (!succeeded(*reply)) return unexpected(reply_error(*reply));
  auto found = decoded(*reply, detail::parse_key_value(reply->body));
  if (!found) return unexpected(found.error());
  impl_->note_revision(found->revision);
  return std::optional<KeyValue>(std::move(found).value());
}

ClientResult<std::uint64_t> Client::remove(const std::string& key, std::optional<std::uint64_t> if_mod_revision) {
  detail::HttpRequest request{"DELETE", config_target(key), {}, {}};
  request.headers = {{"X-Confman-Client-Id", std::to_string(client_id_)},
                     {"X-Confman-Sequence", std::to_string(next_sequence_++)}};
  if (if_mod_revision) request.headers.emplace_back("If-Match", quoted_etag(*if_mod_revision));
  auto reply = successful(impl_->execute(std::move(request), true));
  if (!reply) return unexpected(reply.error());
  const auto revision = detail::parse_revision(reply->body);
  if (!revision) return unexpected(Error{reply->status, "Malformed Response", "the answer has no \"revision\"", false});
  impl_->note_revision(*revision);
  return *revision;
}

ClientResult<ListPage> Client::list(const std::string& prefix, const std::string& after, std::size_t limit) {
  std::string path = absolute(prefix);
  if (path.back() != '/') path += '/';
  std::string target = "/api/v1/config" + detail::encode_path(path) + "?limit=" + std::to_string(limit);
  if (!after.empty()) target += "&after=" + detail::encode_query_value(after);
  auto reply = successful(impl_->execute(detail::HttpRequest{"GET", std::move(target), {}, {}}, false));
  if (!reply) return unexpected(reply.error());
  auto page = decoded(*reply, detail::parse_list_page(reply->body));
  if (page) impl_->note_revision(page->revision);
  return page;
}

}  // namespace confman::client
