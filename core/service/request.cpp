#include "core/service/request.h"

namespace confman::service {

const char* operation_name(Operation operation) {
  switch (operation) {
    case Operation::Get: return "get";
    case Operation::List: return "list";
    case Operation::Put: return "put";
    case Operation::Delete: return "delete";
    case Operation::Watch: return "watch";
    case Operation::AddMember: return "add-member";
    case Operation::PromoteMember: return "promote-member";
    case Operation::RemoveMember: return "remove-member";
    case Operation::TransferLeader: return "transfer-leader";
    case Operation::WatchCluster: return "watch-cluster";
    case Operation::ClusterStatus: return "cluster-status";
  }
  return "unknown";
}

const char* consistency_name(Consistency consistency) {
  switch (consistency) {
    case Consistency::Linearizable: return "linearizable";
    case Consistency::ReadYourWrites: return "read-your-writes";
    case Consistency::Stale: return "stale";
  }
  return "unknown";
}

bool changes_state(Operation operation) {
  switch (operation) {
    case Operation::Get:
    case Operation::List:
    case Operation::Watch:
    case Operation::WatchCluster:
    case Operation::ClusterStatus: return false;
    case Operation::Put:
    case Operation::Delete:
    case Operation::AddMember:
    case Operation::PromoteMember:
    case Operation::RemoveMember:
    case Operation::TransferLeader: return true;
  }
  return true;
}

const char* code_name(Code code) {
  switch (code) {
    case Code::Ok: return "ok";
    case Code::NotFound: return "not-found";
    case Code::PreconditionFailed: return "precondition-failed";
    case Code::StaleSequence: return "stale-sequence";
    case Code::Invalid: return "invalid";
    case Code::InvalidKey: return "invalid-key";
    case Code::TooLarge: return "too-large";
    case Code::Reserved: return "reserved";
    case Code::Redirect: return "redirect";
    case Code::NoLeader: return "no-leader";
    case Code::Busy: return "busy";
    case Code::Unknown: return "unknown";
    case Code::Stopped: return "stopped";
    case Code::NoSpace: return "no-space";
    case Code::Timeout: return "timeout";
    case Code::Compacted: return "compacted";
    case Code::TooManyWatches: return "too-many-watches";
    case Code::Unreachable: return "unreachable";
  }
  return "unknown";
}

}  // namespace confman::service
