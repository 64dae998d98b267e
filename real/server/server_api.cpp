#include "real/server/server_api.h"

#include <boost/json.hpp>

#include <charconv>

#include "core/kv/key.h"
#include "core/kv/limits.h"
#include "real/http/http_client.h"
#include "real/http/url.h"
#include "real/server/server.h"

namespace confman::real {

namespace json = boost::json;
using http::Exchange;
using http::problem;
using http::Response;

namespace {

constexpr std::string_view kConfigPrefix = "/api/v1/config";
constexpr std::string_view kWatchPrefix = "/api/v1/watch";
constexpr std::string_view kMembersPath = "/api/v1/cluster/members";
constexpr const char* kMembersKeyPrefix = "/_confman/members/";
constexpr std::size_t kDefaultListLimit = 100;

// Members, leader, term and indexes as this node sees them (defined below).
json::object cluster_state(const ConfmanServer& server);

Response json_response(unsigned status, const json::value& body) {
  return Response{status, "application/json", {}, json::serialize(body)};
}

std::optional<std::uint64_t> parse_u64(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// An ETag or If-Match value: "17", W/"17" or 17.
std::optional<std::uint64_t> parse_etag(std::string_view text) {
  if (text.rfind("W/", 0) == 0) text.remove_prefix(2);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = text.substr(1, text.size() - 2);
  return parse_u64(text);
}

json::value stored_value(const std::string& text) {
  json::error_code error;
  json::value value = json::parse(text, error);
  return error ? json::value(text) : value;  // written by something other than the API: a string
}

json::object key_json(const kv::KeyValue& item, std::uint64_t revision) {
  return json::object{{"key", item.key},
                      {"value", stored_value(item.value)},
                      {"revision", revision},
                      {"createRevision", item.create_revision},
                      {"modRevision", item.mod_revision},
                      {"version", item.version}};
}

Response key_response(const kv::KeyValue& item, std::uint64_t revision) {
  Response response = json_response(200, key_json(item, revision));
  response.headers.emplace_back("ETag", "\"" + std::to_string(item.mod_revision) + "\"");
  response.headers.emplace_back("X-Confman-Version", std::to_string(revision));
  return response;
}

Response unavailable(const std::string& detail) {
  Response response = problem(503, "Service Unavailable", detail);
  response.headers.emplace_back("Retry-After", "1");
  return response;
}

// One request being served: the exchange, its parsed target and the server.
struct Call {
  ConfmanServer& server;
  std::shared_ptr<Exchange> exchange;
  http::Target target;

  const http::Request& request() const { return exchange->request(); }
  void respond(Response response) { exchange->respond(std::move(response)); }
  bool forwarded() const { return request().header("x-confman-forwarded") != nullptr; }
  bool wants_redirect() const {
    const std::string* header = request().header("x-confman-redirect");
    return header != nullptr && *header == "true";
  }
};

// This node is not the leader: forward the request there (or redirect).
void send_to_leader(const std::shared_ptr<Call>& call, NodeId leader_hint) {
  const NodeId leader = leader_hint != kNoNode ? leader_hint : call->server.node().status().leader;
  const HostPort* address = leader == kNoNode ? nullptr : call->server.client_address(leader);
  if (address == nullptr || leader == call->server.config().id) {
    return call->respond(unavailable("no leader is known at the moment; retry shortly"));
  }
  if (call->forwarded()) {
    return call->respond(unavailable("this node is not the leader either (leader changed); retry"));
  }
  if (call->wants_redirect()) {
    Response response = problem(307, "Temporary Redirect", "node " + std::to_string(leader) + " leads");
    response.headers.emplace_back("Location", "http://" + address->describe() + call->request().target);
    return call->respond(std::move(response));
  }
  http::Request forwarded = call->request();
  forwarded.headers.emplace_back("x-confman-forwarded", std::to_string(call->server.config().id));
  http::send_request(call->server.io(), *address, forwarded, call->server.config().read_wait_timeout_ms,
                     [call](Response response) { call->respond(std::move(response)); });
}

// Maps the core's answer to a write-like request onto HTTP.
bool handle_failure(const std::shared_ptr<Call>& call, const node::ClientResponse& response) {
  switch (response.outcome) {
    case node::Outcome::Ok: return false;
    case node::Outcome::NotLeader: send_to_leader(call, response.leader_hint); return true;
    case node::Outcome::Busy: call->respond(unavailable("the leader is busy: " + response.detail)); return true;
    case node::Outcome::InvalidRequest: call->respond(problem(400, "Bad Request", response.detail)); return true;
    case node::Outcome::Unknown:
      call->respond(problem(504, "Outcome Unknown",
                            "leadership changed before the write was confirmed; it may or may not have taken "
                            "effect. Retry with the same X-Confman-Client-Id and X-Confman-Sequence. " +
                                response.detail));
      return true;
    case node::Outcome::Stopped: call->respond(unavailable("the node has stopped: " + response.detail)); return true;
    case node::Outcome::NoSpace: call->respond(problem(507, "Insufficient Storage", response.detail)); return true;
  }
  return false;
}

// The key (or namespace) after a route prefix; the root namespace if none.
std::string key_of(const std::shared_ptr<Call>& call, std::string_view prefix) {
  std::string key = call->target.path.substr(prefix.size());
  if (key.empty()) key = "/";
  return key;
}

// --- keys ---

void serve_list(const std::shared_ptr<Call>& call, const std::string& prefix) {
  std::size_t limit = kDefaultListLimit;
  if (const std::string* text = call->target.param("limit")) {
    auto parsed = parse_u64(*text);
    if (!parsed || *parsed == 0) return call->respond(problem(400, "Bad Request", "'limit' must be a positive integer"));
    limit = std::min<std::size_t>(*parsed, kv::kMaxListLimit);
  }
  const std::string after = call->target.param("after") ? *call->target.param("after") : std::string();
  const kv::Store& store = call->server.node().store();
  const kv::ListPage page = store.list_prefix(prefix, after, limit);
  json::array items;
  for (const kv::KeyValue& item : page.items) items.push_back(key_json(item, store.revision()));
  json::object body{{"prefix", prefix}, {"revision", store.revision()}, {"keys", std::move(items)}};
  if (page.next_after) body["next"] = *page.next_after;
  call->respond(json_response(200, body));
}

void serve_get_local(const std::shared_ptr<Call>& call, const std::string& key) {
  const kv::Store& store = call->server.node().store();
  if (key.back() == '/') return serve_list(call, key);
  auto item = store.get(key);
  if (!item) return call->respond(problem(404, "Not Found", "no key " + key));
  call->respond(key_response(*item, store.revision()));
}

void serve_get(const std::shared_ptr<Call>& call) {
  const std::string key = key_of(call, kConfigPrefix);
  const bool listing = key.back() == '/';
  auto valid = listing ? kv::validate_prefix(key) : kv::validate_key(key);
  if (!valid) return call->respond(problem(400, "Invalid Key", valid.error().message));
  const std::string consistency = call->target.param("consistency") ? *call->target.param("consistency") : "linearizable";
  if (consistency == "stale") return serve_get_local(call, key);
  if (consistency == "read-your-writes") {
    const std::string* version = call->request().header("x-confman-version");
    const auto revision = version ? parse_u64(*version) : std::optional<std::uint64_t>(0);
    if (!revision) return call->respond(problem(400, "Bad Request", "X-Confman-Version must be a revision number"));
    const std::uint32_t timeout_ms = call->server.config().read_wait_timeout_ms;
    return call->server.when_applied(
        *revision, timeout_ms, [call, key] { serve_get_local(call, key); },
        [call, revision = *revision, timeout_ms] {
          call->respond(problem(504, "Gateway Timeout",
                                "this node had not applied revision " + std::to_string(revision) + " within " +
                                    std::to_string(timeout_ms) + " ms; try another node or later"));
        });
  }
  if (consistency != "linearizable") {
    return call->respond(problem(400, "Bad Request",
                                 "consistency must be linearizable, read-your-writes or stale, not '" + consistency + "'"));
  }
  // A ReadIndex barrier on the leader (§6.4), then a local read.
  node::ClientRequest request;
  request.kind = node::RequestKind::ReadBarrier;
  call->server.submit(request, [call, key](const node::ClientResponse& response) {
    if (handle_failure(call, response)) return;
    serve_get_local(call, key);
  });
}

void submit_write(const std::shared_ptr<Call>& call, kv::Command command) {
  node::ClientRequest request;
  request.kind = node::RequestKind::Write;
  request.write.command = std::move(command);
  const std::string* client_id = call->request().header("x-confman-client-id");
  const std::string* sequence = call->request().header("x-confman-sequence");
  if ((client_id == nullptr) != (sequence == nullptr)) {
    return call->respond(problem(400, "Bad Request", "X-Confman-Client-Id and X-Confman-Sequence go together"));
  }
  if (client_id != nullptr) {
    auto id = parse_u64(*client_id);
    auto seq = parse_u64(*sequence);
    if (!id || !seq || *id == 0 || *seq == 0) {
      return call->respond(problem(400, "Bad Request", "X-Confman-Client-Id and X-Confman-Sequence must be positive integers"));
    }
    request.write.client_id = *id;
    request.write.sequence = *seq;
  }
  const auto received = std::chrono::steady_clock::now();
  call->server.submit(request, [call, received](const node::ClientResponse& response) {
    if (handle_failure(call, response)) {
      if (response.outcome != node::Outcome::NotLeader) call->server.metrics().proposals_failed += 1;
      return;
    }
    call->server.metrics().proposals_committed += 1;
    call->server.metrics().apply_seconds.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - received).count());
    const kv::WriteResult& result = response.write;
    switch (result.status) {
      case kv::Status::Ok: {
        Response ok = json_response(200, result.key_value ? key_json(*result.key_value, result.revision)
                                                          : json::object{{"revision", result.revision}});
        if (result.key_value) ok.headers.emplace_back("ETag", "\"" + std::to_string(result.key_value->mod_revision) + "\"");
        ok.headers.emplace_back("X-Confman-Version", std::to_string(result.revision));
        return call->respond(std::move(ok));
      }
      case kv::Status::NotFound: return call->respond(problem(404, "Not Found", "no such key"));
      case kv::Status::CompareFailed: {
        const std::string current =
            result.key_value ? "its modRevision is " + std::to_string(result.key_value->mod_revision) : "it does not exist";
        return call->respond(problem(412, "Precondition Failed", "the key did not match the precondition: " + current));
      }
      case kv::Status::StaleSequence:
        return call->respond(problem(409, "Conflict", "X-Confman-Sequence is older than this client's last write"));
      case kv::Status::InvalidKey:
      case kv::Status::ValueTooLarge:
      case kv::Status::Malformed: return call->respond(problem(400, "Bad Request", kv::status_name(result.status)));
    }
  });
}

// If-Match / If-None-Match: * turn a put or delete into a compare-and-set.
Result<std::optional<std::uint64_t>, std::string> precondition(const std::shared_ptr<Call>& call) {
  if (const std::string* match = call->request().header("if-match")) {
    auto revision = parse_etag(*match);
    if (!revision) return unexpected(std::string("If-Match must be an ETag (a modRevision such as \"17\")"));
    return std::optional<std::uint64_t>(*revision);
  }
  if (const std::string* none = call->request().header("if-none-match")) {
    if (*none != "*") return unexpected(std::string("If-None-Match supports only *"));
    return std::optional<std::uint64_t>(0);
  }
  return std::optional<std::uint64_t>();
}

void serve_put(const std::shared_ptr<Call>& call) {
  const std::string key = key_of(call, kConfigPrefix);
  if (auto valid = kv::validate_key(key); !valid) return call->respond(problem(400, "Invalid Key", valid.error().message));
  json::error_code error;
  json::value body = json::parse(call->request().body, error);
  if (error) return call->respond(problem(400, "Malformed JSON", "the body is not JSON: " + error.message()));
  if (!body.is_object() || !body.as_object().contains("value")) {
    return call->respond(problem(400, "Bad Request", "the body must be an object {\"value\": <any JSON value>}"));
  }
  std::string value = json::serialize(body.as_object().at("value"));
  if (value.size() > kv::kMaxValueBytes) {
    return call->respond(problem(413, "Payload Too Large",
                                 "the value is " + std::to_string(value.size()) + " bytes; the limit is " +
                                     std::to_string(kv::kMaxValueBytes)));
  }
  auto expected = precondition(call);
  if (!expected) return call->respond(problem(400, "Bad Request", expected.error()));
  kv::Command command{kv::CommandType::Put, key, std::move(value), 0};
  if (*expected) {
    command.type = kv::CommandType::CompareAndSet;
    command.expected_mod_revision = **expected;
  }
  submit_write(call, std::move(command));
}

void serve_delete(const std::shared_ptr<Call>& call) {
  const std::string key = key_of(call, kConfigPrefix);
  if (auto valid = kv::validate_key(key); !valid) return call->respond(problem(400, "Invalid Key", valid.error().message));
  auto expected = precondition(call);
  if (!expected) return call->respond(problem(400, "Bad Request", expected.error()));
  kv::Command command{kv::CommandType::Delete, key, {}, 0};
  if (*expected) {
    command.type = kv::CommandType::CompareAndDelete;
    command.expected_mod_revision = **expected;
  }
  submit_write(call, std::move(command));
}

// --- watches ---

void serve_watch(const std::shared_ptr<Call>& call) {
  std::string key = key_of(call, kWatchPrefix);
  const bool prefix = call->target.param("prefix") && *call->target.param("prefix") == "true";
  if (prefix && key.back() != '/') key += '/';
  auto valid = prefix ? kv::validate_prefix(key) : kv::validate_key(key);
  if (!valid) return call->respond(problem(400, "Invalid Key", valid.error().message));
  std::uint64_t from_revision = 0;
  if (const std::string* last = call->request().header("last-event-id")) {
    auto revision = parse_u64(*last);
    if (!revision) return call->respond(problem(400, "Bad Request", "Last-Event-ID must be a revision number"));
    from_revision = *revision + 1;
  } else if (const std::string* text = call->target.param("revision")) {
    auto revision = parse_u64(*text);
    if (!revision) return call->respond(problem(400, "Bad Request", "'revision' must be a number"));
    from_revision = *revision;
  }
  switch (call->server.watches().add(call->exchange, key, prefix, from_revision,
                                     call->server.node().store().revision())) {
    case WatchHub::Start::Ok: return;
    case WatchHub::Start::Compacted:
      return call->respond(problem(410, "Gone",
                                   "revision " + std::to_string(from_revision) + " is no longer kept; this node keeps "
                                   "events after revision " + std::to_string(call->server.watches().history_floor()) +
                                   ". Read the current state and watch from its revision."));
    case WatchHub::Start::TooMany: return call->respond(unavailable("too many open watches on this node"));
  }
}

// --- cluster ---

void submit_membership(const std::shared_ptr<Call>& call, node::ClientRequest request) {
  call->server.submit(request, [call](const node::ClientResponse& response) {
    if (handle_failure(call, response)) return;
    call->respond(json_response(200, cluster_state(call->server)));
  });
}

void serve_add_member(const std::shared_ptr<Call>& call) {
  json::error_code error;
  json::value body = json::parse(call->request().body, error);
  if (error || !body.is_object()) return call->respond(problem(400, "Malformed JSON", "the body must be a JSON object"));
  const json::object& object = body.as_object();
  const auto* id = object.if_contains("id");
  const auto* peer = object.if_contains("peerUrl");
  const auto* client = object.if_contains("clientUrl");
  if (id == nullptr || !id->is_int64() || id->as_int64() <= 0 || peer == nullptr || !peer->is_string() ||
      client == nullptr || !client->is_string()) {
    return call->respond(problem(400, "Bad Request",
                                 "expected {\"id\": <positive integer>, \"peerUrl\": \"host:port\", \"clientUrl\": "
                                 "\"host:port\", \"learner\": true|false}"));
  }
  for (const auto* url : {peer, client}) {
    if (auto parsed = parse_host_port(std::string(url->as_string())); !parsed) {
      return call->respond(problem(400, "Bad Request", parsed.error()));
    }
  }
  const auto* learner = object.if_contains("learner");
  const bool as_learner = learner == nullptr || (learner->is_bool() && learner->as_bool());
  const NodeId node = static_cast<NodeId>(id->as_int64());
  // First the addresses, so that every member can reach the new one once
  // the membership change commits; then the change itself.
  kv::Command record{kv::CommandType::Put, kMembersKeyPrefix + std::to_string(node),
                     json::serialize(json::object{{"peerUrl", peer->as_string()}, {"clientUrl", client->as_string()}}), 0};
  node::ClientRequest write;
  write.kind = node::RequestKind::Write;
  write.write.command = std::move(record);
  call->server.submit(write, [call, node, as_learner](const node::ClientResponse& response) {
    if (handle_failure(call, response)) return;
    node::ClientRequest change;
    change.kind = node::RequestKind::ConfigChange;
    change.config_change = raft::ConfigChange{as_learner ? raft::ConfigChangeType::AddLearner
                                                         : raft::ConfigChangeType::AddVoter, node};
    submit_membership(call, change);
  });
}

std::optional<NodeId> member_id(std::string_view text) {
  auto id = parse_u64(text);
  if (!id || *id == 0) return std::nullopt;
  return *id;
}

void serve_members(const std::shared_ptr<Call>& call) {
  const std::string& path = call->target.path;
  const std::string& method = call->request().method;
  if (path == kMembersPath) {
    if (method != "POST") return call->respond(problem(405, "Method Not Allowed", "use POST to add a member"));
    return serve_add_member(call);
  }
  std::string_view rest = std::string_view(path).substr(kMembersPath.size() + 1);
  const bool promote = rest.size() > 8 && rest.substr(rest.size() - 8) == "/promote";
  if (promote) rest.remove_suffix(8);
  const auto id = member_id(rest);
  if (!id) return call->respond(problem(404, "Not Found", "no such route: " + path));
  node::ClientRequest change;
  change.kind = node::RequestKind::ConfigChange;
  if (promote && method == "POST") {
    change.config_change = raft::ConfigChange{raft::ConfigChangeType::Promote, *id};
  } else if (!promote && method == "DELETE") {
    change.config_change = raft::ConfigChange{raft::ConfigChangeType::Remove, *id};
  } else {
    return call->respond(problem(405, "Method Not Allowed", method + " is not allowed on " + path));
  }
  submit_membership(call, change);
}

void serve_transfer(const std::shared_ptr<Call>& call) {
  json::error_code error;
  json::value body = json::parse(call->request().body, error);
  const json::value* id = !error && body.is_object() ? body.as_object().if_contains("id") : nullptr;
  if (id == nullptr || !id->is_int64() || id->as_int64() <= 0) {
    return call->respond(problem(400, "Bad Request", "expected {\"id\": <the voter to lead>}"));
  }
  node::ClientRequest request;
  request.kind = node::RequestKind::TransferLeadership;
  request.transfer_target = static_cast<NodeId>(id->as_int64());
  submit_membership(call, request);
}

std::string metrics_text(ConfmanServer& server) {
  const raft::RaftStatus status = server.node().status();
  std::string text;
  auto gauge = [&text](const std::string& name, const std::string& help, std::uint64_t value, const char* type) {
    text += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
            std::to_string(value) + "\n";
  };
  gauge("confman_has_leader", "1 if this node knows a leader", status.leader != kNoNode ? 1 : 0, "gauge");
  gauge("confman_is_leader", "1 if this node leads", status.role == raft::Role::Leader ? 1 : 0, "gauge");
  gauge("confman_term", "current Raft term", status.term, "gauge");
  gauge("confman_commit_index", "highest log index known committed", status.commit, "gauge");
  gauge("confman_applied_index", "highest log index applied to the store", server.node().applied_index(), "gauge");
  gauge("confman_store_revision", "the store's global revision", server.node().store().revision(), "gauge");
  gauge("confman_proposals_committed_total", "client writes committed through this node",
        server.metrics().proposals_committed, "counter");
  gauge("confman_proposals_failed_total", "client writes that failed or whose outcome is unknown",
        server.metrics().proposals_failed, "counter");
  gauge("confman_http_requests_total", "HTTP requests received", server.metrics().http_requests, "counter");
  gauge("confman_watchers", "open watch streams", server.watches().watchers(), "gauge");
  text += server.metrics().fsync_seconds.render("confman_fsync_duration_seconds", "durable storage write latency");
  text += server.metrics().apply_seconds.render("confman_apply_duration_seconds",
                                                "client write latency, received to applied");
  return text;
}

void route(const std::shared_ptr<Call>& call) {
  const std::string& path = call->target.path;
  const std::string& method = call->request().method;
  auto starts_with = [&path](std::string_view prefix) {
    return path.size() >= prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
           (path.size() == prefix.size() || path[prefix.size()] == '/');
  };
  if (path == "/health") return call->respond(json_response(200, json::object{{"status", "ok"}}));
  if (path == "/health/ready") {
    const NodeId leader = call->server.node().status().leader;
    if (leader == kNoNode) return call->respond(unavailable("no leader is known: the cluster has no quorum here"));
    return call->respond(json_response(200, json::object{{"status", "ready"}, {"leader", leader}}));
  }
  if (path == "/metrics") {
    return call->respond(Response{200, "text/plain; version=0.0.4", {}, metrics_text(call->server)});
  }
  if (starts_with(kConfigPrefix)) {
    if (method == "GET") return serve_get(call);
    if (method == "PUT") return serve_put(call);
    if (method == "DELETE") return serve_delete(call);
    Response response = problem(405, "Method Not Allowed", method + " is not allowed on keys");
    response.headers.emplace_back("Allow", "GET, PUT, DELETE");
    return call->respond(std::move(response));
  }
  if (starts_with(kWatchPrefix) && method == "GET") return serve_watch(call);
  if (path == "/api/v1/cluster" && method == "GET") {
    // The leader's view unless the local one is asked for: a follower may be
    // behind, and a removed node never hears of its removal.
    const raft::RaftStatus status = call->server.node().status();
    const bool local = call->target.param("local") && *call->target.param("local") == "true";
    if (!local && status.role != raft::Role::Leader && status.leader != kNoNode && !call->forwarded()) {
      return send_to_leader(call, status.leader);
    }
    return call->respond(json_response(200, cluster_state(call->server)));
  }
  if (path == "/api/v1/cluster/watch" && method == "GET") {
    return call->server.watches().add_cluster_watcher(call->exchange, cluster_state_json(call->server));
  }
  if (path == "/api/v1/cluster/leader" && method == "POST") return serve_transfer(call);
  if (starts_with(kMembersPath)) return serve_members(call);
  call->respond(problem(404, "Not Found", "no such route: " + method + " " + path));
}

}  // namespace

namespace {

json::object cluster_state(const ConfmanServer& server) {
  const node::Node& node = server.node();
  const raft::RaftStatus status = node.status();
  json::array members;
  auto add = [&](NodeId id, const char* role) {
    json::object member{{"id", id}, {"role", role}};
    if (const HostPort* peer = server.peer_address(id)) member["peerUrl"] = peer->describe();
    if (const HostPort* client = server.client_address(id)) member["clientUrl"] = client->describe();
    members.push_back(std::move(member));
  };
  for (NodeId id : node.membership().voters) add(id, "voter");
  for (NodeId id : node.membership().learners) add(id, "learner");
  json::object state{{"id", status.id},
                     {"role", raft::role_name(status.role)},
                     {"leader", status.leader},
                     {"term", status.term},
                     {"commitIndex", status.commit},
                     {"appliedIndex", node.applied_index()},
                     {"revision", node.store().revision()},
                     {"members", std::move(members)},
                     {"membershipIndex", node.raft().membership_index()}};
  return state;
}

}  // namespace

std::string cluster_state_json(const ConfmanServer& server) { return json::serialize(cluster_state(server)); }

http::Handler make_api_handler(ConfmanServer& server) {
  return [&server](std::shared_ptr<Exchange> exchange) {
    server.metrics().http_requests += 1;
    auto target = http::parse_target(exchange->request().target);
    if (!target) {
      exchange->respond(problem(400, "Bad Request", "request target: " + target.error()));
      return;
    }
    route(std::make_shared<Call>(Call{server, std::move(exchange), std::move(target).value()}));
  };
}

}  // namespace confman::real
