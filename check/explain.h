#pragma once
// Turns a failed search into a Violation: replays the longest linearizable
// prefix through the model and asks it, for every operation that could come
// next, why it cannot. Runs once per violating partition, after the search,
// so it may be slow and build strings.

#include <algorithm>
#include <set>
#include <span>
#include <vector>

#include "check/partition.h"
#include "check/violation.h"
#include "check/wgl.h"

namespace confman::check {

template <typename Model>
Violation explain_violation(Model& model, const History& history, const Partition& partition,
                            std::span<const SearchOp> ops, const std::vector<std::uint32_t>& prefix) {
  Violation v;
  v.partition = partition.key;
  v.partition_operations = ops.size();
  typename Model::State state = model.initial_state();
  std::vector<bool> placed(ops.size(), false);
  // The return positions not yet placed: the earliest is the frontier a
  // model that places operations lazily needs (wgl.h, update_frontier).
  constexpr bool kNeedsFrontier = requires(Model& m) { m.set_frontier(std::uint64_t{}); };
  std::set<std::uint64_t> unplaced_returns;
  for (const SearchOp& op : ops) {
    if (kNeedsFrontier && op.return_position != kNeverReturned) unplaced_returns.insert(op.return_position);
  }
  const auto tell_frontier = [&] {
    if constexpr (kNeedsFrontier) {
      model.set_frontier(unplaced_returns.empty() ? kNeverReturned : *unplaced_returns.begin());
    }
  };
  for (const std::uint32_t op : prefix) {
    tell_frontier();
    typename Model::State next = state;
    CONFMAN_ASSERT(model.step(state, op, next), "the search's prefix replays through the model");
    state = next;
    placed[op] = true;
    if constexpr (kNeedsFrontier) unplaced_returns.erase(ops[op].return_position);
    v.prefix.push_back(partition.ops[op]);
  }
  tell_frontier();
  v.state_after_prefix = model.describe_state(state);

  // The earliest return not yet linearized bounds what can come next.
  std::uint32_t blocking = kNoOp;
  for (std::uint32_t op = 0; op < ops.size(); ++op) {
    if (placed[op] || ops[op].return_position == kNeverReturned) continue;
    if (blocking == kNoOp || ops[op].return_position < ops[blocking].return_position) blocking = op;
  }
  CONFMAN_ASSERT(blocking != kNoOp, "a failed search leaves an acknowledged operation unplaced");
  v.must_complete = partition.ops[blocking];

  for (std::uint32_t op = 0; op < ops.size(); ++op) {
    if (placed[op] || ops[op].call_position > ops[blocking].return_position) continue;
    typename Model::State next = state;
    const bool fits = model.step(state, op, next);
    if (ops[op].return_position == kNeverReturned) {
      if (fits) v.unknown_candidates.push_back(partition.ops[op]);
      continue;
    }
    v.cannot_place.push_back(StuckOperation{
        partition.ops[op],
        fits ? std::string("it fits here, but no order of the remaining operations works after it")
             : model.why_rejected(state, op)});
  }

  v.summary = partition_name(partition.key) + ": only " + std::to_string(prefix.size()) + " of " +
              std::to_string(ops.size()) + " operations linearize";
  const auto first_rejected = std::find_if(v.cannot_place.begin(), v.cannot_place.end(),
                                           [&](const StuckOperation& s) { return s.reason.rfind("it fits", 0) != 0; });
  if (first_rejected != v.cannot_place.end()) {
    v.summary += "; next, " + describe_operation(history.operations[first_rejected->op]) + ": " +
                 first_rejected->reason;
  }
  return v;
}

}  // namespace confman::check
