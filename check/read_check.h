#pragma once
// Reads checked against the committed revisions (committed.h), whatever
// mode they read in. Every successful read names the store revision it
// observed, and must return the key exactly as it was at that revision: a
// read never sees a change that was not committed, half a change, or a
// state that never existed. On top of that, a read-your-writes or
// linearizable read must observe at least every revision its own client has
// already seen (its acknowledged writes and its earlier reads): read your
// writes, and monotonic reads. Stale reads promise only the first part.
// Linearizability (real-time order across clients) is the linearizability
// checker's job (checker.h).

#include <cstdint>
#include <string>
#include <vector>

#include "check/committed.h"

namespace confman::check {

enum class ReadMode : std::uint8_t { Linearizable, ReadYourWrites, Stale };
const char* read_mode_name(ReadMode mode);

// One completed operation of a client session, in the order the client
// completed them (a client has one operation at a time).
struct SessionOperation {
  std::int64_t process = 0;
  bool read = false;
  std::string key{};
  // Reads
  ReadMode mode = ReadMode::Linearizable;
  bool found = false;
  std::string value{};
  std::uint64_t mod_revision = 0;
  std::uint64_t read_revision = 0;
  // Writes: the revision an acknowledged successful write made (0: none)
  std::uint64_t write_revision = 0;
  std::int64_t time_us = 0;  // completion, for the explanation
};

struct ReadCheckResult {
  std::string violation;  // empty: every read is consistent
  std::uint64_t reads_checked = 0;
};

ReadCheckResult check_reads(const std::vector<SessionOperation>& operations, const CommittedHistory& committed);

}  // namespace confman::check
