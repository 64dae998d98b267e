#include "check/watch_check.h"

namespace confman::check {

namespace {

bool matches(const WatchSegment& segment, const std::string& key) {
  if (!segment.prefix) return key == segment.key;
  return key.compare(0, segment.key.size(), segment.key) == 0;
}

std::string describe(const CommittedChange& change) {
  return "revision " + std::to_string(change.revision) + " (" + (change.deleted ? "delete " : "put ") + change.key +
         (change.deleted ? "" : " = \"" + change.value + "\"") + ")";
}

std::string describe(const WatchSegment& segment) {
  return "watcher " + std::to_string(segment.watcher) + " of " + (segment.prefix ? "namespace " : "key ") +
         segment.key + " from revision " + std::to_string(segment.start_revision) + " through " +
         std::to_string(segment.through_revision);
}

bool same_change(const CommittedChange& a, const CommittedChange& b) {
  return a.revision == b.revision && a.key == b.key && a.deleted == b.deleted && (a.deleted || a.value == b.value);
}

std::string check_segment(const WatchSegment& segment, const CommittedHistory& committed) {
  std::vector<const CommittedChange*> expected;
  const auto& changes = committed.changes();
  for (auto it = changes.lower_bound(segment.start_revision); it != changes.end() && it->first <= segment.through_revision;
       ++it) {
    if (matches(segment, it->second.key)) expected.push_back(&it->second);
  }
  std::size_t next = 0;
  std::uint64_t previous = 0;
  for (const CommittedChange& got : segment.received) {
    if (got.revision <= previous) {
      return describe(segment) + " received " + describe(got) + " after revision " + std::to_string(previous) +
             (got.revision == previous ? " (delivered twice)" : " (out of order)");
    }
    previous = got.revision;
    if (next < expected.size() && expected[next]->revision < got.revision) {
      return describe(segment) + " never received " + describe(*expected[next]) + " (it got " + describe(got) +
             " next)";
    }
    if (next >= expected.size() || !same_change(*expected[next], got)) {
      return describe(segment) + " received " + describe(got) + ", which is not a committed change to its keys in range";
    }
    next += 1;
  }
  if (next < expected.size()) {
    return describe(segment) + " never received " + describe(*expected[next]) + " (the stream said it had everything)";
  }
  return {};
}

}  // namespace

WatchCheckResult check_watches(const std::vector<WatchSegment>& segments, const CommittedHistory& committed) {
  WatchCheckResult result;
  for (const WatchSegment& segment : segments) {
    result.events_checked += segment.received.size();
    if (std::string problem = check_segment(segment, committed); !problem.empty()) {
      result.violation = "a watch did not see each change once, in order: " + problem;
      return result;
    }
  }
  return result;
}

}  // namespace confman::check
