#include "check/model_append_kv.h"

namespace confman::check {

Result<AppendKvModel, ParseError> AppendKvModel::prepare(const History& history,
                                                           std::span<const std::uint32_t> ops) {
  AppendKvModel model;
  CONFMAN_ASSERT(model.strings_.intern("") == kEmpty, "the empty string interns first");
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
    op.value = model.strings_.intern(text.value_or(""));
    model.ops_.push_back(op);
  }
  return model;
}

AppendKvModel::State AppendKvModel::append(State state, State suffix) {
  const std::uint64_t key = (std::uint64_t{state} << 32) | suffix;
  auto it = appended_.find(key);
  if (it != appended_.end()) return it->second;
  const State result = strings_.intern(strings_.text(state) + strings_.text(suffix));
  appended_.emplace(key, result);
  return result;
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
    case Function::Append:
      next = append(state, op.value);
      return true;
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
