#include "check/revision_order.h"

#include <algorithm>
#include <vector>

namespace confman::check {
namespace {

bool acknowledged_write(const Operation& op) {
  if (op.outcome != Outcome::Ok) return false;
  if (op.function == Function::Put) return true;
  return (op.function == Function::Delete || op.function == Function::KvCas) && op.result == KvResult::Ok;
}

Violation revision_violation(std::size_t writes, std::size_t first, std::string first_reason,
                             std::size_t second, std::string second_reason, std::string summary) {
  Violation v;
  v.kind = Violation::Kind::RevisionOrder;
  v.partition = "(all keys)";
  v.partition_operations = writes;
  v.cannot_place.push_back(StuckOperation{first, std::move(first_reason)});
  v.cannot_place.push_back(StuckOperation{second, std::move(second_reason)});
  v.summary = std::move(summary);
  return v;
}

std::optional<Violation> duplicate_revision(const History& history, std::vector<std::size_t> writes) {
  std::sort(writes.begin(), writes.end(), [&](std::size_t a, std::size_t b) {
    const Operation& x = history.operations[a];
    const Operation& y = history.operations[b];
    return x.revision != y.revision ? x.revision < y.revision : x.call_position < y.call_position;
  });
  for (std::size_t i = 1; i < writes.size(); ++i) {
    const Operation& a = history.operations[writes[i - 1]];
    const Operation& b = history.operations[writes[i]];
    if (a.revision != b.revision) continue;
    const std::string rev = std::to_string(a.revision);
    return revision_violation(writes.size(), writes[i - 1], "got revision " + rev, writes[i],
                              "got revision " + rev + " too; every write gets its own revision",
                              "two acknowledged writes got revision " + rev + ": " +
                                  describe_operation(a) + " and " + describe_operation(b));
  }
  return std::nullopt;
}

// For each write in invocation order, the highest revision among writes that
// returned before it was invoked must be lower than its own.
std::optional<Violation> revision_against_real_time(const History& history,
                                                    const std::vector<std::size_t>& by_call) {
  std::vector<std::size_t> by_return = by_call;
  std::sort(by_return.begin(), by_return.end(), [&](std::size_t a, std::size_t b) {
    return history.operations[a].return_position < history.operations[b].return_position;
  });
  std::size_t returned = 0;
  std::optional<std::size_t> highest;
  for (const std::size_t index : by_call) {
    const Operation& op = history.operations[index];
    while (returned < by_return.size() &&
           history.operations[by_return[returned]].return_position < op.call_position) {
      const std::size_t done = by_return[returned++];
      if (!highest || history.operations[done].revision > history.operations[*highest].revision) highest = done;
    }
    if (!highest || history.operations[*highest].revision < op.revision) continue;
    const Operation& earlier = history.operations[*highest];
    return revision_violation(
        by_call.size(), *highest, "returned revision " + std::to_string(earlier.revision) + " first", index,
        "was invoked after that return, yet got the lower revision " + std::to_string(op.revision),
        describe_operation(earlier) + " returned before " + describe_operation(op) +
            " was invoked, yet got the higher revision");
  }
  return std::nullopt;
}

}  // namespace

std::optional<Violation> check_revision_order(const History& history) {
  std::vector<std::size_t> writes;  // invocation order: History::operations is
  for (std::size_t i = 0; i < history.operations.size(); ++i) {
    if (acknowledged_write(history.operations[i])) writes.push_back(i);
  }
  if (auto duplicate = duplicate_revision(history, writes)) return duplicate;
  return revision_against_real_time(history, writes);
}

}  // namespace confman::check
