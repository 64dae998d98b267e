#include "check/model_cas_register.h"

namespace confman::check {

CasRegisterModel::State CasRegisterModel::intern(const std::optional<std::string>& value) {
  // Register values are integers in decimal, so "" cannot collide with one.
  return value ? values_.intern(*value) : kNil;
}

Result<CasRegisterModel, ParseError> CasRegisterModel::prepare(
    const History& history, std::span<const std::uint32_t> ops) {
  CasRegisterModel model;
  CONFMAN_ASSERT(model.values_.intern("") == kNil, "nil interns first");
  model.ops_.reserve(ops.size());
  for (const std::uint32_t index : ops) {
    const Operation& operation = history.operations[index];
    const Function f = operation.function;
    if (f != Function::Read && f != Function::Write && f != Function::Cas) {
      return unexpected(unsupported_operation(history, operation, kCasRegisterModel,
                                              "read, write and cas [old new]"));
    }
    Op op;
    op.function = f;
    op.unknown = operation.outcome == Outcome::Unknown;
    op.value = model.intern(f == Function::Read ? operation.read_value : operation.value);
    op.expected = model.intern(operation.expected);
    model.ops_.push_back(op);
  }
  return model;
}

template <bool kExplain>
bool CasRegisterModel::apply(const State& state, std::uint32_t index, State& next,
                             std::string* why) const {
  const Op& op = ops_[index];
  switch (op.function) {
    case Function::Read:
      if (state != op.value) {
        return reject<kExplain>(why, [&] {
          return "read returned " + show(op.value) + " but the register held " + show(state);
        });
      }
      next = state;
      return true;
    case Function::Write:
      next = op.value;
      return true;
    case Function::Cas:
      if (state != op.expected) {
        return reject<kExplain>(why, [&] {
          if (op.unknown) {
            return "a cas of unknown outcome matters only if it swapped, and it could not: "
                   "the register held " + show(state) + ", not " + show(op.expected);
          }
          return "cas [" + show(op.expected) + " " + show(op.value) +
                 "] succeeded but the register held " + show(state) + ", not " + show(op.expected);
        });
      }
      next = op.value;
      return true;
    default:
      CONFMAN_ASSERT(false, "prepare() admits only read, write and cas");
      return false;
  }
}

std::string CasRegisterModel::show(State value) const {
  return value == kNil ? std::string("nil") : values_.text(value);
}

std::string CasRegisterModel::why_rejected(const State& state, std::uint32_t op) {
  std::string why;
  State next = state;
  const bool accepted = apply<true>(state, op, next, &why);
  CONFMAN_ASSERT(!accepted, "why_rejected() of an operation the model accepts");
  return why;
}

std::string CasRegisterModel::describe_state(const State& state) const {
  if (state == kNil) return "the register is unset (nil)";
  return "the register holds " + show(state);
}

bool CasRegisterModel::step(const State& state, std::uint32_t op, State& next) {
  return apply<false>(state, op, next, nullptr);
}

}  // namespace confman::check
