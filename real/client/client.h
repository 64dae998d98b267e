#pragma once
// The C++ client library of Confman's HTTP/JSON API (real/server/server_api.h).
// Blocking calls, one at a time per Client (use one Client per thread).
//
// Leader discovery: requests go to the endpoint that answered last; on a
// connection error, a timeout or 503 the client moves on to the next
// endpoint and retries, up to Options::max_attempts, with a short backoff.
// (Any node forwards writes and linearizable reads to the leader, so the
// client needs no leader knowledge to be correct; following 307s is
// supported too.)
//
// Exactly-once writes: every write carries this client's id and the next
// sequence number (X-Confman-Client-Id / X-Confman-Sequence); a retry of the
// same write reuses them, so the cluster applies it at most once and answers
// a retry with the original result (Raft dissertation §6.3).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/util/result.h"

namespace confman::client {

struct Options {
  std::vector<std::string> endpoints{"127.0.0.1:8001"};  // host:port of any members
  std::uint32_t request_timeout_ms = 5000;               // one HTTP exchange
  std::uint32_t max_attempts = 20;                       // per call, across endpoints
  std::uint32_t retry_backoff_ms = 100;                  // between attempts, doubling, capped at 1 s
  // 0: drawn at random (the usual choice). A fixed id must belong to one
  // Client at a time: sequences restart at 1 in a new Client, and the
  // cluster answers a sequence it has seen with its old result (or 409).
  std::uint64_t client_id = 0;
};

struct Error {
  unsigned status = 0;        // the HTTP status; 0 when no node could be reached
  std::string title;          // problem+json title
  std::string detail;         // problem+json detail, or the transport error
  // The write may or may not have taken effect (every attempt timed out or
  // was answered 504 "Outcome Unknown").
  bool outcome_unknown = false;
  std::string describe() const;
};

template <typename T>
using ClientResult = Result<T, Error>;

struct KeyValue {
  std::string key;
  std::string value_json;  // the JSON value as stored, serialized
  std::uint64_t revision = 0;         // the store's revision when read or written
  std::uint64_t create_revision = 0;
  std::uint64_t mod_revision = 0;
  std::uint64_t version = 0;
};

struct ListPage {
  std::vector<KeyValue> keys;
  std::optional<std::string> next;  // cursor for the next page
  std::uint64_t revision = 0;
};

struct Member {
  std::uint64_t id = 0;
  std::string role;  // "voter" or "learner"
  std::string peer_url;
  std::string client_url;
};

struct ClusterState {
  std::uint64_t id = 0;  // the node that answered
  std::string role;
  std::uint64_t leader = 0;
  std::uint64_t term = 0;
  std::uint64_t commit_index = 0;
  std::uint64_t applied_index = 0;
  std::uint64_t revision = 0;
  std::vector<Member> members;
};

struct WatchEvent {
  std::string type;  // "put" or "delete"
  KeyValue key_value;
};

enum class Consistency { Linearizable, ReadYourWrites, Stale };

struct PutOptions {
  std::optional<std::uint64_t> if_mod_revision;  // If-Match: only if the key's modRevision is this
  bool create_only = false;                      // If-None-Match: *
};

class Client {
 public:
  explicit Client(Options options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // value_json must be a JSON text ("42", "\"text\"", "{\"a\":1}").
  ClientResult<KeyValue> put(const std::string& key, const std::string& value_json, PutOptions options = {});
  // nullopt: no such key. ReadYourWrites waits until the node has applied
  // the highest revision this client has seen.
  ClientResult<std::optional<KeyValue>> get(const std::string& key, Consistency consistency = Consistency::Linearizable);
  // Returns the revision of the delete; Error 404 if there was no such key.
  ClientResult<std::uint64_t> remove(const std::string& key, std::optional<std::uint64_t> if_mod_revision = {});
  // prefix ends in '/'; after: the cursor of the previous page ("" to start).
  ClientResult<ListPage> list(const std::string& prefix, const std::string& after = "", std::size_t limit = 100);

  // The leader's view (a follower forwards the call), or with
  // this_node_only the view of the node that answers (?local=true): its own
  // role, leader, applied index and revision.
  ClientResult<ClusterState> cluster(bool this_node_only = false);
  ClientResult<ClusterState> add_member(std::uint64_t id, const std::string& peer_url, const std::string& client_url,
                                        bool learner = true);
  ClientResult<ClusterState> promote_member(std::uint64_t id);
  ClientResult<ClusterState> remove_member(std::uint64_t id);
  ClientResult<ClusterState> transfer_leadership(std::uint64_t id);

  // Streams events of `key` (or every key under it, if prefix) from
  // from_revision (0: from now), calling on_event until it returns false.
  // After a disconnect it resumes from the last event seen, on any endpoint.
  // Returns an error if it cannot resume (e.g. 410: the revision is no
  // longer kept).
  ClientResult<Done> watch(const std::string& key, bool prefix, std::uint64_t from_revision,
                           const std::function<bool(const WatchEvent&)>& on_event);

  std::uint64_t client_id() const { return client_id_; }
  std::uint64_t highest_revision_seen() const { return highest_revision_; }
  const std::string& current_endpoint() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::uint64_t client_id_ = 0;
  std::uint64_t next_sequence_ = 1;
  std::uint64_t highest_revision_ = 0;
};

}  // namespace confman::client
