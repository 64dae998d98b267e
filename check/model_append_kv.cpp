#include "check/model_append_kv.h"

#include <algorithm>

namespace confman::check {

namespace {

// The get results no longer result starts with: a text found in a result is
// found in any result that starts with it, so these are all that need
// searching. On a key without put they are usually just the longest one
// (searching every result made this pass 90% of a 16 s check).
std::vector<std::string_view> results_to_search(const History& history, const std::vector<std::uint32_t>& ops) {
  std::vector<std::string_view> results;
  for (const std::uint32_t index : ops) {
    const Operation& op = history.operations[index];
    if (op.function == Function::Get && op.outcome == Outcome::Ok && op.read_value) results.push_back(*op.read_value);
  }
  std::stable_sort(results.begin(), results.end(),
                   [](std::string_view a, std::string_view b) { return a.size() > b.size(); });
  std::vector<std::string_view> kept;
  for (const std::string_view result : results) {
    const bool covered = std::any_of(kept.begin(), kept.end(),
                                     [&](std::string_view longer) { return longer.starts_with(result); });
    if (!covered) kept.push_back(result);
  }
  return kept;
}

}  // namespace

std::vector<std::uint32_t> without_unobserved_unknown_appends(const History& history,
                                                             const std::vector<std::uint32_t>& ops) {
  const std::vector<std::string_view> results = results_to_search(history, ops);
  const auto observed = [&results](const std::string& text) {
    return std::any_of(results.begin(), results.end(),
                       [&](std::string_view result) { return result.find(text) != std::string_view::npos; });
  };
  std::vector<std::uint32_t> kept;
  kept.reserve(ops.size());
  for (const std::uint32_t index : ops) {
    const Operation& op = history.operations[index];
    const bool unobserved_unknown_append = op.function == Function::Append && op.outcome == Outcome::Unknown &&
                                           op.value && !op.value->empty() && !observed(*op.value);
    if (!unobserved_unknown_append) kept.push_back(index);
  }
  return kept;
}

Result<AppendKvModel, ParseError> AppendKvModel::prepare(const History& history,
                                                           std::span<const std::uint32_t> ops) {
  AppendKvModel model;
  model.ops_.reserve(ops.size());
  for (const std::uint32_t index : ops) {
    const Operation& operation = history.operations[index];
    const Function f = operation.function;
    if (f != Function::Get && f != Function::Put && f != Function::Append) {
      return unexpected(unsupported_operation(history, operation, kAppendKvModel,
                                              "get, put and append"));
    }
    Op op;
    op.function = f;
    const std::optional<std::string>& text = f == Function::Get ? operation.read_value : operation.value;
    const std::string_view value = text ? std::string_view(*text) : std::string_view();
    op.value = f == Function::Append ? model.strings_.piece(value) : model.strings_.whole(value);
    model.ops_.push_back(op);
  }
  bool has_put = false;
  for (const Op& op : model.ops_) has_put = has_put || op.function == Function::Put;
  if (!has_put) {
    // Only what a get returned: one of unknown outcome observed nothing.
    for (const std::uint32_t index : ops) {
      const Operation& operation = history.operations[index];
      if (operation.function == Function::Get && operation.outcome == Outcome::Ok) {
        model.get_results_.push_back(operation.read_value ? std::string_view(*operation.read_value)
                                                          : std::string_view());
      }
    }
    std::sort(model.get_results_.begin(), model.get_results_.end(),
              [](std::string_view a, std::string_view b) { return a.size() < b.size(); });
  }
  return model;
}

const std::string_view* AppendKvModel::next_get_result(std::size_t length) const {
  const auto longer = std::upper_bound(get_results_.begin(), get_results_.end(), length,
                                       [](std::size_t n, std::string_view result) { return n < result.size(); });
  return longer == get_results_.end() ? nullptr : &*longer;
}

template <bool kExplain>
bool AppendKvModel::apply(const State& state, std::uint32_t index, State& next, std::string* why) {
  const Op& op = ops_[index];
  switch (op.function) {
    case Function::Get:
      if (state != op.value) {
        return reject<kExplain>(why, [&] {
          return "get returned \"" + abbreviate(strings_.text(op.value), 64) +
                 "\" but the key held \"" + abbreviate(strings_.text(state), 64) + "\"";
        });
      }
      next = state;
      return true;
    case Function::Put:
      next = op.value;
      return true;
    case Function::Append: {
      const std::size_t now = strings_.length(state);
      if (const std::string_view* later = next_get_result(now)) {
        const std::string& suffix = strings_.piece_text(op.value);
        const bool prefix = later->size() >= now + suffix.size() && later->compare(now, suffix.size(), suffix) == 0;
        if (!prefix) {
          return reject<kExplain>(why, [&] {
            return "append \"" + abbreviate(suffix, 32) + "\" would leave the key \"" +
                   abbreviate(strings_.text(state) + suffix, 64) +
                   "\", but a get not yet taken effect returned \"" + abbreviate(std::string(*later), 64) +
                   "\", and the key only grows";
          });
        }
      }
      next = strings_.append(state, op.value);
      return true;
    }
    default:
      CONFMAN_ASSERT(false, "prepare() admits only get, put and append");
      return false;
  }
}

std::string AppendKvModel::why_rejected(const State& state, std::uint32_t op) {
  std::string why;
  State next = state;
  const bool accepted = apply<true>(state, op, next, &why);
  CONFMAN_ASSERT(!accepted, "why_rejected() of an operation the model accepts");
  return why;
}

std::string AppendKvModel::describe_state(const State& state) const {
  if (state == kEmpty) return "the key is empty (\"\")";
  return "the key holds \"" + abbreviate(strings_.text(state), 64) + "\"";
}

bool AppendKvModel::step(const State& state, std::uint32_t op, State& next) {
  return apply<false>(state, op, next, nullptr);
}

}  // namespace confman::check
