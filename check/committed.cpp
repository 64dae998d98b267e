#include "check/committed.h"

#include <algorithm>

#include "core/util/assert.h"

namespace confman::check {

void CommittedHistory::add(CommittedChange change) {
  CONFMAN_ASSERT(change.revision > last_revision(), "committed changes are added in revision order");
  revisions_by_key_[change.key].push_back(change.revision);
  changes_.emplace(change.revision, std::move(change));
}

KeyState CommittedHistory::state_at(const std::string& key, std::uint64_t revision) const {
  auto revisions = revisions_by_key_.find(key);
  if (revisions == revisions_by_key_.end()) return KeyState{};
  const std::vector<std::uint64_t>& list = revisions->second;
  auto after = std::upper_bound(list.begin(), list.end(), revision);
  if (after == list.begin()) return KeyState{};
  const CommittedChange& last = changes_.at(*(after - 1));
  if (last.deleted) return KeyState{};
  return KeyState{true, last.value, last.revision, last.create_revision, last.version};
}

}  // namespace confman::check
