#pragma once
// The simulator's clock and agenda: events ordered by (virtual time,
// insertion sequence). The sequence breaks ties in the order events were
// scheduled, never by pointer value or hash order, so a seed replays exactly.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/types.h"
#include "core/util/assert.h"

namespace confman::sim {

class EventQueue {
 public:
  using Action = std::function<void()>;

  void schedule_at(TimeUs at_us, Action action) {
    CONFMAN_ASSERT(at_us >= now_us_, "an event cannot be scheduled in the past");
    CONFMAN_ASSERT(heap_.size() < kMaxPendingEvents, "simulator event queue over its limit");
    heap_.push_back(Event{at_us, next_sequence_++, std::move(action)});
    std::push_heap(heap_.begin(), heap_.end(), Later{});
  }
  void schedule_after(TimeUs delay_us, Action action) { schedule_at(now_us_ + delay_us, std::move(action)); }

  bool empty() const { return heap_.empty(); }
  TimeUs next_time_us() const { return heap_.front().at_us; }
  TimeUs now_us() const { return now_us_; }
  std::uint64_t executed() const { return executed_; }

  // Advances time to the next event and runs it.
  void run_next() {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    Event event = std::move(heap_.back());
    heap_.pop_back();
    now_us_ = event.at_us;
    executed_ += 1;
    event.action();
  }

  // Moves the clock forward to at_us when nothing is scheduled before it.
  void advance_to(TimeUs at_us) {
    CONFMAN_ASSERT(heap_.empty() || heap_.front().at_us >= at_us, "advance_to would skip scheduled events");
    if (at_us > now_us_) now_us_ = at_us;
  }

 private:
  static constexpr std::size_t kMaxPendingEvents = 10'000'000;
  struct Event {
    TimeUs at_us;
    std::uint64_t sequence;
    Action action;
  };
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      return a.at_us != b.at_us ? a.at_us > b.at_us : a.sequence > b.sequence;
    }
  };
  std::vector<Event> heap_;
  TimeUs now_us_ = 0;
  std::uint64_t next_sequence_ = 0;
  std::uint64_t executed_ = 0;
};

}  // namespace confman::sim
