#pragma once
// Client requests a node accepts, and its answers.

#include <cstdint>
#include <optional>
#include <string>

#include "core/kv/command.h"
#include "core/raft/membership.h"
#include "core/types.h"

namespace confman::node {

enum class ReadConsistency : std::uint8_t {
  Linearizable,  // ReadIndex round on the leader (§6.4)
  Stale,         // this node's applied state, possibly behind
};

enum class RequestKind : std::uint8_t {
  Write,
  Get,
  ConfigChange,        // a membership change (core/raft/membership.h); Ok once committed
  TransferLeadership,  // hand leadership to transfer_target; Ok once it leads
  ReadBarrier,         // Ok once this node has applied everything committed when it was
                       // asked (ReadIndex, §6.4): then any local read is linearizable
};

struct ClientRequest {
  std::uint64_t request_id = 0;  // chosen by the embedding code; echoed in the response
  RequestKind kind = RequestKind::Write;
  kv::WriteRequest write{};      // Write
  std::string key{};             // Get
  ReadConsistency consistency = ReadConsistency::Linearizable;
  raft::ConfigChange config_change{};  // ConfigChange
  NodeId transfer_target = kNoNode;    // TransferLeadership
};

enum class Outcome : std::uint8_t {
  Ok,              // done; see write / read
  NotLeader,       // rejected before taking effect; leader_hint may help
  Busy,            // rejected before taking effect: too much in flight
  InvalidRequest,  // rejected before taking effect: detail says why
  Unknown,         // may or may not take effect (leadership lost, entry overwritten)
  Stopped,         // the node has stopped (fail-stop after a storage failure)
  NoSpace,         // rejected before taking effect: this node's disk is full (detail says more)
};
const char* outcome_name(Outcome outcome);

struct ClientResponse {
  std::uint64_t request_id = 0;
  Outcome outcome = Outcome::Ok;
  NodeId leader_hint = kNoNode;
  kv::WriteResult write{};              // Write + Ok
  std::optional<kv::KeyValue> read{};   // Get + Ok: nullopt when the key is absent
  std::uint64_t read_revision = 0;      // Get + Ok: store revision the read observed
  std::optional<raft::Membership> membership{};  // ConfigChange + Ok: the membership it made
  std::string detail{};
};

class ClientResponder {
 public:
  virtual ~ClientResponder() = default;
  virtual void respond(ClientResponse response) = 0;
  // The store has moved on: it applied entries, or a snapshot replaced it.
  // Reads waiting for a revision and watches may proceed (core/service).
  virtual void on_store_changed() {}
};

}  // namespace confman::node
