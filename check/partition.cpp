#include "check/partition.h"

#include <map>
#include <tuple>

namespace confman::check {

std::vector<Partition> split_by_key(const History& history) {
  std::map<std::string, std::vector<std::uint32_t>> by_key;
  for (std::size_t i = 0; i < history.operations.size(); ++i) {
    by_key[history.operations[i].key].push_back(static_cast<std::uint32_t>(i));
  }
  std::vector<Partition> partitions;
  partitions.reserve(by_key.size());
  for (auto& [key, ops] : by_key) partitions.push_back(Partition{key, std::move(ops)});
  return partitions;
}

std::vector<SearchOp> search_ops(const History& history, const Partition& partition,
                                 const std::vector<bool>& value_irrelevant) {
  // Unknown-outcome operations with the same input have the same effect at
  // any point; wgl.h places such twins in invocation order only.
  using Input = std::tuple<Function, std::optional<std::string>, std::optional<std::string>, std::int64_t, bool>;
  std::map<Input, std::uint32_t> last_unknown;
  std::vector<SearchOp> ops;
  ops.reserve(partition.ops.size());
  for (std::size_t i = 0; i < partition.ops.size(); ++i) {
    const Operation& op = history.operations[partition.ops[i]];
    SearchOp search_op;
    search_op.call_position = op.call_position;
    search_op.return_position = op.outcome == Outcome::Ok ? op.return_position : kNeverReturned;
    if (op.outcome == Outcome::Unknown) {
      const bool irrelevant = !value_irrelevant.empty() && value_irrelevant[i];
      const Input input{op.function, irrelevant ? std::nullopt : op.value, op.expected, op.expected_mod_revision,
                        irrelevant};
      auto [it, inserted] = last_unknown.try_emplace(input, static_cast<std::uint32_t>(i));
      if (!inserted) {
        search_op.after = it->second;
        it->second = static_cast<std::uint32_t>(i);
      }
    }
    ops.push_back(search_op);
  }
  return ops;
}

}  // namespace confman::check
