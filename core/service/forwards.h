#pragma once
// The requests this node forwarded to the leader and holds until the
// forward ends: the leader's answer comes back (the embedding relays it),
// the forward fails, its deadline passes, or a newer leader appears.
//
// Why the request layer keeps them rather than fire and forget: a follower
// that forwarded to a leader which then froze (SIGSTOP) or was cut off kept
// its clients waiting for the whole forward timeout, 4 to 7 s, although a
// new leader was elected in 1 to 1.8 s. Knowing what it forwarded where, the
// service re-routes at once when it learns of another leader (or is elected
// itself), and tells a failure that certainly changed nothing apart from
// one whose outcome is unknown (docs/API.md, "Failures"):
//
//   - a forward that was never sent (the connection was refused) changed
//     nothing: it goes to a newer leader if there is one, else Unreachable;
//   - a forward that was sent and got no answer (reset, timeout) may have
//     been applied: a read is answered Unreachable (a read changes
//     nothing), a write or membership change Unknown;
//   - on a newer leader, reads and writes that carry a client session are
//     sent again (the store applies a session's write once, dissertation
//     §6.3, so a copy that the old leader also commits is answered from the
//     session, not applied twice); a write without a session and a
//     membership change are answered Unknown at once.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "core/service/request.h"

namespace confman::service {

struct Forward {
  Request request;       // as the client sent it (not marked forwarded)
  NodeId leader = kNoNode;  // where it went
  TimeUs deadline_us = 0;
};

// Whether a request may be sent to another leader while a copy may still be
// with the first: what changes no state, and writes that carry a client
// session. (Watches are never forwarded.)
bool safe_to_resend(const Request& request);

class Forwards {
 public:
  // A request id seen twice (the network delivered a client's request
  // twice) replaces the forward held for it, which is returned: one answer
  // goes back, from the latest.
  std::optional<Forward> add(Forward forward);
  // The forward of request_id to leader, taken out; nullopt if it is no
  // longer held (answered, failed or re-routed), or went elsewhere since.
  std::optional<Forward> take(std::uint64_t request_id, NodeId leader);
  // The forwards that went to another node than leader, taken out.
  std::vector<Forward> take_not_at(NodeId leader);
  std::vector<Forward> take_expired(TimeUs now_us);
  std::vector<Forward> take_all();
  std::optional<TimeUs> next_deadline_us() const;
  void shift_deadlines(TimeUs back_us);  // the clock went backwards
  std::size_t size() const { return forwards_.size(); }

 private:
  std::vector<Forward> take_if(const std::vector<std::uint64_t>& ids);
  std::map<std::uint64_t, Forward> forwards_;  // by request id; ordered, so re-routing is deterministic
  std::multiset<TimeUs> deadlines_;
};

}  // namespace confman::service
