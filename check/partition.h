#pragma once
// P-compositional checking (Herlihy & Wing 1990 locality; Horn & Kroening
// 2015): when a model's keys are independent objects, a history is
// linearizable iff each key's sub-history is, so each key is searched alone.
// The search cost is exponential in the concurrency of one part, not of the
// whole history, which is what makes the split worthwhile. A register
// history has one key, "", and stays whole.

#include <cstdint>
#include <string>
#include <vector>

#include "check/history.h"
#include "check/wgl.h"

namespace confman::check {

struct Partition {
  std::string key;
  std::vector<std::uint32_t> ops;  // indices into History::operations, in invocation order
};

// Partitions in key order (deterministic), operations in invocation order.
std::vector<Partition> split_by_key(const History& history);

// The search's view of a partition: intervals and unknown-outcome twins.
// `value_irrelevant` (empty, or one flag per partition operation) marks
// unknown-outcome writes whose value the model ignores: they are twins of
// one another when the rest of their input matches.
std::vector<SearchOp> search_ops(const History& history, const Partition& partition,
                                 const std::vector<bool>& value_irrelevant = {});

}  // namespace confman::check
