// The checks that read the simulator's ground truth (committed.h): reads
// against the committed revisions (read_check.h), watches (watch_check.h)
// and cluster views (cluster_check.h). Each must fire on what it exists to
// catch, and pass what is right.

#include <gtest/gtest.h>

#include "check/cluster_check.h"
#include "check/read_check.h"
#include "check/watch_check.h"

namespace confman::check {
namespace {

CommittedHistory three_changes() {
  CommittedHistory committed;
  committed.add(CommittedChange{.revision = 1, .key = "/a", .value = "1", .create_revision = 1, .version = 1});
  committed.add(CommittedChange{.revision = 2, .key = "/b", .value = "x", .create_revision = 2, .version = 1});
  committed.add(CommittedChange{.revision = 3, .key = "/a", .deleted = true});
  return committed;
}

SessionOperation read(std::int64_t process, ReadMode mode, bool found, std::string value, std::uint64_t mod,
                      std::uint64_t at) {
  return SessionOperation{.process = process,
                          .read = true,
                          .key = "/a",
                          .mode = mode,
                          .found = found,
                          .value = std::move(value),
                          .mod_revision = mod,
                          .read_revision = at};
}

TEST(ReadCheck, ReadsThatMatchTheirRevisionPass) {
  const auto result = check_reads({read(0, ReadMode::Stale, true, "1", 1, 1), read(0, ReadMode::Stale, true, "1", 1, 2),
                                   read(0, ReadMode::Linearizable, false, "", 0, 3)},
                                  three_changes());
  EXPECT_TRUE(result.violation.empty()) << result.violation;
  EXPECT_EQ(result.reads_checked, 3u);
}

TEST(ReadCheck, AReadOfAStateThatNeverWasFails) {
  const auto result = check_reads({read(0, ReadMode::Stale, true, "1", 1, 3)}, three_changes());
  EXPECT_NE(result.violation.find("did not exist at its revision"), std::string::npos) << result.violation;
}

TEST(ReadCheck, AReadYourWritesReadOlderThanTheClientsWriteFails) {
  std::vector<SessionOperation> session{SessionOperation{.process = 4, .key = "/b", .write_revision = 2},
                                        read(4, ReadMode::ReadYourWrites, true, "1", 1, 1)};
  const auto result = check_reads(session, three_changes());
  EXPECT_NE(result.violation.find("read-your-writes broken"), std::string::npos) << result.violation;
  // A stale read may be that old.
  session[1].mode = ReadMode::Stale;
  EXPECT_TRUE(check_reads(session, three_changes()).violation.empty());
}

WatchSegment segment_of_a(std::vector<CommittedChange> received, std::uint64_t through = 3) {
  return WatchSegment{.watcher = 1, .key = "/a", .start_revision = 1, .through_revision = through,
                      .received = std::move(received)};
}

TEST(WatchCheck, EveryChangeOnceInOrderPasses) {
  const CommittedHistory committed = three_changes();
  const auto& changes = committed.changes();
  EXPECT_TRUE(check_watches({segment_of_a({changes.at(1), changes.at(3)})}, committed).violation.empty());
}

TEST(WatchCheck, AGapADuplicateOrAStrangerFails) {
  const CommittedHistory committed = three_changes();
  const auto& changes = committed.changes();
  EXPECT_NE(check_watches({segment_of_a({changes.at(3)})}, committed).violation.find("never received"),
            std::string::npos);
  EXPECT_NE(check_watches({segment_of_a({changes.at(1), changes.at(1), changes.at(3)})}, committed)
                .violation.find("delivered twice"),
            std::string::npos);
  EXPECT_NE(check_watches({segment_of_a({changes.at(1), changes.at(2), changes.at(3)})}, committed)
                .violation.find("not a committed change"),
            std::string::npos);
  // Told it had everything through 3, it must have the delete.
  EXPECT_NE(check_watches({segment_of_a({changes.at(1)})}, committed).violation.find("never received"),
            std::string::npos);
}

ClusterObservation seen(std::uint64_t node, std::uint64_t term, std::uint64_t leader, std::uint64_t stream = 1) {
  return ClusterObservation{.watcher = 0, .stream = stream, .node = node, .leader_role = node == leader,
                            .term = term, .leader = leader};
}

TEST(ClusterCheck, AgreeingViewsPass) {
  EXPECT_TRUE(check_cluster_observations({seen(1, 1, 1), seen(2, 1, 1, 2), seen(2, 2, 0, 2), seen(3, 2, 3, 3)})
                  .violation.empty());
}

TEST(ClusterCheck, TwoLeadersInATermOrATermGoingBackFail) {
  EXPECT_NE(check_cluster_observations({seen(1, 4, 1), seen(2, 4, 2, 2)}).violation.find("two leaders in term 4"),
            std::string::npos);
  EXPECT_NE(check_cluster_observations({seen(1, 5, 0), seen(1, 4, 0)}).violation.find("term go back"),
            std::string::npos);
  ClusterObservation liar = seen(1, 2, 3);
  liar.leader_role = true;
  EXPECT_NE(check_cluster_observations({liar}).violation.find("naming another"), std::string::npos);
}

}  // namespace
}  // namespace confman::check
