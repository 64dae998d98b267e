#pragma once
// Limits of the configuration store. Every one is enforced with a clear error;
// none is a silent truncation.

#include <cstddef>
#include <cstdint>

namespace confman::kv {

constexpr std::size_t kMaxKeyBytes = 1024;        // whole path, e.g. "/app/config/timeout"
constexpr std::size_t kMaxSegmentBytes = 255;     // one path component
constexpr std::size_t kMaxValueBytes = 1 << 20;   // 1 MiB of opaque value bytes
constexpr std::size_t kMaxListLimit = 10000;      // keys per list page
constexpr std::size_t kMaxSessions = 4096;        // client sessions kept for de-duplication
// The watch history (event_log.h): its oldest events are dropped beyond this.
// Part of the replicated state's definition: every replica must use the same.
// Every snapshot carries it: at 16 MiB, a snapshot every 10,000 writes cost
// the real cluster a fifth of its write throughput at 64 clients (measured
// with confman-load); at 4 MiB it holds some 10,000 events of a few hundred
// bytes.
constexpr std::size_t kMaxEventLogBytes = 4 << 20;
// A member's address record (opaque to the core; the server keeps its peer
// and client addresses there).
constexpr std::size_t kMaxMemberRecordBytes = 4096;
// The largest revision a client may name (a watch's start, a read's
// min_revision). A future revision may be waited for, but one this far off
// is a mistake or an attack: a resumed watch whose Last-Event-ID was
// 2^64 - 1 once overflowed (+1) to 0, "from now", and silently skipped.
constexpr std::uint64_t kMaxClientRevision = std::uint64_t{1} << 63;

}  // namespace confman::kv
