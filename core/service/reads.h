#pragma once
// Reads served from this node's store: the answer to a Get or a List as the
// store is now (reserved keys left out), and the read-your-writes reads
// waiting for the store to reach a revision, each with a deadline.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "core/kv/store.h"
#include "core/service/request.h"

namespace confman::service {

// The answer to a validated Get or List from the store as it is.
Response read_locally(const Request& request, const kv::Store& store);

class ReadWaits {
 public:
  void add(Request request, TimeUs deadline_us);
  // The reads whose revision the store has reached, in revision order.
  std::vector<Request> take_ready(std::uint64_t store_revision);
  // The reads whose deadline has passed.
  std::vector<Request> take_expired(TimeUs now_us);
  std::optional<TimeUs> next_deadline_us() const;
  // Every deadline moves back by back_us (the clock went backwards).
  void shift_deadlines(TimeUs back_us);
  std::vector<Request> take_all();
  std::size_t size() const { return waits_.size(); }

 private:
  struct Wait {
    Request request;
    TimeUs deadline_us = 0;
  };
  void forget_deadline(TimeUs deadline_us) { deadlines_.erase(deadlines_.find(deadline_us)); }
  std::multimap<std::uint64_t, Wait> waits_;  // by the revision each waits for
  std::multiset<TimeUs> deadlines_;           // of every wait, for next_deadline_us

};

}  // namespace confman::service
