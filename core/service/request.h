#pragma once
// What the request layer (service.h) takes and gives: decoded client
// requests, their answers, and the effects it asks of its embedding
// (forward a request to the leader, deliver watch events). The real server
// maps HTTP onto these types (real/server/server_api.cpp); the simulator's
// clients build them directly (sim/workload.cpp). Neither decides anything a
// client sees: that is the service's job, so the simulator runs it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/kv/command.h"
#include "core/kv/event_log.h"
#include "core/raft/membership.h"
#include "core/raft/raft.h"
#include "core/types.h"

namespace confman::service {

enum class Operation : std::uint8_t {
  Get,             // key
  List,            // the keys under prefix (a namespace ending in '/'), a page at a time
  Put,             // key, value; if_mod_revision makes it a compare-and-set
  Delete,          // key; if_mod_revision makes it a compare-and-delete
  Watch,           // key, or every key under prefix, from from_revision; events follow
  AddMember,       // member, as_learner, member_record
  PromoteMember,   // member
  RemoveMember,    // member
  TransferLeader,  // member: the voter to lead
  WatchCluster,    // the node's view of the cluster now, then at every change of it
  ClusterStatus,   // a view of the cluster: the leader's (Linearizable: forwarded there) or this node's (Stale)
};
const char* operation_name(Operation operation);
// Whether the operation may change the replicated state (writes, membership
// changes, leadership transfers) rather than only read it.
bool changes_state(Operation operation);

enum class Consistency : std::uint8_t {
  Linearizable,    // a ReadIndex barrier on the leader (Raft §6.4), then a local read
  ReadYourWrites,  // this node's state once it has applied min_revision (waits up to wait_timeout_us)
  Stale,           // this node's state as it is
};
const char* consistency_name(Consistency consistency);

struct Request {
  std::uint64_t id = 0;  // chosen by the embedding, unique among its open requests and watches
  Operation operation = Operation::Get;
  std::string key{};     // Get, Put, Delete, Watch (a key, or a namespace with watch_prefix)
  std::string value{};   // Put
  // Put / Delete: only if the key's mod revision is this (0: only if absent).
  std::optional<std::uint64_t> if_mod_revision{};
  // Put / Delete: the client session (dissertation §6.3); 0, 0 for none.
  std::uint64_t client_id = 0;
  std::uint64_t sequence = 0;
  // Get / List
  Consistency consistency = Consistency::Linearizable;
  std::uint64_t min_revision = 0;   // ReadYourWrites: the revision the client has seen
  TimeUs wait_timeout_us = 0;       // ReadYourWrites: 0 takes ServiceConfig::read_wait_timeout_us
  std::string list_after{};           // List: keys after this one (the previous page's next_after)
  std::size_t list_limit = 100;     // List: at most this many keys
  // Watch
  bool watch_prefix = false;        // key is a namespace ("/app/"): every key under it
  std::uint64_t from_revision = 0;  // events with revision >= this; 0: from the next write on
  // AddMember / PromoteMember / RemoveMember / TransferLeader
  NodeId member = kNoNode;
  bool as_learner = true;           // AddMember
  std::string member_record{};        // AddMember: the member's addresses (opaque, kv::kMaxMemberRecordBytes)
  // Routing. A request that needs the leader and reaches a follower is
  // forwarded there (ServiceOutput::forward), or answered Redirect when the
  // client asked for that; a forwarded request is never forwarded again.
  bool forwarded = false;
  bool redirect = false;
};

// A node's view of the cluster, as a cluster watch delivers it: sent when
// the watch opens and whenever the role, term, leader or membership (or
// whether the membership change is committed) changes on this node.
struct ClusterState {
  NodeId node = kNoNode;
  raft::Role role = raft::Role::Follower;
  Term term = 0;
  NodeId leader = kNoNode;
  LogIndex commit = 0;
  LogIndex applied = 0;
  std::uint64_t revision = 0;
  raft::Membership membership{};
  LogIndex membership_index = 0;
  bool membership_committed = true;
};

enum class Code : std::uint8_t {
  Ok,
  NotFound,            // Get: no such key; Delete: nothing to delete
  PreconditionFailed,  // if_mod_revision did not match; key_value is the current key, if any
  StaleSequence,       // the session's sequence is older than its last write: the result is gone
  Invalid,             // the request is malformed; detail says what is wrong (nothing happened)
  InvalidKey,          // the key breaks a rule of core/kv/key.h; detail names it (nothing happened)
  TooLarge,            // a value over kv::kMaxValueBytes (nothing happened)
  Reserved,            // a key in the reserved namespace (its first segment starts with '_')
  Redirect,            // ask `leader` instead (the client asked for redirects)
  NoLeader,            // no leader is known (or the leader moved under a forwarded request): retry
  Busy,                // too much in flight, or the leader is not ready: retry (nothing happened)
  Unknown,             // may or may not have taken effect: retry with the same session
  Stopped,             // the node has stopped (fail-stop after a storage failure)
  NoSpace,             // this node's disk is full (nothing happened)
  Timeout,             // ReadYourWrites: min_revision was not applied in time
  Compacted,           // Watch: from_revision is older than the kept history
  TooManyWatches,      // Watch: the node's watch limit is reached
  Unreachable,         // the leader could not be reached, or a read forwarded there got no answer: retry (nothing happened)
};

// How a forward failed, as the embedding saw it (forwards.h).
enum class ForwardFailure : std::uint8_t {
  NotSent,   // the leader was never reached (connection refused, or no route): nothing happened there
  NoAnswer,  // it was sent, and no answer came (connection reset, timeout): it may have been applied
};
const char* code_name(Code code);

struct Response {
  std::uint64_t id = 0;  // the request's
  Code code = Code::Ok;
  std::string detail{};       // for every code but Ok: what happened, for a person
  NodeId leader = kNoNode;    // Redirect: the leader; otherwise a hint, if known
  // The store revision the answer reflects (a read, a list, the start of a
  // watch) or that a write produced; what X-Confman-Version carries.
  std::uint64_t revision = 0;
  std::optional<kv::KeyValue> key_value{};  // Get; Put / Delete when Ok; PreconditionFailed
  std::vector<kv::KeyValue> items{};        // List
  std::optional<std::string> next_after{};  // List: more keys follow; pass as list_after
  std::optional<raft::Membership> membership{};  // membership changes
  std::uint64_t compacted_revision = 0;     // Compacted: a watch must start above this
  std::optional<ClusterState> cluster{};    // ClusterStatus
};

// Events for one watch, in revision order. Every change to a watched key
// with a revision up to through_revision has been delivered once the batch
// is: a batch with no events is a progress notice.
struct WatchBatch {
  std::uint64_t watch_id = 0;  // the Watch request's id
  std::vector<kv::Event> events{};
  std::uint64_t through_revision = 0;
};

// The effects of the service, implemented by its embedding. Calls never
// re-enter the service.
class ServiceOutput {
 public:
  virtual ~ServiceOutput() = default;
  virtual void respond(Response response) = 0;
  // This node cannot serve the request and the leader can: deliver it to
  // the leader's service (request.forwarded is set). When the leader's answer
  // comes, relay it if Service::forward_answered says the service still holds
  // the request; if the forward fails, tell Service::forward_failed. The
  // same request may be forwarded again (to a newer leader) meanwhile.
  virtual void forward(NodeId leader, const Request& request) = 0;
  virtual void watch_events(WatchBatch batch) = 0;
  // The watch is over (Compacted: its events are gone after a snapshot
  // replaced the store; Stopped: the node stopped). Nothing more follows.
  virtual void watch_ended(std::uint64_t watch_id, Code code, std::string detail) = 0;
  // A cluster watch's event (Operation::WatchCluster).
  virtual void cluster_event(std::uint64_t watch_id, const ClusterState& state) = 0;
};

}  // namespace confman::service
