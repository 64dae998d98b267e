#pragma once
// Expected failures as values: a Result<T, E> holds either a T or an E.
// (std::expected is C++23; this is the small subset the project needs.)

#include <utility>
#include <variant>

#include "core/util/assert.h"

namespace confman {

template <typename E>
struct Unexpected {
  E error;
};

template <typename E>
Unexpected<E> unexpected(E error) {
  return Unexpected<E>{std::move(error)};
}

template <typename T, typename E>
class [[nodiscard]] Result {
 public:
  Result(T value) : storage_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Unexpected<E> failure) : storage_(std::in_place_index<1>, std::move(failure.error)) {}  // NOLINT

  bool ok() const { return storage_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    CONFMAN_ASSERT(ok(), "Result::value() called on an error");
    return std::get<0>(storage_);
  }
  const T& value() const& {
    CONFMAN_ASSERT(ok(), "Result::value() called on an error");
    return std::get<0>(storage_);
  }
  T&& value() && {
    CONFMAN_ASSERT(ok(), "Result::value() called on an error");
    return std::get<0>(std::move(storage_));
  }
  const E& error() const {
    CONFMAN_ASSERT(!ok(), "Result::error() called on a value");
    return std::get<1>(storage_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, E> storage_;
};

// Result of an operation with no value on success.
struct Done {};

}  // namespace confman
