#pragma once
// Limits of the configuration store. Every one is enforced with a clear error;
// none is a silent truncation.

#include <cstddef>

namespace confman::kv {

constexpr std::size_t kMaxKeyBytes = 1024;        // whole path, e.g. "/app/config/timeout"
constexpr std::size_t kMaxSegmentBytes = 255;     // one path component
constexpr std::size_t kMaxValueBytes = 1 << 20;   // 1 MiB of opaque value bytes
constexpr std::size_t kMaxListLimit = 10000;      // keys per list page
constexpr std::size_t kMaxSessions = 4096;        // client sessions kept for de-duplication

}  // namespace confman::kv
