#include "real/server/server_api.h"

#include <boost/json.hpp>

#include <charconv>

#include "core/kv/key.h"
#include "core/kv/limits.h"
#include "real/http/http_client.h"
#include "real/http/problems.h"
#include "real/http/url.h"
#include "real/server/member_record.h"
#include "real/server/server.h"

namespace confman::real {

namespace json = boost::json;
using http::Exchange;
using http::problem;
using http::Problem;
using http::Response;

namespace {

constexpr std::string_view kConfigPrefix = "/api/v1/config";
constexpr std::string_view kWatchPrefix = "/api/v1/watch";
constexpr std::string_view kMembersPath = "/api/v1/cluster/members";
constexpr std::size_t kDefaultListLimit = 100;

// Members, leader, term and indexes as this node sees them (defined below).
json::object cluster_state(const ConfmanServer& server);
json::object cluster_state(const ConfmanServer& server, const service::ClusterState& view);

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

// The request layer wants this request served by the leader: pass the HTTP
// request on as it came, marked as forwarded (a leader that moved answers
// 503 rather than forwarding again).
void forward_to_leader(const std::shared_ptr<Call>& call, std::uint64_t request_id, NodeId leader) {
  const HostPort* address = call->server.client_address(leader);
  if (address == nullptr) {
    const http::ForwardReply unknown{.kind = http::ForwardReply::Kind::NotSent,
                                     .detail = "node " + std::to_string(leader) + " leads, but its address is not known here"};
    return call->server.forward_ended(request_id, leader, unknown, [] {});
  }
  http::Request forwarded = call->request();
  forwarded.headers.emplace_back("x-confman-forwarded", std::to_string(call->server.config().id));
  // The request layer's own forward timeout decides first; this one only
  // keeps a connection from outliving it.
  const std::uint32_t timeout_ms = call->server.config().read_wait_timeout_ms + 1000;
  http::send_request(call->server.io(), *address, forwarded, timeout_ms,
                     [call, request_id, leader](const http::ForwardReply& reply) {
                       call->server.forward_ended(request_id, leader, reply, [call, &reply] { call->respond(reply.response); });
                     });
}

Response redirect(const std::shared_ptr<Call>& call, const service::Response& response) {
  const HostPort* address = call->server.client_address(response.leader);
  if (address == nullptr) return problem(Problem::NoLeader, response.detail + ", but its address is not known here");
  Response moved = problem(Problem::Redirect, response.detail);
  moved.headers.emplace_back("Location", "http://" + address->describe() + call->request().target);
  return moved;
}

// Every answer of the request layer but Ok, as HTTP (problems.h).
Response failure(const std::shared_ptr<Call>& call, const service::Response& response) {
  using service::Code;
  switch (response.code) {
    case Code::Ok: break;
    case Code::NotFound: return problem(Problem::NotFound, response.detail);
    case Code::PreconditionFailed:
      return problem(Problem::PreconditionFailed, "the key did not match the precondition: " + response.detail);
    case Code::StaleSequence: return problem(Problem::StaleSequence, response.detail);
    case Code::Invalid: return problem(Problem::InvalidRequest, response.detail);
    case Code::InvalidKey: return problem(Problem::InvalidKey, response.detail);
    case Code::TooLarge: return problem(Problem::ValueTooLarge, response.detail);
    case Code::Reserved: return problem(Problem::ReservedNamespace, response.detail);
    case Code::Redirect: return redirect(call, response);
    case Code::NoLeader: return problem(Problem::NoLeader, response.detail);
    case Code::Busy: return problem(Problem::Busy, response.detail);
    case Code::Unreachable: return problem(Problem::LeaderUnreachable, response.detail);
    case Code::Unknown: return problem(Problem::OutcomeUnknown, response.detail);
    case Code::Stopped: return problem(Problem::NodeStopped, response.detail);
    case Code::NoSpace: return problem(Problem::NoSpace, response.detail);
    case Code::Timeout: return problem(Problem::RevisionWaitTimeout, response.detail);
    case Code::Compacted: {
      Response gone = problem(Problem::Compacted, response.detail);
      gone.headers.emplace_back("X-Confman-Compacted-Revision", std::to_string(response.compacted_revision));
      return gone;
    }
    case Code::TooManyWatches: return problem(Problem::TooManyWatches, response.detail);
  }
  return problem(Problem::Internal, "an answer with no mapping");
}

// Hands the request to the request layer with this call's routing headers.
void submit(const std::shared_ptr<Call>& call, service::Request request,
            std::function<void(const service::Response&)> on_ok) {
  request.forwarded = call->forwarded();
  request.redirect = call->wants_redirect();
  const bool write = request.operation == service::Operation::Put || request.operation == service::Operation::Delete;
  call->server.submit(
      std::move(request),
      [call, write, on_ok = std::move(on_ok)](const service::Response& response) {
        if (response.code == service::Code::Ok) return on_ok(response);
        if (write) call->server.metrics().proposals_failed += 1;
        call->respond(failure(call, response));
      },
      [call](NodeId leader, std::uint64_t request_id) { forward_to_leader(call, request_id, leader); });
}

// The key (or namespace) after a route prefix; the root namespace if none.
std::string key_of(const std::shared_ptr<Call>& call, std::string_view prefix) {
  std::string key = call->target.path.substr(prefix.size());
  if (key.empty()) key = "/";
  return key;
}

// --- keys ---

Response list_response(const service::Request& request, const service::Response& response) {
  json::array items;
  for (const kv::KeyValue& item : response.items) items.push_back(key_json(item, response.revision));
  json::object body{{"prefix", request.key}, {"revision", response.revision}, {"keys", std::move(items)}};
  if (response.next_after) body["next"] = *response.next_after;
  Response listed = json_response(200, body);
  listed.headers.emplace_back("X-Confman-Version", std::to_string(response.revision));
  return listed;
}

Result<service::Consistency, std::string> consistency_of(const std::shared_ptr<Call>& call) {
  const std::string* text = call->target.param("consistency");
  if (text == nullptr || *text == "linearizable") return service::Consistency::Linearizable;
  if (*text == "read-your-writes") return service::Consistency::ReadYourWrites;
  if (*text == "stale") return service::Consistency::Stale;
  return unexpected("consistency must be linearizable, read-your-writes or stale, not '" + *text + "'");
}

void serve_get(const std::shared_ptr<Call>& call) {
  service::Request request;
  request.key = key_of(call, kConfigPrefix);
  const bool listing = request.key.back() == '/';
  request.operation = listing ? service::Operation::List : service::Operation::Get;
  auto consistency = consistency_of(call);
  if (!consistency) return call->respond(problem(Problem::InvalidRequest, consistency.error()));
  request.consistency = *consistency;
  if (request.consistency == service::Consistency::ReadYourWrites) {
    const std::string* version = call->request().header("x-confman-version");
    const auto revision = version ? parse_u64(*version) : std::optional<std::uint64_t>(0);
    if (!revision) return call->respond(problem(Problem::InvalidRequest, "X-Confman-Version must be a revision number"));
    request.min_revision = *revision;
  }
  if (listing) {
    if (const std::string* text = call->target.param("limit")) {
      auto parsed = parse_u64(*text);
      if (!parsed || *parsed == 0) return call->respond(problem(Problem::InvalidRequest, "'limit' must be a positive integer"));
      request.list_limit = std::min<std::size_t>(*parsed, kv::kMaxListLimit);
    } else {
      request.list_limit = kDefaultListLimit;
    }
    if (const std::string* after = call->target.param("after")) request.list_after = *after;
  }
  submit(call, request, [call, request](const service::Response& response) {
    if (request.operation == service::Operation::List) return call->respond(list_response(request, response));
    call->respond(key_response(*response.key_value, response.revision));
  });
}

Result<Done, std::string> read_session(const std::shared_ptr<Call>& call, service::Request& request) {
  const std::string* client_id = call->request().header("x-confman-client-id");
  const std::string* sequence = call->request().header("x-confman-sequence");
  if ((client_id == nullptr) != (sequence == nullptr)) {
    return unexpected(std::string("X-Confman-Client-Id and X-Confman-Sequence go together"));
  }
  if (client_id == nullptr) return Done{};
  auto id = parse_u64(*client_id);
  auto seq = parse_u64(*sequence);
  if (!id || !seq || *id == 0 || *seq == 0) {
    return unexpected(std::string("X-Confman-Client-Id and X-Confman-Sequence must be positive integers"));
  }
  request.client_id = *id;
  request.sequence = *seq;
  return Done{};
}

// If-Match / If-None-Match: * turn a put or delete into a compare-and-set.
Result<Done, std::string> read_precondition(const std::shared_ptr<Call>& call, service::Request& request) {
  if (const std::string* match = call->request().header("if-match")) {
    auto revision = parse_etag(*match);
    if (!revision) return unexpected(std::string("If-Match must be an ETag (a modRevision such as \"17\")"));
    request.if_mod_revision = *revision;
  } else if (const std::string* none = call->request().header("if-none-match")) {
    if (*none != "*") return unexpected(std::string("If-None-Match supports only *"));
    request.if_mod_revision = 0;
  }
  return Done{};
}

void submit_write(const std::shared_ptr<Call>& call, service::Request request) {
  if (auto session = read_session(call, request); !session) return call->respond(problem(Problem::InvalidRequest, session.error()));
  if (auto condition = read_precondition(call, request); !condition) {
    return call->respond(problem(Problem::InvalidRequest, condition.error()));
  }
  const auto received = std::chrono::steady_clock::now();
  submit(call, std::move(request), [call, received](const service::Response& response) {
    call->server.metrics().proposals_committed += 1;
    call->server.metrics().apply_seconds.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - received).count());
    Response ok = json_response(200, response.key_value ? key_json(*response.key_value, response.revision)
                                                        : json::object{{"revision", response.revision}});
    if (response.key_value) ok.headers.emplace_back("ETag", "\"" + std::to_string(response.key_value->mod_revision) + "\"");
    ok.headers.emplace_back("X-Confman-Version", std::to_string(response.revision));
    call->respond(std::move(ok));
  });
}

void serve_put(const std::shared_ptr<Call>& call) {
  json::error_code error;
  json::value body = json::parse(call->request().body, error);
  if (error) return call->respond(problem(Problem::MalformedJson, "the body is not JSON: " + error.message()));
  if (!body.is_object() || !body.as_object().contains("value")) {
    return call->respond(problem(Problem::InvalidRequest, "the body must be an object {\"value\": <any JSON value>}"));
  }
  service::Request request;
  request.operation = service::Operation::Put;
  request.key = key_of(call, kConfigPrefix);
  request.value = json::serialize(body.as_object().at("value"));
  submit_write(call, std::move(request));
}

void serve_delete(const std::shared_ptr<Call>& call) {
  service::Request request;
  request.operation = service::Operation::Delete;
  request.key = key_of(call, kConfigPrefix);
  submit_write(call, std::move(request));
}

// --- watches ---

void serve_watch(const std::shared_ptr<Call>& call) {
  service::Request request;
  request.operation = service::Operation::Watch;
  request.key = key_of(call, kWatchPrefix);
  request.watch_prefix = call->target.param("prefix") && *call->target.param("prefix") == "true";
  if (request.watch_prefix && request.key.back() != '/') request.key += '/';
  if (const std::string* last = call->request().header("last-event-id")) {
    auto revision = parse_u64(*last);
    if (!revision) return call->respond(problem(Problem::InvalidRequest, "Last-Event-ID must be a revision number"));
    // Resuming after revision R starts at R + 1, which must not overflow.
    if (*revision >= kv::kMaxClientRevision) {
      return call->respond(problem(Problem::InvalidRequest,
                                   "Last-Event-ID " + *last + " is at or above 2^63: no revision follows it that a client may name"));
    }
    request.from_revision = *revision + 1;
  } else if (const std::string* text = call->target.param("revision")) {
    auto revision = parse_u64(*text);
    if (!revision) return call->respond(problem(Problem::InvalidRequest, "'revision' must be a number"));
    request.from_revision = *revision;
  }
  // A watch is served by whichever node the client reached: never forwarded.
  const bool from_now = request.from_revision == 0;
  call->server.submit(
      request,
      [call, from_now](const service::Response& response) {
        if (response.code != service::Code::Ok) return call->respond(failure(call, response));
        call->server.open_watch_stream(response.id, call->exchange,
                                       from_now ? std::optional<std::uint64_t>(response.revision) : std::nullopt);
      },
      [call](NodeId, std::uint64_t) { call->respond(problem(Problem::Internal, "a watch was routed to the leader")); });
}

// --- cluster ---

void submit_membership(const std::shared_ptr<Call>& call, service::Request request) {
  submit(call, std::move(request),
         [call](const service::Response&) { call->respond(json_response(200, cluster_state(call->server))); });
}

void serve_add_member(const std::shared_ptr<Call>& call) {
  json::error_code error;
  json::value body = json::parse(call->request().body, error);
  if (error || !body.is_object()) return call->respond(problem(Problem::MalformedJson, "the body must be a JSON object"));
  const json::object& object = body.as_object();
  const auto* id = object.if_contains("id");
  const auto* peer = object.if_contains("peerUrl");
  const auto* client = object.if_contains("clientUrl");
  if (id == nullptr || !id->is_int64() || id->as_int64() <= 0 || peer == nullptr || !peer->is_string() ||
      client == nullptr || !client->is_string()) {
    return call->respond(problem(Problem::InvalidRequest,
                                 "expected {\"id\": <positive integer>, \"peerUrl\": \"host:port\", \"clientUrl\": "
                                 "\"host:port\", \"learner\": true|false}"));
  }
  auto peer_address = parse_host_port(std::string(peer->as_string()));
  if (!peer_address) return call->respond(problem(Problem::InvalidRequest, "peerUrl: " + peer_address.error()));
  auto client_address = parse_host_port(std::string(client->as_string()));
  if (!client_address) return call->respond(problem(Problem::InvalidRequest, "clientUrl: " + client_address.error()));
  const auto* learner = object.if_contains("learner");
  // One replicated command: the membership change carries the addresses.
  service::Request request;
  request.operation = service::Operation::AddMember;
  request.member = static_cast<NodeId>(id->as_int64());
  request.as_learner = learner == nullptr || (learner->is_bool() && learner->as_bool());
  request.member_record = encode_member_record(*peer_address, *client_address);
  submit_membership(call, std::move(request));
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
    if (method != "POST") return call->respond(problem(Problem::MethodNotAllowed, "use POST to add a member"));
    return serve_add_member(call);
  }
  std::string_view rest = std::string_view(path).substr(kMembersPath.size() + 1);
  const bool promote = rest.size() > 8 && rest.substr(rest.size() - 8) == "/promote";
  if (promote) rest.remove_suffix(8);
  const auto id = member_id(rest);
  if (!id) return call->respond(problem(Problem::RouteNotFound, "no such route: " + path));
  service::Request request;
  request.member = *id;
  if (promote && method == "POST") {
    request.operation = service::Operation::PromoteMember;
  } else if (!promote && method == "DELETE") {
    request.operation = service::Operation::RemoveMember;
  } else {
    return call->respond(problem(Problem::MethodNotAllowed, method + " is not allowed on " + path));
  }
  submit_membership(call, std::move(request));
}

void serve_transfer(const std::shared_ptr<Call>& call) {
  json::error_code error;
  json::value body = json::parse(call->request().body, error);
  const json::value* id = !error && body.is_object() ? body.as_object().if_contains("id") : nullptr;
  if (id == nullptr || !id->is_int64() || id->as_int64() <= 0) {
    return call->respond(problem(Problem::InvalidRequest, "expected {\"id\": <the voter to lead>}"));
  }
  service::Request request;
  request.operation = service::Operation::TransferLeader;
  request.member = static_cast<NodeId>(id->as_int64());
  submit_membership(call, std::move(request));
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
  gauge("confman_watchers", "open watch streams (key watches and cluster watches)",
        server.watch_streams().key_watches() + server.watch_streams().cluster_watches(), "gauge");
  gauge("confman_requests_pending", "client requests the request layer holds (in flight or waiting for a revision)",
        server.service().pending_requests(), "gauge");
  gauge("confman_requests_pending_bytes", "bytes of the client requests the request layer holds",
        server.service().pending_bytes(), "gauge");
  gauge("confman_requests_pending_bytes_limit", "the bound on confman_requests_pending_bytes (beyond it: 503)",
        server.service().config().max_pending_bytes, "gauge");
  gauge("confman_watch_history_bytes", "bytes of the replicated watch history (event log) on this node",
        server.node().store().events().bytes(), "gauge");
  gauge("confman_watch_history_bytes_limit", "the bound on confman_watch_history_bytes",
        server.node().store().events().max_bytes(), "gauge");
  gauge("confman_watch_history_compacted_revision", "watches must start above this revision (410 otherwise)",
        server.node().store().events().compacted_revision(), "gauge");
  gauge("confman_storage_full", "1 while this node's storage refuses writes (disk full, or the map at its ceiling)",
        server.node().disk_full() ? 1 : 0, "gauge");
  if (const auto usage = server.map_usage()) {
    gauge("confman_storage_map_bytes", "the LMDB map's size now (it grows on demand)", usage->map_bytes, "gauge");
    gauge("confman_storage_map_ceiling_bytes", "the most the LMDB map may grow to (--lmdb-map-size-mb)",
          usage->map_ceiling_bytes, "gauge");
  }
  const http::ServerStats connections = server.http_stats();
  gauge("confman_http_connections", "client connections open", connections.open_connections, "gauge");
  gauge("confman_http_connections_limit", "the bound on confman_http_connections (fits the descriptor limit)",
        server.http_limits().max_connections, "gauge");
  gauge("confman_http_connections_reserved", "of the limit, kept for health checks and forwarding between members",
        server.http_limits().reserved_connections, "gauge");
  gauge("confman_http_connections_per_address_limit", "client connections from one address before it is limited",
        server.http_limits().max_connections_per_address, "gauge");
  gauge("confman_http_connections_refused_total", "connections closed on accept: the limit was reached",
        connections.connections_refused_total, "counter");
  gauge("confman_http_limited_requests_refused_total",
        "requests answered 503 on a reserved or per-address-limited connection",
        connections.limited_requests_refused_total, "counter");
  gauge("confman_http_idle_closed_total", "connections closed after the idle timeout without a request",
        connections.idle_closed_total, "counter");
  gauge("confman_accepts_exhausted_total", "accepts that found no file descriptor (client and peer ports)",
        connections.accept_exhausted_total + server.transport_stats().accepts_exhausted, "counter");
  gauge("confman_peer_inbound_evicted_total", "inbound peer connections closed to stay within the cap",
        server.transport_stats().inbound_evicted, "counter");
  gauge("confman_peer_inbound_idle_closed_total", "inbound peer connections closed after 5 minutes without a frame",
        server.transport_stats().inbound_idle_closed, "counter");
  gauge("confman_peer_inbound_frame_timeouts_total",
        "inbound peer connections closed: a frame did not arrive whole within 10 s of its length",
        server.transport_stats().inbound_frame_timeouts, "counter");
  // Peer messages no honest peer sends, dropped (core/raft/refused_message.h).
  text += "# HELP confman_peer_messages_refused_total peer messages dropped as impossible from an honest peer\n"
          "# TYPE confman_peer_messages_refused_total counter\n";
  const raft::RefusedCounts& refused = server.node().raft().refused_messages();
  for (std::size_t kind = 0; kind < refused.size(); ++kind) {
    text += std::string("confman_peer_messages_refused_total{reason=\"") +
            raft::refused_message_name(static_cast<raft::RefusedMessage>(kind)) + "\"} " +
            std::to_string(refused[kind]) + "\n";
  }
  gauge("confman_peer_messages_corrupt_total", "peer frames dropped: bad checksum or malformed",
        server.node().messages_dropped_corrupt(), "counter");
  gauge("confman_recovering", "1 while a repaired node re-fetches its log and may not vote",
        server.node().status().recovering ? 1 : 0, "gauge");
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
  if (path == "/health") {
    // recovering: a repair cut this node's log; it does not vote until it
    // holds the leader's log again (docs/DESIGN.md, "Storage faults").
    return call->respond(json_response(
        200, json::object{{"status", "ok"}, {"recovering", call->server.node().status().recovering}}));
  }
  if (path == "/health/ready") {
    if (call->server.node().disk_full()) {
      const auto usage = call->server.map_usage();
      return call->respond(problem(
          Problem::NoSpace, "this node cannot store writes: " +
                                (usage && usage->map_bytes >= usage->map_ceiling_bytes
                                     ? "its data file reached the ceiling of " +
                                           std::to_string(usage->map_ceiling_bytes >> 20) +
                                           " MiB (raise --lmdb-map-size-mb, or free space by deleting keys)"
                                     : std::string("the disk is full")) +
                                "; it retries every second"));
    }
    const NodeId leader = call->server.node().status().leader;
    if (leader == kNoNode) return call->respond(problem(Problem::NoLeader, "no leader is known: the cluster has no quorum here"));
    return call->respond(json_response(200, json::object{{"status", "ready"}, {"leader", leader}}));
  }
  if (path == "/metrics") {
    return call->respond(Response{200, "text/plain; version=0.0.4", {}, metrics_text(call->server)});
  }
  if (starts_with(kConfigPrefix)) {
    if (method == "GET") return serve_get(call);
    if (method == "PUT") return serve_put(call);
    if (method == "DELETE") return serve_delete(call);
    Response response = problem(Problem::MethodNotAllowed, method + " is not allowed on keys");
    response.headers.emplace_back("Allow", "GET, PUT, DELETE");
    return call->respond(std::move(response));
  }
  if (starts_with(kWatchPrefix) && method == "GET") return serve_watch(call);
  if (path == "/api/v1/cluster" && method == "GET") {
    const bool local = call->target.param("local") && *call->target.param("local") == "true";
    service::Request request{.operation = service::Operation::ClusterStatus};
    request.consistency = local ? service::Consistency::Stale : service::Consistency::Linearizable;
    return submit(call, request, [call](const service::Response& response) {
      call->respond(json_response(200, cluster_state(call->server, *response.cluster)));
    });
  }
  if (path == "/api/v1/cluster/watch" && method == "GET") {
    // Served by this node (its own view, as the request layer reports it).
    return call->server.submit(
        service::Request{.operation = service::Operation::WatchCluster},
        [call](const service::Response& response) {
          if (response.code != service::Code::Ok) return call->respond(failure(call, response));
          call->server.watch_streams().open_cluster(response.id, call->exchange);
        },
        [call](NodeId, std::uint64_t) { call->respond(problem(Problem::Internal, "a watch was routed to the leader")); });
  }
  if (path == "/api/v1/cluster/leader" && method == "POST") return serve_transfer(call);
  if (starts_with(kMembersPath)) return serve_members(call);
  call->respond(problem(Problem::RouteNotFound, "no such route: " + method + " " + path));
}

}  // namespace

namespace {

json::object cluster_state(const ConfmanServer& server, const service::ClusterState& view) {
  json::array members;
  auto add = [&](NodeId id, const char* role) {
    json::object member{{"id", id}, {"role", role}};
    if (const HostPort* peer = server.peer_address(id)) member["peerUrl"] = peer->describe();
    if (const HostPort* client = server.client_address(id)) member["clientUrl"] = client->describe();
    members.push_back(std::move(member));
  };
  for (NodeId id : view.membership.voters) add(id, "voter");
  for (NodeId id : view.membership.learners) add(id, "learner");
  json::object state{{"id", view.node},
                     {"role", raft::role_name(view.role)},
                     {"leader", view.leader},
                     {"term", view.term},
                     {"commitIndex", view.commit},
                     {"appliedIndex", view.applied},
                     {"revision", view.revision},
                     {"members", std::move(members)},
                     {"membershipIndex", view.membership_index},
                     {"membershipCommitted", view.membership_committed}};
  return state;
}

json::object cluster_state(const ConfmanServer& server) { return cluster_state(server, server.service().cluster_state()); }

}  // namespace

std::string cluster_state_json(const ConfmanServer& server, const service::ClusterState& view) {
  return json::serialize(cluster_state(server, view));
}

bool is_priority_request(const http::Request& request) {
  const std::string_view target = request.target;
  const bool health = target == "/health" || target.starts_with("/health/") || target.starts_with("/health?");
  return health || target == "/metrics" || request.header("x-confman-forwarded") != nullptr;
}

http::Handler make_api_handler(ConfmanServer& server) {
  return [&server](std::shared_ptr<Exchange> exchange) {
    server.metrics().http_requests += 1;
    auto target = http::parse_target(exchange->request().target);
    if (!target) {
      exchange->respond(problem(Problem::InvalidRequest, "request target: " + target.error()));
      return;
    }
    route(std::make_shared<Call>(Call{server, std::move(exchange), std::move(target).value()}));
  };
}

}  // namespace confman::real
