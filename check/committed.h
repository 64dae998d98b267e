#pragma once
// The committed changes of a run, by revision: the ground truth that reads
// and watches are checked against (read_check.h, watch_check.h). The
// simulator knows it exactly: every replica applies the same change at each
// revision (the invariant checker makes sure), so the first replica to apply
// a revision tells what it is.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace confman::check {

struct CommittedChange {
  std::uint64_t revision = 0;
  std::string key{};
  bool deleted = false;
  std::string value{};                // puts
  std::uint64_t create_revision = 0;  // puts: the key's, after the put
  std::uint64_t version = 0;          // puts: the key's, after the put
  bool operator==(const CommittedChange&) const = default;
};

// A key as it was at some revision.
struct KeyState {
  bool found = false;
  std::string value;
  std::uint64_t mod_revision = 0;
  std::uint64_t create_revision = 0;
  std::uint64_t version = 0;
};

class CommittedHistory {
 public:
  // Revisions must be added in increasing order.
  void add(CommittedChange change);
  KeyState state_at(const std::string& key, std::uint64_t revision) const;
  std::uint64_t last_revision() const { return changes_.empty() ? 0 : changes_.rbegin()->first; }
  const std::map<std::uint64_t, CommittedChange>& changes() const { return changes_; }

 private:
  std::map<std::uint64_t, CommittedChange> changes_;
  std::map<std::string, std::vector<std::uint64_t>> revisions_by_key_;  // increasing
};

}  // namespace confman::check
