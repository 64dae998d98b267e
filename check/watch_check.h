#pragma once
// Watches checked against the committed revisions (committed.h). A watch
// segment is what one watcher saw of one key (or namespace) from a start
// revision through the last revision it was told it had everything up to,
// across every reconnection and resumption in between (a watcher starts a
// new segment only when its history is gone: Compacted). It must have
// received exactly the committed changes to its keys in that range: each
// once, in revision order, with no gaps and nothing that was not committed.

#include <cstdint>
#include <string>
#include <vector>

#include "check/committed.h"

namespace confman::check {

struct WatchSegment {
  std::int64_t watcher = 0;
  std::string key{};  // a key, or a namespace ending in '/' with prefix
  bool prefix = false;
  std::uint64_t start_revision = 0;    // the first revision the segment covers
  std::uint64_t through_revision = 0;  // the last (start - 1: it covers nothing yet)
  std::vector<CommittedChange> received{};
};

struct WatchCheckResult {
  std::string violation;  // empty: every segment saw exactly what was committed
  std::uint64_t events_checked = 0;
};

WatchCheckResult check_watches(const std::vector<WatchSegment>& segments, const CommittedHistory& committed);

}  // namespace confman::check
