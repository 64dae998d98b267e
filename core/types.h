#pragma once
// Vocabulary types shared by every layer of the core.

#include <cstdint>

namespace confman {

using NodeId = std::uint64_t;    // 0 means "no node" (no vote, no known leader)
using Term = std::uint64_t;
using LogIndex = std::uint64_t;  // 0 is the empty prefix; the first entry is 1
using TimeUs = std::int64_t;     // monotonic time in microseconds, as the core is told it

constexpr NodeId kNoNode = 0;

}  // namespace confman
