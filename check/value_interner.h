#pragma once
// Interns strings to dense ids in the order they are first seen, so model
// states are small integers and equal strings get equal ids. Lookups use our
// own hash (splitmix64.h); nothing iterates the table, so its order cannot
// leak into verdicts or reports.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/util/assert.h"
#include "check/splitmix64.h"

namespace confman::check {

class ValueInterner {
 public:
  std::uint32_t intern(std::string_view text) {
    auto it = ids_.find(text);
    if (it != ids_.end()) return it->second;
    CONFMAN_ASSERT(texts_.size() < 0xffff'fff0u, "interned value id overflow");
    const auto id = static_cast<std::uint32_t>(texts_.size());
    texts_.emplace_back(text);
    ids_.emplace(std::string(text), id);
    bytes_ += 2 * text.size() + kOverheadBytes;
    return id;
  }

  const std::string& text(std::uint32_t id) const { return texts_.at(id); }
  std::size_t size() const { return texts_.size(); }
  std::size_t memory_bytes() const { return bytes_; }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return static_cast<std::size_t>(hash_bytes(text.data(), text.size()));
    }
  };
  // Map node, vector slot and two string headers, roughly.
  static constexpr std::size_t kOverheadBytes = 128;

  std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> ids_;
  std::vector<std::string> texts_;
  std::size_t bytes_ = 0;
};

}  // namespace confman::check
