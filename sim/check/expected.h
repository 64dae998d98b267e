#pragma once
// Expected failures as values: Expected<T, E> holds either a T or an E.
// (std::expected is C++23; this is the small subset the checker needs.)

#include <utility>
#include <variant>

#include "sim/check/assert.h"

namespace confman::check {

template <typename E>
struct Unexpected {
  E error;
};

template <typename E>
Unexpected<E> unexpected(E error) {
  return Unexpected<E>{std::move(error)};
}

template <typename T, typename E>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : storage_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  Expected(Unexpected<E> failure)                                            // NOLINT: implicit
      : storage_(std::in_place_index<1>, std::move(failure.error)) {}

  bool ok() const { return storage_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    CHECK_ASSERT(ok(), "Expected::value() called on an error");
    return std::get<0>(storage_);
  }
  const T& value() const& {
    CHECK_ASSERT(ok(), "Expected::value() called on an error");
    return std::get<0>(storage_);
  }
  T&& value() && {
    CHECK_ASSERT(ok(), "Expected::value() called on an error");
    return std::get<0>(std::move(storage_));
  }
  const E& error() const {
    CHECK_ASSERT(!ok(), "Expected::error() called on a value");
    return std::get<1>(storage_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, E> storage_;
};

// The value of an Expected that has nothing to return on success.
struct Done {};

}  // namespace confman::check
