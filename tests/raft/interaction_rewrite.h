#pragma once
// Whether test_raft was started with --rewrite (tests/raft/main.cpp): the
// interaction scripts then write their outputs back instead of comparing.

namespace confman::raft::testing {

bool rewrite_golden_files();

}  // namespace confman::raft::testing
