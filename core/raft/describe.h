#pragma once
// Stable, one-line-per-item descriptions of Raft's inputs and outputs, for
// golden test output (tests/raft/interaction_test.cpp, whose scripts live in
// tests/raft/testdata/) and for people reading a failure. The format is
// part of those golden files: change it only together with them
// (`test_raft_interaction --rewrite`).
//
//   1->2 Append term=1 index=3 log_term=1 commit=2 entries=[1/4 normal "x"]
//   Ready hard_state={term=2 vote=1 commit=3} entries=[2/4 noop]
//     send 1->2 Vote term=2 index=3 log_term=1

#include <string>

#include "core/raft/entry.h"
#include "core/raft/message.h"
#include "core/raft/raft.h"

namespace confman::raft {

std::string describe(const Entry& entry);
std::string describe(const Message& message);
// Several lines: the Ready's fields, then one line per message, indented.
std::string describe(const Ready& ready);
std::string describe(const RaftStatus& status);

}  // namespace confman::raft
