// test_raft's entry point: GoogleTest's, plus --rewrite, which makes the
// interaction scripts (interaction_test.cpp) write their golden outputs.

#include <gtest/gtest.h>

#include <cstring>

#include "tests/raft/interaction_rewrite.h"

namespace confman::raft::testing {
namespace {
bool g_rewrite = false;
}  // namespace
bool rewrite_golden_files() { return g_rewrite; }
}  // namespace confman::raft::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--rewrite") == 0) confman::raft::testing::g_rewrite = true;
  }
  return RUN_ALL_TESTS();
}
