#include "check/read_check.h"

#include <algorithm>
#include <map>

namespace confman::check {

namespace {

std::string describe(const SessionOperation& read) {
  return std::string(read_mode_name(read.mode)) + " read of " + read.key + " by client " +
         std::to_string(read.process) + " completed at t=" + std::to_string(read.time_us) + "us";
}

std::string describe(const KeyState& state) {
  if (!state.found) return "absent";
  return "\"" + state.value + "\" (mod revision " + std::to_string(state.mod_revision) + ")";
}

// Empty when the read returned the key as it was at its revision.
std::string state_mismatch(const SessionOperation& read, const CommittedHistory& committed) {
  if (read.read_revision > committed.last_revision()) {
    return describe(read) + " observed revision " + std::to_string(read.read_revision) +
           ", which was never committed (the last is " + std::to_string(committed.last_revision()) + ")";
  }
  const KeyState expected = committed.state_at(read.key, read.read_revision);
  const KeyState got{read.found, read.value, read.mod_revision, 0, 0};
  const bool same = expected.found == got.found &&
                    (!got.found || (expected.value == got.value && expected.mod_revision == got.mod_revision));
  if (same) return {};
  return describe(read) + " at revision " + std::to_string(read.read_revision) + " returned " + describe(got) +
         ", but at that revision the key was " + describe(expected);
}

}  // namespace

const char* read_mode_name(ReadMode mode) {
  switch (mode) {
    case ReadMode::Linearizable: return "linearizable";
    case ReadMode::ReadYourWrites: return "read-your-writes";
    case ReadMode::Stale: return "stale";
  }
  return "unknown";
}

ReadCheckResult check_reads(const std::vector<SessionOperation>& operations, const CommittedHistory& committed) {
  ReadCheckResult result;
  std::map<std::int64_t, std::uint64_t> seen;  // per client: the highest revision it has observed
  for (const SessionOperation& op : operations) {
    std::uint64_t& client_seen = seen[op.process];
    if (!op.read) {
      client_seen = std::max(client_seen, op.write_revision);
      continue;
    }
    result.reads_checked += 1;
    if (std::string mismatch = state_mismatch(op, committed); !mismatch.empty()) {
      result.violation = "a read returned a state that did not exist at its revision: " + mismatch;
      return result;
    }
    if (op.mode != ReadMode::Stale && op.read_revision < client_seen) {
      result.violation = "read-your-writes broken: the " + describe(op) + " observed revision " +
                         std::to_string(op.read_revision) + ", older than revision " + std::to_string(client_seen) +
                         " its client had already seen";
      return result;
    }
    client_seen = std::max(client_seen, op.read_revision);
  }
  return result;
}

}  // namespace confman::check
