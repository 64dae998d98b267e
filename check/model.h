#pragma once
// What the three models share: the names the CLI and verdicts.tsv use, and
// how a model refuses a history it cannot check.
//
// A model is a class with the interface documented in wgl.h, plus
//   static Result<M, ParseError> prepare(const History&, std::span<const std::uint32_t> ops);
//   std::string why_rejected(const State&, std::uint32_t op);  // when step() fails
//   std::string describe_state(const State&) const;
// prepare() compiles the partition's operations into a compact form (values
// interned to small integers), so step() compares integers, never strings.
//
// Each model's step() is written once as apply<kExplain>(): the search calls
// apply<false>, which builds no strings; reports call apply<true>, which says
// why the operation cannot take effect here.

#include <cstdint>
#include <string>
#include <string_view>

#include "check/history.h"
#include "check/parse.h"

namespace confman::check {

inline constexpr std::string_view kConfmanKvModel = "confman-kv";
inline constexpr std::string_view kCasRegisterModel = "cas-register";
inline constexpr std::string_view kAppendKvModel = "append-kv";

// The error for an operation the model has no rule for.
ParseError unsupported_operation(const History& history, const Operation& op,
                                 std::string_view model, std::string_view hint);

// Records `reason` when explaining; always returns false (the step fails).
template <bool kExplain, typename Reason>
bool reject(std::string* why, Reason&& reason) {
  if constexpr (kExplain) *why = reason();
  return false;
}

}  // namespace confman::check
